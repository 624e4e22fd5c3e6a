using RestoreBench.Diffusion.Schedulers;

namespace RestoreBench.Diffusion.Pipeline;

/// <summary>What a CLDM restorer computes.</summary>
public enum CldmMode
{
    /// <summary>The full pipeline: N sampler steps from the start latent, then decode.</summary>
    Sample,

    /// <summary>One-step prediction (paper Fig. 8): a single denoiser call at <see cref="CldmKnobs.OneStepTimestep"/> → ẑ_0 → decode.</summary>
    OneStep,

    /// <summary>VAE only: D(E(x)) (Table 2's "-VAE" rows), of I_reg or of the input itself (see <see cref="CldmKnobs.VaeSource"/>).</summary>
    VaeOnly,
}

/// <summary>What the VAE-only mode encodes.</summary>
public enum VaeSource
{
    /// <summary>I_reg = M_φ(I_y), resized to the target size.</summary>
    Stage1,

    /// <summary>The restorer's input as is (pass the ground truth to measure the VAE's information loss).</summary>
    Input,
}

/// <summary>
/// The ablation knobs of paper Section 5, applied on top of a manifest's defaults (null = keep the
/// manifest's value). One record per restorer, so an experiment sweep is a list of knob records.
/// </summary>
public sealed record CldmKnobs
{
    /// <summary>Sample, one-step, or VAE-only.</summary>
    public CldmMode Mode { get; init; } = CldmMode.Sample;

    /// <summary>Sampler override.</summary>
    public SamplerKind? Sampler { get; init; }

    /// <summary>Number of steps N (Fig. 7).</summary>
    public int? Steps { get; init; }

    /// <summary>Start noise level S in (0, 1] of T (Fig. 6).</summary>
    public double? StartNoise { get; init; }

    /// <summary>DDIM η.</summary>
    public double? Eta { get; init; }

    /// <summary>Classifier-free guidance scale w (1 = off).</summary>
    public double? GuidanceScale { get; init; }

    /// <summary>Timestep spacing override.</summary>
    public TimestepSpacing? Spacing { get; init; }

    /// <summary>
    /// Run seed; the noise of image <c>id</c> comes from SeededRandom.Derive(seed, id, "cldm"). In an
    /// experiment the sample's seed (<see cref="RestoreBench.Restorers.RestoreContext.Seed"/>) is used instead.
    /// </summary>
    public long Seed { get; init; }

    /// <summary>1-based steps whose predicted x0 is decoded and handed to <see cref="OnPredictedX0"/> (Fig. 9).</summary>
    public IReadOnlyList<int> SaveSteps { get; init; } = [];

    /// <summary>Receives (image id, step, t, decoded ẑ_0 cropped to the output size) for <see cref="SaveSteps"/>.</summary>
    public Action<string, int, int, Core.Imaging.ImageTensor>? OnPredictedX0 { get; init; }

    /// <summary>The one-step timestep t in [0, T) (required for <see cref="CldmMode.OneStep"/>).</summary>
    public int? OneStepTimestep { get; init; }

    /// <summary>What the VAE-only mode encodes.</summary>
    public VaeSource VaeSource { get; init; } = VaeSource.Stage1;

    /// <summary>Wavelet colour correction against I_reg override.</summary>
    public bool? WaveletColorFix { get; init; }

    /// <summary>ONNX Runtime intra-op threads (0 = all cores).</summary>
    public int Threads { get; init; }
}
