namespace RestoreBench.Diffusion.Schedulers;

/// <summary>
/// DDPM ancestral sampling (Ho et al. 2020, Algorithm 2; paper Eq. 10):
/// z_{t−1} = 1/√α_t·(z_t − β_t/√(1 − ᾱ_t)·ε̂) + σ_t·n, n ~ N(0, I), no noise at the last step, with
/// σ_t² = β̃_t = (1 − ᾱ_{t−1})/(1 − ᾱ_t)·β_t (fixed small) or β_t (fixed large). It is computed in the
/// equivalent posterior-mean form μ̃_t = √ᾱ_{t−1}·β_t/(1 − ᾱ_t)·ẑ_0 + √α_t·(1 − ᾱ_{t−1})/(1 − ᾱ_t)·z_t,
/// which also serves v/x0 prediction and clipping; with N &lt; T steps α_t = ᾱ_t/ᾱ_prev and β_t = 1 − α_t
/// between consecutive inference timesteps (as diffusers does). β̃_t is floored at 1e-20.
/// </summary>
public sealed class DdpmScheduler : NoiseScheduler
{
    private float[] _noise = [];

    /// <summary>Creates the sampler for the given descending timesteps.</summary>
    public DdpmScheduler(NoiseSchedule schedule, SamplerSettings settings, int[] timesteps)
        : base(schedule, settings, timesteps)
    {
    }

    /// <inheritdoc />
    public override bool IsStochastic => true;

    /// <summary>The variance σ_t² of step <paramref name="index"/> (0 at the last step's t = 0 when it ends the chain).</summary>
    public double Variance(int index)
    {
        var t = Timesteps[index];
        var alphaBar = Schedule.AlphaCumprod(t);
        var alphaBarPrev = PreviousAlphaCumprod(index);
        var beta = 1.0 - alphaBar / alphaBarPrev;
        return Settings.Variance switch
        {
            DdpmVariance.FixedSmall => Math.Max((1.0 - alphaBarPrev) / (1.0 - alphaBar) * beta, 1e-20),
            DdpmVariance.FixedLarge => beta,
            _ => throw new InvalidOperationException($"unknown variance {Settings.Variance}"),
        };
    }

    /// <inheritdoc />
    public override bool ReverseStep(int index, ReadOnlySpan<double> modelOutput, ReadOnlySpan<double> sample, Span<double> previous, Span<double> predictedX0, IGaussianNoise? noise)
    {
        CheckLengths(modelOutput, sample, previous);
        var t = Timesteps[index];
        var alphaBar = Schedule.AlphaCumprod(t);
        var alphaBarPrev = PreviousAlphaCumprod(index);
        var alpha = alphaBar / alphaBarPrev;
        var beta = 1.0 - alpha;
        var x0Coeff = Math.Sqrt(alphaBarPrev) * beta / (1.0 - alphaBar);
        var sampleCoeff = Math.Sqrt(alpha) * (1.0 - alphaBarPrev) / (1.0 - alphaBar);
        if (t == 0)
        {
            predictedX0 = PredictedX0(predictedX0, previous.Length);
            Predict(index, modelOutput, sample, predictedX0, []);
            return LatentKernels.Combine(x0Coeff, predictedX0, sampleCoeff, sample, previous);
        }

        var draws = DrawNoise(ref _noise, previous.Length, noise);
        var sigma = Math.Sqrt(Variance(index));
        if (Settings.Prediction == PredictionType.Epsilon && Settings.ClipSample is null && alphaBar > 0)
        {
            // Predictions.Convert's ε formula and the update in one pass (same results as the two passes
            // below); ẑ_0 is stored only when the caller asked for it.
            return LatentKernels.EpsilonStep(modelOutput, sample, Math.Sqrt(1.0 - alphaBar), 1.0 / Math.Sqrt(alphaBar), x0Coeff, sampleCoeff, sigma, draws, predictedX0, previous);
        }

        predictedX0 = PredictedX0(predictedX0, previous.Length);
        Predict(index, modelOutput, sample, predictedX0, []);
        return LatentKernels.CombineAdd(x0Coeff, predictedX0, sampleCoeff, sample, sigma, draws, previous);
    }
}
