using System.Collections.ObjectModel;
using RestoreBench.Core.Imaging;

namespace RestoreBench.Metrics.FullReference;

/// <summary>
/// Peak signal-to-noise ratio in dB with the BasicSR <c>calculate_psnr</c> / MATLAB conventions:
/// samples × 255 (data range 255), <c>crop_border</c> pixels removed from every side first,
/// MSE = mean of squared differences over all pixels and all compared channels, accumulated in
/// double, PSNR = 10·log10(255² / MSE); identical images give <see cref="double.PositiveInfinity"/>.
/// <see cref="MetricChannels.Rgb"/> compares every channel (<c>psnr</c>); <see cref="MetricChannels.Y"/>
/// compares the unrounded MATLAB <c>rgb2ycbcr</c> luma (<c>psnr_y</c>). Gray images compare their plane.
/// </summary>
public sealed class Psnr : IFullReferenceMetric
{
    /// <summary>Peak value of the 0–255 scale.</summary>
    public const double Peak = 255.0;

    /// <summary>Descriptor of <c>psnr</c> (all channels).</summary>
    public static MetricDescriptor RgbDescriptor { get; } = new(
        "psnr", MetricKind.FullReference, MetricDirection.HigherIsBetter,
        "[0, +inf) dB; +inf for identical images", 0.0, double.PositiveInfinity, "dB",
        "BasicSR calculate_psnr (test_y_channel=False) / MATLAB psnr with peak 255",
        "10·log10(255²/MSE), MSE over all pixels and RGB channels on the 0–255 scale.");

    /// <summary>Descriptor of <c>psnr_y</c> (MATLAB luma).</summary>
    public static MetricDescriptor YDescriptor { get; } = new(
        "psnr_y", MetricKind.FullReference, MetricDirection.HigherIsBetter,
        "[0, +inf) dB; +inf for identical images", 0.0, double.PositiveInfinity, "dB",
        "BasicSR calculate_psnr (test_y_channel=True) in float64 / MATLAB psnr on rgb2ycbcr Y",
        "10·log10(255²/MSE) on the unrounded MATLAB rgb2ycbcr luma Y (16–235).");

    private readonly int _degree;

    /// <summary>Creates the metric.</summary>
    /// <param name="channels">Every channel (<c>psnr</c>) or MATLAB luma Y (<c>psnr_y</c>).</param>
    /// <param name="cropBorder">Pixels removed from every side before computing (≥ 0).</param>
    /// <param name="degreeOfParallelism">Threads (≥ 1); null = <see cref="Environment.ProcessorCount"/>. Does not change the value.</param>
    public Psnr(MetricChannels channels = MetricChannels.Rgb, int cropBorder = 0, int? degreeOfParallelism = null)
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

    /// <summary>PSNR in dB, or <see cref="double.PositiveInfinity"/> when the compared planes are identical.</summary>
    /// <exception cref="ArgumentException">Shapes differ (gray against RGB included) or the crop removes the whole image.</exception>
    public double Compute(ImageTensor restored, ImageTensor reference)
    {
        FullReferenceInputs.Check(Descriptor.Name, restored, reference, CropBorder, 1, "at least one pixel");
        var planes = Channels == MetricChannels.Y ? 1 : reference.Channels;
        var sum = 0.0;
        long count = 0;
        for (var c = 0; c < planes; c++)
        {
            var a = MetricPlane.Select(restored, Channels, c, CropBorder);
            var b = MetricPlane.Select(reference, Channels, c, CropBorder);
            sum += PsnrKernels.SumSquaredDifference(a, b, _degree);
            count += (long)a.Height * a.Width;
        }

        return FromMse(sum / count);
    }

    /// <summary>10·log10(255² / <paramref name="mse"/>) in dB; +inf when <paramref name="mse"/> is 0.</summary>
    public static double FromMse(double mse) =>
        mse == 0.0 ? double.PositiveInfinity : 10.0 * Math.Log10(Peak * Peak / mse);
}
