namespace RestoreBench.Diffusion.Schedulers;

/// <summary>
/// DDIM (Song et al. 2021, Eq. 12): z_prev = √ᾱ_prev·ẑ_0 + √(1 − ᾱ_prev − σ²)·ε̂ + σ·n with
/// σ = η·√((1 − ᾱ_prev)/(1 − ᾱ_t)·(1 − ᾱ_t/ᾱ_prev)) (Eq. 16). ε̂ is the unclipped prediction even when
/// ẑ_0 is clipped (diffusers' default). η = 0 is deterministic and draws no noise.
/// </summary>
public sealed class DdimScheduler : NoiseScheduler
{
    private double[] _epsilon = [];
    private float[] _noise = [];

    /// <summary>Creates the sampler for the given descending timesteps.</summary>
    /// <exception cref="ArgumentOutOfRangeException">η &lt; 0.</exception>
    public DdimScheduler(NoiseSchedule schedule, SamplerSettings settings, int[] timesteps)
        : base(schedule, settings, timesteps)
    {
        if (!(settings.Eta >= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(settings), settings.Eta, "η must be ≥ 0");
        }
    }

    /// <inheritdoc />
    public override bool IsStochastic => Settings.Eta > 0;

    /// <inheritdoc />
    public override double PreviousAlphaCumprod(int index) =>
        PreviousTimestep(index) < 0 && !Settings.SetAlphaToOne ? Schedule.AlphaCumprod(0) : base.PreviousAlphaCumprod(index);

    /// <summary>(1 − ᾱ_prev)/(1 − ᾱ_t)·(1 − ᾱ_t/ᾱ_prev), the σ²/η² of step <paramref name="index"/>.</summary>
    public double Variance(int index)
    {
        var alphaBar = Schedule.AlphaCumprod(Timesteps[index]);
        var alphaBarPrev = PreviousAlphaCumprod(index);
        return (1.0 - alphaBarPrev) / (1.0 - alphaBar) * (1.0 - alphaBar / alphaBarPrev);
    }

    /// <inheritdoc />
    public override bool ReverseStep(int index, ReadOnlySpan<double> modelOutput, ReadOnlySpan<double> sample, Span<double> previous, Span<double> predictedX0, IGaussianNoise? noise)
    {
        CheckLengths(modelOutput, sample, previous);
        var epsilon = Buffer(ref _epsilon, previous.Length);
        predictedX0 = PredictedX0(predictedX0, previous.Length);
        Predict(index, modelOutput, sample, predictedX0, epsilon);
        var alphaBarPrev = PreviousAlphaCumprod(index);
        var sigma = Settings.Eta * Math.Sqrt(Variance(index));
        var a = Math.Sqrt(alphaBarPrev);
        var direction = Math.Sqrt(Math.Max(1.0 - alphaBarPrev - sigma * sigma, 0.0));
        if (sigma == 0)
        {
            return LatentKernels.Combine(a, predictedX0, direction, epsilon, previous);
        }

        var draws = DrawNoise(ref _noise, previous.Length, noise);
        return LatentKernels.CombineAdd(a, predictedX0, direction, epsilon, sigma, draws, previous);
    }
}
