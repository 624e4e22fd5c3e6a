namespace RestoreBench.Diffusion.Schedulers;

/// <summary>
/// Euler's method on the probability-flow ODE in σ-space (Karras et al. 2022, Algorithm 1 without
/// churn): with x = z_t/√ᾱ_t = z_0 + σ_t·ε and σ_t = √((1 − ᾱ_t)/ᾱ_t), d = (x − ẑ_0)/σ_t and
/// x_next = x + (σ_prev − σ_t)·d; z_prev = √ᾱ_prev·x_next. The denoiser sees z_t = x/√(1 + σ²) (the
/// usual <c>scale_model_input</c>), so the pipeline works in z for every sampler. Deterministic; in
/// exact arithmetic it equals DDIM with η = 0 on the same timesteps (tested).
/// </summary>
public sealed class EulerScheduler : NoiseScheduler
{
    /// <summary>Creates the sampler for the given descending timesteps.</summary>
    /// <exception cref="ArgumentException">The first timestep has ᾱ = 0 (σ = ∞).</exception>
    public EulerScheduler(NoiseSchedule schedule, SamplerSettings settings, int[] timesteps)
        : base(schedule, settings, timesteps)
    {
        if (schedule.AlphaCumprod(timesteps[0]) == 0)
        {
            throw new ArgumentException("the Euler sampler needs a finite σ at the first timestep; zero terminal SNR gives σ = ∞ (use ddim or ddpm)");
        }
    }

    /// <inheritdoc />
    public override bool IsStochastic => false;

    /// <inheritdoc />
    public override double PreviousAlphaCumprod(int index) =>
        PreviousTimestep(index) < 0 && !Settings.SetAlphaToOne ? Schedule.AlphaCumprod(0) : base.PreviousAlphaCumprod(index);

    /// <inheritdoc />
    public override bool ReverseStep(int index, ReadOnlySpan<double> modelOutput, ReadOnlySpan<double> sample, Span<double> previous, Span<double> predictedX0, IGaussianNoise? noise)
    {
        CheckLengths(modelOutput, sample, previous);
        predictedX0 = PredictedX0(predictedX0, previous.Length);
        Predict(index, modelOutput, sample, predictedX0, []);
        var alphaBar = Schedule.AlphaCumprod(Timesteps[index]);
        var alphaBarPrev = PreviousAlphaCumprod(index);
        var sigma = Math.Sqrt((1.0 - alphaBar) / alphaBar);
        var sigmaPrev = Math.Sqrt((1.0 - alphaBarPrev) / alphaBarPrev);
        var toX = 1.0 / Math.Sqrt(alphaBar);
        var toZ = Math.Sqrt(alphaBarPrev);
        var dt = sigmaPrev - sigma;
        var zeros = 0.0;
        for (var i = 0; i < previous.Length; i++)
        {
            var x = sample[i] * toX;
            var d = (x - predictedX0[i]) / sigma;
            var z = (x + dt * d) * toZ;
            previous[i] = z;
            zeros += z - z; // 0 for finite z, NaN otherwise (as in LatentKernels)
        }

        return zeros == 0;
    }
}
