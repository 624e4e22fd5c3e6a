using RestoreBench.Core.Imaging;

namespace RestoreBench.Metrics;

/// <summary>A metric comparing a restored image with its ground truth.</summary>
public interface IFullReferenceMetric
{
    /// <summary>Name, direction, range and reference of this metric.</summary>
    MetricDescriptor Descriptor { get; }

    /// <summary>
    /// Options that change the value (e.g. <c>crop_border</c>), as text, for result files.
    /// Options that never change the value (thread count) are not listed.
    /// </summary>
    IReadOnlyDictionary<string, string> Settings { get; }

    /// <summary>Computes the metric; the unit and range are those of <see cref="Descriptor"/>.</summary>
    /// <param name="restored">The image to evaluate, samples in [0, 1].</param>
    /// <param name="reference">The ground truth, same shape as <paramref name="restored"/>.</param>
    /// <exception cref="ArgumentException">The shapes differ (including gray against RGB) or the image is too small.</exception>
    double Compute(ImageTensor restored, ImageTensor reference);
}
