using RestoreBench.Core.Imaging;

namespace RestoreBench.Metrics.Alignment;

/// <summary>
/// An alignment metric (paper Eq. 13–15): a distance between embeddings of the restored image and a
/// reference that, depending on the mode, is the ground truth or the low-quality input.
/// </summary>
public interface IAlignmentMetric
{
    /// <summary>Name, direction, range and reference.</summary>
    MetricDescriptor Descriptor { get; }

    /// <summary>Options that change the value, as text, for output settings.</summary>
    IReadOnlyDictionary<string, string> Settings { get; }

    /// <summary>True when the metric needs the ground truth for some image (modes gt and auto).</summary>
    bool NeedsReference { get; }

    /// <summary>True when the metric needs the low-quality input for some image (modes lq and auto).</summary>
    bool NeedsLowQuality { get; }

    /// <summary>True when the metric needs the sample's retention rate γ (Eq. 12; mode auto).</summary>
    bool NeedsGamma { get; }

    /// <summary>Scores one sample.</summary>
    /// <exception cref="ArgumentException">An input the mode needs is missing, or the sizes do not fit.</exception>
    AlignmentResult Compute(AlignmentInputs inputs);
}

/// <summary>The images of one sample given to an <see cref="IAlignmentMetric"/>.</summary>
/// <param name="Restored">Î_x, the restored image (ground-truth size).</param>
/// <param name="Reference">I_x, the ground truth, or null when not given.</param>
/// <param name="LowQuality">I_y, the low-quality input at its own size, or null when not given.</param>
/// <param name="Gamma">The sample's information retention rate γ (Eq. 12), or null when unknown.</param>
public sealed record AlignmentInputs(ImageTensor Restored, ImageTensor? Reference, ImageTensor? LowQuality, double? Gamma);

/// <summary>The value of one sample and how it was obtained.</summary>
/// <param name="Value">The distance (lower is better).</param>
/// <param name="Mode">The mode used for this sample: <see cref="AlignmentMode.Gt"/> (Eq. 14) or <see cref="AlignmentMode.Lq"/> (Eq. 15).</param>
/// <param name="Warnings">One-line warnings (e.g. an image upsampled to the encoder size).</param>
public sealed record AlignmentResult(double Value, AlignmentMode Mode, IReadOnlyList<string> Warnings);
