using RestoreBench.Core.Imaging;
using RestoreBench.Degradations.Retention;

namespace RestoreBench.Degradations.Pipeline;

/// <summary>One degraded image I_y with what produced it and its retention rate γ (Eq. 12).</summary>
/// <param name="ImageId">The image's identifier (file stem); part of the random stream derivation.</param>
/// <param name="Lq">The degraded image.</param>
/// <param name="Spec">The concrete spec that was applied.</param>
/// <param name="Seed">The experiment seed.</param>
/// <param name="Retention">α, β and γ of the sample.</param>
public sealed record DegradedSample(string ImageId, ImageTensor Lq, DegradationSpec Spec, long Seed, RetentionRate Retention)
{
    /// <summary>Degrades <paramref name="gt"/> with <paramref name="spec"/> and measures β with <paramref name="measure"/>.</summary>
    public static DegradedSample Create(string imageId, ImageTensor gt, DegradationSpec spec, long seed, IDegradationLevelMeasure measure)
    {
        var lq = spec.Apply(gt, seed, imageId);
        return new DegradedSample(imageId, lq, spec, seed, RetentionRate.Measure(gt, lq, spec.Alpha, measure));
    }
}
