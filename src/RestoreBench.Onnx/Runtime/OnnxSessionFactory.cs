using Microsoft.ML.OnnxRuntime;

namespace RestoreBench.Onnx.Runtime;

/// <summary>Creates ONNX Runtime sessions with explicit threads, optimisation level and execution provider.</summary>
public static class OnnxSessionFactory
{
    /// <summary>Package that contains the CUDA execution provider (it replaces the CPU package).</summary>
    public const string CudaPackage = "Microsoft.ML.OnnxRuntime.Gpu";

    /// <summary>
    /// Session options for <paramref name="settings"/>: intra-op threads set explicitly, one inter-op
    /// thread with sequential execution, the optimisation level, errors-only logging, and the
    /// execution provider. The caller disposes the options after creating the session.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Negative thread count or device id, or an unknown level/device.</exception>
    /// <exception cref="OnnxProviderUnavailableException">CUDA was requested and this ONNX Runtime build has no CUDA provider.</exception>
    public static SessionOptions CreateOptions(OnnxSessionSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentOutOfRangeException.ThrowIfNegative(settings.Threads);
        ArgumentOutOfRangeException.ThrowIfNegative(settings.DeviceId);
        if (!Enum.IsDefined(settings.OptimizationLevel))
        {
            throw new ArgumentOutOfRangeException(nameof(settings), settings.OptimizationLevel, "Accepted: ORT_DISABLE_ALL, ORT_ENABLE_BASIC, ORT_ENABLE_EXTENDED, ORT_ENABLE_LAYOUT, ORT_ENABLE_ALL.");
        }

        var options = new SessionOptions();
        try
        {
            options.IntraOpNumThreads = settings.EffectiveThreads;
            options.InterOpNumThreads = 1;
            options.ExecutionMode = ExecutionMode.ORT_SEQUENTIAL;
            options.GraphOptimizationLevel = settings.OptimizationLevel;
            options.LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR;
            switch (settings.Device)
            {
                case OnnxDevice.Cpu:
                    break;
                case OnnxDevice.Cuda:
                    AppendCuda(options, settings.DeviceId);
                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(settings), settings.Device, "Accepted devices: cpu, cuda.");
            }

            return options;
        }
        catch
        {
            options.Dispose();
            throw;
        }
    }

    /// <summary>Creates a session for an ONNX file (external data files are resolved next to it).</summary>
    /// <exception cref="OnnxProviderUnavailableException">See <see cref="CreateOptions"/>.</exception>
    /// <exception cref="OnnxRuntimeException">ONNX Runtime rejects the model.</exception>
    public static InferenceSession Create(string path, OnnxSessionSettings? settings = null)
    {
        using var options = CreateOptions(settings ?? OnnxSessionSettings.Default);
        return new InferenceSession(path, options);
    }

    /// <summary>Creates a session for a serialized ONNX model held in memory.</summary>
    /// <exception cref="OnnxProviderUnavailableException">See <see cref="CreateOptions"/>.</exception>
    /// <exception cref="OnnxRuntimeException">ONNX Runtime rejects the model.</exception>
    public static InferenceSession Create(byte[] model, OnnxSessionSettings? settings = null)
    {
        using var options = CreateOptions(settings ?? OnnxSessionSettings.Default);
        return new InferenceSession(model, options);
    }

    /// <summary>Execution providers compiled into the installed ONNX Runtime (e.g. <c>CPUExecutionProvider</c>).</summary>
    public static IReadOnlyList<string> AvailableProviders() => OrtEnv.Instance().GetAvailableProviders();

    private static void AppendCuda(SessionOptions options, int deviceId)
    {
        try
        {
            options.AppendExecutionProvider_CUDA(deviceId);
        }
        catch (Exception e) when (e is OnnxRuntimeException or EntryPointNotFoundException or DllNotFoundException)
        {
            throw new OnnxProviderUnavailableException(
                $"execution provider 'cuda' is not available in the installed ONNX Runtime (providers: {string.Join(", ", AvailableProviders())}); " +
                $"install the {CudaPackage} package (with the CUDA and cuDNN versions it requires) in place of Microsoft.ML.OnnxRuntime, or use --device cpu " +
                $"({e.Message.ReplaceLineEndings(" ").Trim()})",
                e);
        }
    }
}
