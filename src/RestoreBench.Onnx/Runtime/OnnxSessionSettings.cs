using Microsoft.ML.OnnxRuntime;

namespace RestoreBench.Onnx.Runtime;

/// <summary>How an ONNX Runtime session is created.</summary>
public sealed record OnnxSessionSettings
{
    /// <summary>All cores, full graph optimisation, CPU.</summary>
    public static OnnxSessionSettings Default { get; } = new();

    /// <summary>
    /// Intra-op threads; 0 (default) means all logical cores. Always set explicitly on the session:
    /// ONNX Runtime's own default behaves as one thread on small virtual machines.
    /// </summary>
    public int Threads { get; init; }

    /// <summary>Graph optimisation level (default: all optimisations).</summary>
    public GraphOptimizationLevel OptimizationLevel { get; init; } = GraphOptimizationLevel.ORT_ENABLE_ALL;

    /// <summary>Execution provider (default: CPU).</summary>
    public OnnxDevice Device { get; init; } = OnnxDevice.Cpu;

    /// <summary>GPU ordinal for <see cref="OnnxDevice.Cuda"/>.</summary>
    public int DeviceId { get; init; }

    /// <summary>The thread count actually used: <see cref="Threads"/>, or all logical cores for 0.</summary>
    public int EffectiveThreads => Threads == 0 ? Environment.ProcessorCount : Threads;
}
