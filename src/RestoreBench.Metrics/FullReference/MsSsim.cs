using System.Collections.ObjectModel;
using System.Globalization;
using System.Runtime.CompilerServices;
using RestoreBench.Core.Imaging;

namespace RestoreBench.Metrics.FullReference;

/// <summary>
/// Multi-scale SSIM (Wang, Simoncelli, Bovik 2003), following the convention of the
/// <c>pytorch_msssim</c> package (<c>ms_ssim</c>, v1.0), evaluated in float64:
/// <list type="bullet">
/// <item>5 scales with weights (0.0448, 0.2856, 0.3001, 0.2363, 0.1333); data range 255
/// (samples × 255); C1 = (0.01·255)², C2 = (0.03·255)².</item>
/// <item>At every scale the single-scale statistics of <see cref="SsimKernels"/>: 11x11 Gaussian window
/// σ = 1.5 normalised to sum 1, 'valid' region only (no padding), population variances; cs = mean of
/// the contrast–structure map (2σxy + C2)/(σx² + σy² + C2), ssim = mean of the SSIM map.</item>
/// <item>Between scales both images are average-pooled 2x2 with stride 2 (PyTorch
/// <c>avg_pool2d(kernel_size=2, padding=(H mod 2, W mod 2))</c>, <c>count_include_pad=True</c>): an
/// even side is halved; an odd side gets one zero row/column in front, the output has ⌊n/2⌋+1
/// samples, and every output is the sum of its 2x2 window divided by 4 (zeros included).</item>
/// <item>The cs of scales 1–4 and the ssim of scale 5 are clamped at 0 (ReLU) and combined as
/// Π csᵢ^wᵢ · ssim₅^w₅, in [0, 1].</item>
/// <item><see cref="MetricChannels.Y"/> (default) uses the unrounded MATLAB <c>rgb2ycbcr</c> luma;
/// <see cref="MetricChannels.Rgb"/> computes the value per channel and returns the mean.</item>
/// </list>
/// Both sides must be at least <see cref="MinimumSide"/> = 161 px after cropping, so that the fifth
/// scale (161 → 81 → 41 → 21 → 11) still holds one 11x11 window (pytorch_msssim asserts the same).
/// </summary>
public sealed class MsSsim : IFullReferenceMetric
{
    /// <summary>Number of scales.</summary>
    public const int Scales = 5;

    /// <summary>Smallest accepted side in pixels after cropping: (11 − 1)·2⁴ + 1.</summary>
    public const int MinimumSide = (SsimKernels.WindowSize - 1) * (1 << (Scales - 1)) + 1;

    private static readonly double[] ScaleWeights = [0.0448, 0.2856, 0.3001, 0.2363, 0.1333];

    /// <summary>Descriptor of <c>ms_ssim</c> (on Y by default).</summary>
    public static MetricDescriptor YDescriptor { get; } = new(
        "ms_ssim", MetricKind.FullReference, MetricDirection.HigherIsBetter,
        "[0, 1]; 1 for identical images", 0.0, 1.0, "",
        "pytorch_msssim ms_ssim (Wang, Simoncelli, Bovik 2003), float64, on MATLAB rgb2ycbcr Y",
        "Multi-scale SSIM: 5 scales, 11x11 Gaussian σ 1.5 valid windows, 2x2 average pooling, ReLU-clamped cs/ssim, data range 255, on luma Y.");

    /// <summary>Descriptor of the per-channel variant (mean over RGB channels).</summary>
    public static MetricDescriptor RgbDescriptor { get; } = YDescriptor with
    {
        Name = "ms_ssim_rgb",
        Reference = "pytorch_msssim ms_ssim (Wang, Simoncelli, Bovik 2003), float64, mean over RGB channels",
        Description = "Multi-scale SSIM: 5 scales, 11x11 Gaussian σ 1.5 valid windows, 2x2 average pooling, ReLU-clamped cs/ssim, data range 255, mean over channels.",
    };

    private readonly int _degree;

    /// <summary>Creates the metric.</summary>
    /// <param name="channels">MATLAB luma Y (default) or the mean over every channel.</param>
    /// <param name="cropBorder">Pixels removed from every side before computing (≥ 0).</param>
    /// <param name="degreeOfParallelism">Threads (≥ 1); null = <see cref="Environment.ProcessorCount"/>. Does not change the value.</param>
    public MsSsim(MetricChannels channels = MetricChannels.Y, int cropBorder = 0, int? degreeOfParallelism = null)
    {
        FullReferenceInputs.ValidateCrop(cropBorder);
        Channels = channels;
        CropBorder = cropBorder;
        _degree = FullReferenceInputs.ResolveDegree(degreeOfParallelism);
        Descriptor = channels switch
        {
            MetricChannels.Y => YDescriptor,
            MetricChannels.Rgb => RgbDescriptor,
            _ => throw new ArgumentOutOfRangeException(nameof(channels), channels, "Accepted: Rgb, Y."),
        };
        var settings = FullReferenceInputs.Settings(channels, cropBorder);
        settings["scales"] = Scales.ToString(CultureInfo.InvariantCulture);
        var weights = new string[Scales];
        for (var i = 0; i < Scales; i++)
        {
            weights[i] = ScaleWeights[i].ToString("R", CultureInfo.InvariantCulture);
        }

        settings["weights"] = string.Join(",", weights);
        Settings = new ReadOnlyDictionary<string, string>(settings);
    }

