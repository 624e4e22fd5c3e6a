using RestoreBench.Core.Imaging;
using RestoreBench.Core.Randomness;

namespace RestoreBench.Degradations.Pipeline;

/// <summary>
/// One operation of the degradation model of Eq. 1, I_y = D(I_x; δ)↓α + β·N (then JPEG):
/// blur, downsampling, noise or compression. Immutable; random stages draw only from the
/// generator they are given.
/// </summary>
public abstract record DegradationStage
{
    /// <summary>The operation name used in spec strings (blur, down, noise, poisson, jpeg).</summary>
    public abstract string Op { get; }

    /// <summary>
    /// True for the linear, noise-free part of the degradation operator (blur and resampling): the
    /// part re-applied to a restored image for degradation consistency (lr_psnr, lr_ssim).
    /// </summary>
    public virtual bool IsLinearOperator => false;

    /// <summary>The factor by which this stage divides the image size (α contribution); 1 for all but resampling.</summary>
    public virtual double DownscaleFactor => 1.0;

    /// <summary>Parameters in canonical order and invariant formatting.</summary>
    public abstract IReadOnlyList<KeyValuePair<string, string>> Parameters { get; }

    /// <summary>Applies the stage; <paramref name="random"/> is used only by random stages.</summary>
    public abstract ImageTensor Apply(ImageTensor image, SeededRandom random);

    /// <summary>
    /// Applies the stage inside a pipeline whose input was <paramref name="sourceHeight"/> x
    /// <paramref name="sourceWidth"/>; only stages that size their output from the pipeline input
    /// (<see cref="FitStage"/>) use the size.
    /// </summary>
    public virtual ImageTensor Apply(ImageTensor image, SeededRandom random, int sourceHeight, int sourceWidth) => Apply(image, random);

    /// <summary>The compact form, e.g. <c>blur(sigma=1)</c>.</summary>
    public sealed override string ToString()
    {
        var parts = new List<string>(Parameters.Count);
        foreach (var (key, value) in Parameters)
        {
            parts.Add($"{key}={value}");
        }

        return $"{Op}({string.Join(",", parts)})";
    }
}
