using BenchmarkDotNet.Attributes;
using RestoreBench.Metrics.FullReference;

namespace RestoreBench.Benchmarks;

/// <summary>
/// The SSIM kernel alone on the two 2040x1356 luma planes: scalar twin against the
/// <see cref="System.Runtime.Intrinsics.Vector256{T}"/> kernel (their agreement is tested in
/// RestoreBench.Metrics.Tests; this measures what the vector path buys).
/// </summary>
[Config(typeof(BenchmarkConfig))]
public class SsimKernelBenchmarks
{
    private MetricPlane _x;
    private MetricPlane _y;

    /// <summary>Degree of parallelism.</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    /// <summary>Selects the luma planes (computed on the fly by the kernel, as in <see cref="Ssim"/>).</summary>
    [GlobalSetup]
    public void Setup()
    {
        _x = MetricPlane.LumaY255(BenchmarkImages.Restored);
        _y = MetricPlane.LumaY255(BenchmarkImages.Reference);
    }

    /// <summary>Scalar twin.</summary>
    [Benchmark(Baseline = true)]
    public SsimMeans Scalar() => SsimKernels.ComputeScalar(_x, _y, Threads);

    /// <summary>Vector256 kernel.</summary>
    [Benchmark]
    public SsimMeans Vector() => SsimKernels.ComputeVector(_x, _y, Threads);
}