    /// <summary>The scale weights (0.0448, 0.2856, 0.3001, 0.2363, 0.1333), finest first.</summary>
    public static ReadOnlySpan<double> Weights => ScaleWeights;

    /// <inheritdoc/>
    public MetricDescriptor Descriptor { get; }

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, string> Settings { get; }

    /// <summary>Compared planes.</summary>
    public MetricChannels Channels { get; }

    /// <summary>Pixels removed from every side.</summary>
    public int CropBorder { get; }

    /// <summary>MS-SSIM, unitless, in [0, 1].</summary>
    /// <exception cref="ArgumentException">Shapes differ (gray against RGB included) or a side is under 161 px after cropping.</exception>
    public double Compute(ImageTensor restored, ImageTensor reference)
    {
        FullReferenceInputs.Check(Descriptor.Name, restored, reference, CropBorder, MinimumSide,
            "MS-SSIM downsamples 4 times and the coarsest scale still needs one 11x11 window");
        var planes = Channels == MetricChannels.Y ? 1 : reference.Channels;
        var sum = 0.0;
        for (var c = 0; c < planes; c++)
        {
            sum += ComputePlanes(
                MetricPlane.Select(restored, Channels, c, CropBorder),
                MetricPlane.Select(reference, Channels, c, CropBorder),
                _degree);
        }

        return sum / planes;
    }

    /// <summary>MS-SSIM of two 0–255 planes of the same size, each side ≥ 161.</summary>
    /// <exception cref="ArgumentException">Sizes differ or a side is under 161 px.</exception>
    public static double ComputePlanes(MetricPlane x, MetricPlane y, int degreeOfParallelism)
    {
        if (x.Height != y.Height || x.Width != y.Width)
        {
            throw new ArgumentException($"MS-SSIM planes differ in size: {x.Height}x{x.Width} and {y.Height}x{y.Width}.", nameof(y));
        }

        if (x.Height < MinimumSide || x.Width < MinimumSide)
        {
            throw new ArgumentException($"MS-SSIM needs at least {MinimumSide}x{MinimumSide} pixels, got {x.Height}x{x.Width}.", nameof(x));
        }

        var result = 1.0;
        for (var scale = 0; scale < Scales; scale++)
        {
            var means = SsimKernels.Compute(x, y, degreeOfParallelism);
            if (scale < Scales - 1)
            {
                result *= Math.Pow(Math.Max(means.ContrastStructure, 0.0), ScaleWeights[scale]);
                x = AveragePool2(x);
                y = AveragePool2(y);
            }
            else
            {
                result *= Math.Pow(Math.Max(means.Ssim, 0.0), ScaleWeights[scale]);
            }
        }

        return result;
    }

    /// <summary>
    /// 2x2 average pooling with stride 2 as PyTorch <c>avg_pool2d(x, 2, padding=(H mod 2, W mod 2))</c>:
    /// odd sides get one leading zero row/column, outputs are (a + b + c + d) / 4 with padded zeros counted.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static MetricPlane AveragePool2(MetricPlane plane)
    {
        int h = plane.Height, w = plane.Width;
        int padTop = h % 2, padLeft = w % 2;
        int oh = h / 2 + padTop, ow = w / 2 + padLeft;
        var output = new double[oh * ow];
        var upper = new double[w + padLeft];
        var lower = new double[w + padLeft];
        for (var i = 0; i < oh; i++)
        {
            // Padded rows 2i and 2i+1 are input rows 2i - padTop and 2i + 1 - padTop.
            ReadPadded(plane, 2 * i - padTop, padLeft, upper);
            ReadPadded(plane, 2 * i + 1 - padTop, padLeft, lower);
            var dst = output.AsSpan(i * ow, ow);
            for (var j = 0; j < ow; j++)
            {
                dst[j] = (upper[2 * j] + upper[2 * j + 1] + lower[2 * j] + lower[2 * j + 1]) / 4.0;
            }
        }

        return MetricPlane.FromValues(output, oh, ow);
    }

    private static void ReadPadded(MetricPlane plane, int row, int padLeft, double[] buffer)
    {
        if (row < 0)
        {
            Array.Clear(buffer);
            return;
        }

        buffer[0] = 0.0;
        plane.ReadRow(row, 0, buffer.AsSpan(padLeft, plane.Width));
    }
}
