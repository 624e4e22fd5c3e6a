using RestoreBench.Core.Imaging;

namespace RestoreBench.Metrics;

/// <summary>A metric computed from one image alone (perceptual quality).</summary>
public interface INoReferenceMetric
{
    /// <summary>Name, direction, range and reference of this metric.</summary>
    MetricDescriptor Descriptor { get; }

    /// <summary>Options that change the value, as text, for result files.</summary>
    IReadOnlyDictionary<string, string> Settings { get; }

    /// <summary>Computes the metric; the unit and range are those of <see cref="Descriptor"/>.</summary>
    /// <param name="image">Samples in [0, 1].</param>
    double Compute(ImageTensor image);
}
