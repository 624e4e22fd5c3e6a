using BenchmarkDotNet.Attributes;
using RestoreBench.Core.Imaging;
using RestoreBench.Metrics.NoReference;

namespace RestoreBench.Benchmarks;

/// <summary>
/// No-reference metrics on the 2040x1356 RGB restored image of <see cref="BenchmarkImages"/>. Both are
/// single-threaded by design (per-image parallelism belongs to the caller).
/// </summary>
[Config(typeof(BenchmarkConfig))]
public class PerceptualMetricBenchmarks
{
    private readonly Niqe _niqe = new();
    private readonly Brisque _brisque = new();
    private ImageTensor _image = null!;

    /// <summary>Builds (or reuses) the image.</summary>
    [GlobalSetup]
    public void Setup() => _image = BenchmarkImages.Restored;

    /// <summary>NIQE (BasicSR/MATLAB convention, float64), luma conversion included.</summary>
    [Benchmark]
    public double NiqeY() => _niqe.Compute(_image);

    /// <summary>BRISQUE (OpenCV variant), gray conversion included.</summary>
    [Benchmark]
    public double BrisqueOpenCv() => _brisque.Compute(_image);
}
