using System.Collections.ObjectModel;
using RestoreBench.Core.Imaging;

namespace RestoreBench.Metrics.FullReference;

/// <summary>
/// Structural similarity (Wang, Bovik, Sheikh, Simoncelli 2004) with the BasicSR
/// <c>calculate_ssim</c> / MATLAB <c>ssim</c> conventions: samples × 255 (data range 255),
/// <c>crop_border</c> pixels removed from every side first, 11x11 Gaussian window σ = 1.5 normalised
/// to sum 1, 'valid' region only (no padding; the map is (H−10)x(W−10)), C1 = (0.01·255)²,
/// C2 = (0.03·255)², population variances, value = mean of the map. <see cref="MetricChannels.Rgb"/>
/// returns the mean of the per-channel SSIMs (<c>ssim</c>); <see cref="MetricChannels.Y"/> uses the
/// unrounded MATLAB <c>rgb2ycbcr</c> luma (<c>ssim_y</c>). Gray images use their plane. Range [-1, 1],
/// 1 for identical images. Kernel: <see cref="SsimKernels"/>.
/// </summary>
public sealed class Ssim : IFullReferenceMetric
{
    /// <summary>Descriptor of <c>ssim</c> (mean over channels).</summary>
    public static MetricDescriptor RgbDescriptor { get; } = new(
        "ssim", MetricKind.FullReference, MetricDirection.HigherIsBetter,
        "[-1, 1]; 1 for identical images", -1.0, 1.0, "",
        "BasicSR calculate_ssim / MATLAB ssim (Wang et al. 2004)",
        "Mean SSIM map (11x11 Gaussian σ 1.5, valid region, data range 255), averaged over the RGB channels.");

    /// <summary>Descriptor of <c>ssim_y</c> (MATLAB luma).</summary>
    public static MetricDescriptor YDescriptor { get; } = new(
        "ssim_y", MetricKind.FullReference, MetricDirection.HigherIsBetter,
        "[-1, 1]; 1 for identical images", -1.0, 1.0, "",
        "BasicSR calculate_ssim (test_y_channel=True) in float64 / MATLAB ssim on rgb2ycbcr Y (Wang et al. 2004)",
        "Mean SSIM map (11x11 Gaussian σ 1.5, valid region, data range 255) on the unrounded MATLAB rgb2ycbcr luma Y.");

    private readonly int _degree;

    /// <summary>Creates the metric.</summary>
    /// <param name="channels">Mean over every channel (<c>ssim</c>) or MATLAB luma Y (<c>ssim_y</c>).</param>
    /// <param name="cropBorder">Pixels removed from every side before computing (≥ 0).</param>
    /// <param name="degreeOfParallelism">Threads (≥ 1); null = <see cref="Environment.ProcessorCount"/>. Does not change the value.</param>
    public Ssim(MetricChannels channels = MetricChannels.Rgb, int cropBorder = 0, int? degreeOfParallelism = null)
    {
        FullReferenceInputs.ValidateCrop(cropBorder);
        Channels = channels;
        CropBorder = cropBorder;
        _degree = FullReferenceInputs.ResolveDegree(degreeOfParallelism);
        Descriptor = channels switch
        {
            MetricChannels.Rgb => RgbDescriptor,
            MetricChannels.Y => YDescriptor,
            _ => throw new ArgumentOutOfRangeException(nameof(channels), channels, "Accepted: Rgb, Y."),
        };
        Settings = new ReadOnlyDictionary<string, string>(FullReferenceInputs.Settings(channels, cropBorder));
    }

    /// <inheritdoc/>
    public MetricDescriptor Descriptor { get; }

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, string> Settings { get; }

    /// <summary>Compared planes.</summary>
    public MetricChannels Channels { get; }

    /// <summary>Pixels removed from every side.</summary>
    public int CropBorder { get; }

    /// <summary>SSIM, unitless, in [-1, 1].</summary>
    /// <exception cref="ArgumentException">Shapes differ (gray against RGB included) or fewer than 11x11 pixels remain after cropping.</exception>
    public double Compute(ImageTensor restored, ImageTensor reference)
    {
        FullReferenceInputs.Check(Descriptor.Name, restored, reference, CropBorder, SsimKernels.WindowSize, "the valid region of the 11x11 window");
        var planes = Channels == MetricChannels.Y ? 1 : reference.Channels;
        var sum = 0.0;
        for (var c = 0; c < planes; c++)
        {
            var a = MetricPlane.Select(restored, Channels, c, CropBorder);
            var b = MetricPlane.Select(reference, Channels, c, CropBorder);
            sum += SsimKernels.Compute(a, b, _degree).Ssim;
        }

        return sum / planes;
    }
}
