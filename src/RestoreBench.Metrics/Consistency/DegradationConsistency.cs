using RestoreBench.Core.Imaging;
using RestoreBench.Degradations.Pipeline;

namespace RestoreBench.Metrics.Consistency;

/// <summary>
/// <c>lr_psnr</c> / <c>lr_ssim</c>: applies the linear, noise-free part of the known degradation
/// (its blur and resampling stages, no noise, no JPEG, no rounding) to the restored image and scores
/// the result against the low-quality input with an RGB full-reference metric (data range 255).
/// Pixel-space form of Eq. 15: S(D(Î_x), I_y).
/// </summary>
public sealed class DegradationConsistency : IConsistencyMetric
{
    private readonly IFullReferenceMetric _inner;
    private readonly DegradationSpec _operator;

    /// <summary>Descriptor of <c>lr_psnr</c>.</summary>
    public static MetricDescriptor PsnrDescriptor { get; } = new(
        "lr_psnr", MetricKind.DegradationConsistency, MetricDirection.HigherIsBetter,
        "[0, +inf) dB", 0.0, double.PositiveInfinity, "dB",
        "PSNR (RGB, peak 255) between D(restored) and the low-quality input; D = blur and resampling of --spec",
        "Degradation consistency: how well the restored image explains the observed input (pixel form of Eq. 15).");

    /// <summary>Descriptor of <c>lr_ssim</c>.</summary>
    public static MetricDescriptor SsimDescriptor { get; } = new(
        "lr_ssim", MetricKind.DegradationConsistency, MetricDirection.HigherIsBetter,
        "[-1, 1]", -1.0, 1.0, "",
        "SSIM (RGB, 11x11 Gaussian, valid) between D(restored) and the low-quality input; D = blur and resampling of --spec",
        "Degradation consistency: structural agreement of the re-degraded restoration with the input (pixel form of Eq. 15).");

    /// <summary>
    /// Descriptor of <c>align_lr</c>: the weight-free alignment, listed with the alignment metrics. Its value
    /// is exactly <c>lr_psnr</c> (PSNR of D(restored) against the input, Eq. 15 with S = PSNR in pixel space).
    /// </summary>
    public static MetricDescriptor AlignLrDescriptor { get; } = new(
        "align_lr", MetricKind.Alignment, MetricDirection.HigherIsBetter,
        "[0, +inf) dB", 0.0, double.PositiveInfinity, "dB",
        "Same value as lr_psnr: PSNR (RGB, peak 255) between D(restored) and the low-quality input; D = blur and resampling of --spec",
        "Weight-free alignment (Eq. 15 in pixel space): agreement of the re-degraded restoration with the observed input.");

    /// <summary>Creates the metric from catalog options; the spec is required.</summary>
    /// <exception cref="ArgumentException">No degradation spec was given.</exception>
    public static DegradationConsistency Create(MetricDescriptor descriptor, IFullReferenceMetric inner, MetricOptions options) =>
        new(descriptor, inner, options.Degradation ?? throw new ArgumentException($"metric '{descriptor.Name}' needs the degradation spec (--spec)"));

    /// <summary>Wraps <paramref name="inner"/> (computed on (D(restored), lq)) for the spec <paramref name="degradation"/>.</summary>
    /// <exception cref="ArgumentException">The spec has no blur or resampling stage.</exception>
    public DegradationConsistency(MetricDescriptor descriptor, IFullReferenceMetric inner, DegradationSpec degradation)
    {
        _inner = inner;
        _operator = degradation.LinearPart()
            ?? throw new ArgumentException($"spec '{degradation}' has no blur or resampling stage to re-apply");
        Descriptor = descriptor;
        var settings = new Dictionary<string, string>(inner.Settings, StringComparer.Ordinal)
        {
            ["operator"] = _operator.ToString(),
            ["compared_with"] = "low-quality input, no rounding of D(restored)",
        };
        Settings = settings;
    }

    /// <inheritdoc/>
    public MetricDescriptor Descriptor { get; }

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, string> Settings { get; }

    /// <inheritdoc/>
    public double Compute(ImageTensor restored, ImageTensor lowQuality)
    {
        var redegraded = _operator.Apply(restored, 0, "consistency");
        if (redegraded.Height != lowQuality.Height || redegraded.Width != lowQuality.Width)
        {
            throw new ArgumentException($"re-degraded size {redegraded.Height}x{redegraded.Width} differs from the low-quality input {lowQuality.Height}x{lowQuality.Width}; check --spec");
        }

        return _inner.Compute(redegraded, lowQuality);
    }
}
