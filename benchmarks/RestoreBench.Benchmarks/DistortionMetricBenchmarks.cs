using BenchmarkDotNet.Attributes;
using RestoreBench.Core.Imaging;
using RestoreBench.Metrics;
using RestoreBench.Metrics.FullReference;

namespace RestoreBench.Benchmarks;

/// <summary>
/// Full-reference metrics on one 2040x1356 RGB pair (<see cref="BenchmarkImages"/>), per thread count.
/// Adding a metric is one method: <c>[Benchmark] public double Name() => FullReference(new Metric(…, Threads));</c>
/// (or <see cref="NoReference"/> for a no-reference metric such as NIQE). Building the metric object
/// inside the measured method costs microseconds against milliseconds of work.
/// </summary>
[Config(typeof(BenchmarkConfig))]
public class DistortionMetricBenchmarks
{
    private ImageTensor _restored = null!;
    private ImageTensor _reference = null!;

    /// <summary>Degree of parallelism passed to the metric.</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    /// <summary>Builds (or reuses) the image pair.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _reference = BenchmarkImages.Reference;
        _restored = BenchmarkImages.Restored;
    }

    /// <summary>SSIM on the MATLAB luma Y (BasicSR <c>calculate_ssim</c>, test_y_channel=True), luma conversion included.</summary>
    [Benchmark]
    public double SsimY() => FullReference(new Ssim(MetricChannels.Y, 0, Threads));

    /// <summary>PSNR on the MATLAB luma Y (BasicSR <c>calculate_psnr</c>, test_y_channel=True), luma conversion included.</summary>
    [Benchmark]
    public double PsnrY() => FullReference(new Psnr(MetricChannels.Y, 0, Threads));

    /// <summary>SSIM averaged over R, G, B (three SSIM maps).</summary>
    [Benchmark]
    public double SsimRgb() => FullReference(new Ssim(MetricChannels.Rgb, 0, Threads));

    /// <summary>MS-SSIM on Y (pytorch_msssim convention, 5 scales).</summary>
    [Benchmark]
    public double MsSsimY() => FullReference(new MsSsim(MetricChannels.Y, 0, Threads));

    private double FullReference(IFullReferenceMetric metric) => metric.Compute(_restored, _reference);

    /// <summary>Scores the restored image with a no-reference metric (for NIQE, BRISQUE, …).</summary>
    protected double NoReference(INoReferenceMetric metric)
    {
        ArgumentNullException.ThrowIfNull(metric);
        return metric.Compute(_restored);
    }
}
