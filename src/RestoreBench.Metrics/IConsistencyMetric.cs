using RestoreBench.Core.Imaging;

namespace RestoreBench.Metrics;

/// <summary>
/// A degradation-consistency metric: compares the re-degraded restored image D(Î_x) with the
/// low-quality input I_y (the pixel-space form of the paper's Eq. 15).
/// </summary>
public interface IConsistencyMetric
{
    /// <summary>Name, direction, range and reference.</summary>
    MetricDescriptor Descriptor { get; }

    /// <summary>Options in force, as text, for output settings.</summary>
    IReadOnlyDictionary<string, string> Settings { get; }

    /// <summary>Scores <paramref name="restored"/> (ground-truth size) against <paramref name="lowQuality"/>.</summary>
    double Compute(ImageTensor restored, ImageTensor lowQuality);
}
