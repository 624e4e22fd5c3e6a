namespace RestoreBench.Diffusion.Schedulers;

/// <summary>The sampler that integrates the reverse process.</summary>
public enum SamplerKind
{
    /// <summary>DDPM ancestral sampling (Ho et al. 2020; paper Eq. 10).</summary>
    Ddpm,

    /// <summary>DDIM (Song et al. 2021) with stochasticity η (η = 0 deterministic, η = 1 DDPM-like).</summary>
    Ddim,

    /// <summary>Euler's method on the probability-flow ODE in σ-space (Karras et al. 2022, Algorithm 1 without churn).</summary>
    Euler,
}

/// <summary>What the denoiser predicts.</summary>
public enum PredictionType
{
    /// <summary>The noise ε (paper Eq. 9).</summary>
    Epsilon,

    /// <summary>v = √ᾱ_t·ε − √(1 − ᾱ_t)·z_0 (Salimans and Ho 2022).</summary>
    V,

    /// <summary>The clean latent z_0 directly.</summary>
    Sample,
}

/// <summary>How the N inference timesteps are picked among the T training timesteps (Lin et al. 2024, Table 2).</summary>
public enum TimestepSpacing
{
    /// <summary>t_i = i·⌊T'/N⌋ + offset, descending (Stable Diffusion's default; the first step is below T' − 1).</summary>
    Leading,

    /// <summary>t_i = round(T' − i·T'/N) − 1, descending (always starts at T' − 1).</summary>
    Trailing,

    /// <summary>t_i = round(linspace(0, T' − 1, N)), descending.</summary>
    Linspace,
}

/// <summary>DDPM posterior variance choice (Ho et al. 2020, Section 3.2).</summary>
public enum DdpmVariance
{
    /// <summary>σ_t² = β̃_t = (1 − ᾱ_{t−1})/(1 − ᾱ_t)·β_t.</summary>
    FixedSmall,

    /// <summary>σ_t² = β_t.</summary>
    FixedLarge,
}

/// <summary>
/// Everything a sampler needs besides the noise schedule. Defaults: DDPM, 50 steps, leading spacing,
/// ε-prediction, fixed-small variance, no clipping, final ᾱ = 1.
/// </summary>
public sealed record SamplerSettings
{
    /// <summary>The sampler.</summary>
    public SamplerKind Kind { get; init; } = SamplerKind.Ddpm;

    /// <summary>Number of inference steps N (1 ≤ N ≤ the number of timesteps available).</summary>
    public int Steps { get; init; } = 50;

    /// <summary>Timestep spacing.</summary>
    public TimestepSpacing Spacing { get; init; } = TimestepSpacing.Leading;

    /// <summary>Added to every timestep of the leading spacing (Stable Diffusion uses 1).</summary>
    public int StepsOffset { get; init; }

    /// <summary>What the denoiser predicts.</summary>
    public PredictionType Prediction { get; init; } = PredictionType.Epsilon;

    /// <summary>DDIM stochasticity η ≥ 0 (Song et al. 2021, Eq. 16).</summary>
    public double Eta { get; init; }

    /// <summary>DDPM posterior variance.</summary>
    public DdpmVariance Variance { get; init; } = DdpmVariance.FixedSmall;

    /// <summary>When set, the predicted z_0 is clamped to [−ClipSample, ClipSample] (pixel-space models; off for latents).</summary>
    public double? ClipSample { get; init; }

    /// <summary>
    /// DDIM/Euler: ᾱ after the last step is 1 (true, a clean sample) or ᾱ_0 (false, diffusers'
    /// <c>set_alpha_to_one=False</c>).
    /// </summary>
    public bool SetAlphaToOne { get; init; } = true;

    /// <summary>Parses ddpm, ddim, euler.</summary>
    /// <exception cref="FormatException">Unknown name.</exception>
    public static SamplerKind ParseKind(string text) => text.Trim().ToLowerInvariant() switch
    {
        "ddpm" => SamplerKind.Ddpm,
        "ddim" => SamplerKind.Ddim,
        "euler" => SamplerKind.Euler,
        _ => throw new FormatException($"unknown sampler '{text}' (accepted: ddpm, ddim, euler)"),
    };

    /// <summary>Parses epsilon (eps), v (v_prediction), sample (x0).</summary>
    /// <exception cref="FormatException">Unknown name.</exception>
    public static PredictionType ParsePrediction(string text) => text.Trim().ToLowerInvariant() switch
    {
        "epsilon" or "eps" => PredictionType.Epsilon,
        "v" or "v_prediction" => PredictionType.V,
        "sample" or "x0" => PredictionType.Sample,
        _ => throw new FormatException($"unknown prediction type '{text}' (accepted: epsilon, v, x0)"),
    };

    /// <summary>Parses leading, trailing, linspace.</summary>
    /// <exception cref="FormatException">Unknown name.</exception>
    public static TimestepSpacing ParseSpacing(string text) => text.Trim().ToLowerInvariant() switch
    {
        "leading" => TimestepSpacing.Leading,
        "trailing" => TimestepSpacing.Trailing,
        "linspace" => TimestepSpacing.Linspace,
        _ => throw new FormatException($"unknown timestep spacing '{text}' (accepted: leading, trailing, linspace)"),
    };

    /// <summary>Parses fixed-small, fixed-large.</summary>
    /// <exception cref="FormatException">Unknown name.</exception>
    public static DdpmVariance ParseVariance(string text) => text.Trim().ToLowerInvariant() switch
    {
        "fixed-small" or "fixed_small" => DdpmVariance.FixedSmall,
        "fixed-large" or "fixed_large" => DdpmVariance.FixedLarge,
        _ => throw new FormatException($"unknown DDPM variance '{text}' (accepted: fixed-small, fixed-large)"),
    };
}
