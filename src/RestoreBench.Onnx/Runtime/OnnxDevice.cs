namespace RestoreBench.Onnx.Runtime;

/// <summary>Where ONNX Runtime executes a model.</summary>
public enum OnnxDevice
{
    /// <summary>The CPU execution provider (always available).</summary>
    Cpu,

    /// <summary>
    /// The CUDA execution provider. Needs an ONNX Runtime build that contains it (the
    /// <c>Microsoft.ML.OnnxRuntime.Gpu</c> package instead of <c>Microsoft.ML.OnnxRuntime</c>) and the
    /// CUDA/cuDNN libraries that build expects.
    /// </summary>
    Cuda,
}

/// <summary>Names of <see cref="OnnxDevice"/> values on the command line and in configs.</summary>
public static class OnnxDevices
{
    /// <summary>Accepted names, in <see cref="OnnxDevice"/> order.</summary>
    public static IReadOnlyList<string> Names { get; } = ["cpu", "cuda"];

    /// <summary>Parses <c>cpu</c> or <c>cuda</c> (case-insensitive).</summary>
    /// <exception cref="ArgumentException">Any other name; the message lists the accepted ones.</exception>
    public static OnnxDevice Parse(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.Trim().ToLowerInvariant() switch
        {
            "cpu" => OnnxDevice.Cpu,
            "cuda" => OnnxDevice.Cuda,
            _ => throw new ArgumentException($"unknown device '{name}' (accepted: {string.Join(", ", Names)})", nameof(name)),
        };
    }

    /// <summary>The command-line name of a device.</summary>
    public static string Name(OnnxDevice device) => device switch
    {
        OnnxDevice.Cpu => "cpu",
        OnnxDevice.Cuda => "cuda",
        _ => throw new ArgumentOutOfRangeException(nameof(device), device, "Accepted: Cpu, Cuda."),
    };
}
