using RestoreBench.Core.Imaging;
using RestoreBench.Degradations.Resize;

namespace RestoreBench.Degradations.Retention;

/// <summary>
/// Measures the degradation factor β of one degraded sample (Eq. 12). The paper gives no formula
/// for β; implementations state theirs in <see cref="Definition"/>.
/// </summary>
public interface IDegradationLevelMeasure
{
    /// <summary>Short name recorded with results, e.g. <c>1-ssim_y(gt,up(lq))</c>.</summary>
    string Name { get; }

    /// <summary>One-sentence definition for documentation and output settings.</summary>
    string Definition { get; }

    /// <summary>β in [0, 1] (0 = nothing lost) for ground truth <paramref name="gt"/> and degraded <paramref name="lq"/>.</summary>
    double Beta(ImageTensor gt, ImageTensor lq);
}

/// <summary>The information retention rate of one degraded sample, Eq. 12: γ = (1 − β) / α.</summary>
/// <param name="Alpha">Total downsampling factor α (1 for same-size degradations).</param>
/// <param name="Beta">Measured degradation factor β.</param>
public sealed record RetentionRate(double Alpha, double Beta)
{
    /// <summary>γ = (1 − β) / α (Eq. 12); 1 means no information lost.</summary>
    public double Gamma => (1.0 - Beta) / Alpha;

    /// <summary>Measures β with <paramref name="measure"/> and returns the rate for a sample.</summary>
    public static RetentionRate Measure(ImageTensor gt, ImageTensor lq, double alpha, IDegradationLevelMeasure measure) =>
        new(alpha, measure.Beta(gt, lq));

    /// <summary>
    /// U_α: bicubic (MATLAB <c>imresize</c>) resampling of <paramref name="lq"/> back to the size of
    /// <paramref name="gt"/>; the image itself when the sizes already agree.
    /// </summary>
    public static ImageTensor UpsampleBack(ImageTensor lq, int height, int width) =>
        lq.Height == height && lq.Width == width ? lq : Resizer.ResizeTo(lq, height, width);
}
