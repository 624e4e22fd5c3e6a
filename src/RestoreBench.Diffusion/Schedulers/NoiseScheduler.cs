namespace RestoreBench.Diffusion.Schedulers;

/// <summary>
/// A reverse-process sampler over a fixed list of inference timesteps (descending). All arithmetic
/// is double precision; latents are flat spans (any layout, element-wise maths). The previous
/// timestep of step i is the next entry of <see cref="Timesteps"/>, or −1 after the last one
/// (ᾱ_{−1} = 1, or ᾱ_0 for DDIM/Euler with <see cref="SamplerSettings.SetAlphaToOne"/> false).
/// </summary>
public abstract class NoiseScheduler
{
    private readonly int[] _timesteps;
    private double[] _x0 = [];

    /// <summary>Creates the sampler.</summary>
    protected NoiseScheduler(NoiseSchedule schedule, SamplerSettings settings, int[] timesteps)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(timesteps);
        Schedule = schedule;
        Settings = settings;
        _timesteps = timesteps;
        if (timesteps.Length == 0)
        {
            throw new ArgumentException("no timesteps", nameof(timesteps));
        }

        for (var i = 0; i < timesteps.Length; i++)
        {
            if (timesteps[i] < 0 || timesteps[i] >= schedule.TrainSteps || (i > 0 && timesteps[i] >= timesteps[i - 1]))
            {
                throw new ArgumentException($"timesteps must be strictly descending within [0, {schedule.TrainSteps}); got [{string.Join(", ", timesteps)}]", nameof(timesteps));
            }
        }

        if (settings.Prediction == PredictionType.Epsilon && schedule.AlphaCumprod(timesteps[0]) == 0)
        {
            throw new ArgumentException($"the first timestep {timesteps[0]} has ᾱ = 0 (zero terminal SNR): ε-prediction cannot be sampled from it; use v or x0 prediction");
        }
    }

    /// <summary>The forward-process schedule.</summary>
    public NoiseSchedule Schedule { get; }

    /// <summary>Sampler settings.</summary>
    public SamplerSettings Settings { get; }

    /// <summary>Inference timesteps, descending.</summary>
    public IReadOnlyList<int> Timesteps => _timesteps;

    /// <summary>Number of steps.</summary>
    public int StepCount => _timesteps.Length;

    /// <summary>
    /// Creates the sampler named by <paramref name="settings"/> for timesteps spaced over the first
    /// <paramref name="available"/> training timesteps (T for a start from pure noise, t0 + 1 for a
    /// start at t0).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Steps outside [1, available], available &gt; T, η &lt; 0.</exception>
    public static NoiseScheduler Create(NoiseSchedule schedule, SamplerSettings settings, int? available = null)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        ArgumentNullException.ThrowIfNull(settings);
        var n = available ?? schedule.TrainSteps;
        if (n > schedule.TrainSteps)
        {
            throw new ArgumentOutOfRangeException(nameof(available), n, $"at most T = {schedule.TrainSteps} timesteps");
        }

        if (settings.Steps > schedule.TrainSteps)
        {
            throw new ArgumentOutOfRangeException(nameof(settings), settings.Steps, $"steps ({settings.Steps}) exceed the number of training timesteps T = {schedule.TrainSteps}");
        }

        var timesteps = Schedulers.Timesteps.Create(settings.Steps, n, settings.Spacing, settings.StepsOffset);
        return settings.Kind switch
        {
            SamplerKind.Ddpm => new DdpmScheduler(schedule, settings, timesteps),
            SamplerKind.Ddim => new DdimScheduler(schedule, settings, timesteps),
            SamplerKind.Euler => new EulerScheduler(schedule, settings, timesteps),
            _ => throw new ArgumentOutOfRangeException(nameof(settings), settings.Kind, "Accepted samplers: ddpm, ddim, euler."),
        };
    }

    /// <summary>The timestep after step <paramref name="index"/>, or −1 after the last step.</summary>
    public int PreviousTimestep(int index) => index + 1 < _timesteps.Length ? _timesteps[index + 1] : -1;

    /// <summary>ᾱ after step <paramref name="index"/>.</summary>
    public virtual double PreviousAlphaCumprod(int index)
    {
        var prev = PreviousTimestep(index);
        return prev >= 0 ? Schedule.AlphaCumprod(prev) : 1.0;
    }

    /// <summary>True when <see cref="ReverseStep"/> draws noise (it then needs a noise source).</summary>
    public abstract bool IsStochastic { get; }

    /// <summary>
    /// One reverse step from z_t (t = <c>Timesteps[index]</c>) to z_{prev}, given the denoiser's output.
    /// </summary>
    /// <param name="index">Step index in [0, StepCount).</param>
    /// <param name="modelOutput">ε̂, v̂ or ẑ_0 (see <see cref="SamplerSettings.Prediction"/>).</param>
    /// <param name="sample">z_t.</param>
    /// <param name="previous">Receives z_prev (may not alias <paramref name="sample"/>).</param>
    /// <param name="predictedX0">Receives ẑ_0 (after clipping, when enabled); empty when the caller does not need it.</param>
    /// <param name="noise">Draws for the stochastic term; required when <see cref="IsStochastic"/>. A step draws exactly one latent's worth, and none at the last step for DDPM.</param>
    /// <returns>Whether every value of z_prev is finite (none NaN or ±∞), tested in the step's own pass.</returns>
    public abstract bool ReverseStep(int index, ReadOnlySpan<double> modelOutput, ReadOnlySpan<double> sample, Span<double> previous, Span<double> predictedX0, IGaussianNoise? noise);

    /// <summary>ẑ_0 and ε̂ at step <paramref name="index"/> (clipping applied to ẑ_0 only).</summary>
    protected void Predict(int index, ReadOnlySpan<double> modelOutput, ReadOnlySpan<double> sample, Span<double> predictedX0, Span<double> epsilon)
    {
        CheckLengths(modelOutput, sample, predictedX0);
        var alphaBar = Schedule.AlphaCumprod(_timesteps[index]);
        Predictions.Convert(Settings.Prediction, alphaBar, modelOutput, sample, predictedX0, epsilon);
        if (Settings.ClipSample is { } clip)
        {
            for (var i = 0; i < predictedX0.Length; i++)
            {
                predictedX0[i] = Math.Clamp(predictedX0[i], -clip, clip);
            }
        }
    }

    /// <summary>The caller's ẑ_0 span, or a buffer kept between steps when the caller passed an empty one.</summary>
    protected Span<double> PredictedX0(Span<double> predictedX0, int length) => predictedX0.IsEmpty ? Buffer(ref _x0, length) : predictedX0;

    /// <summary>Throws when the spans differ in length.</summary>
    protected static void CheckLengths(ReadOnlySpan<double> a, ReadOnlySpan<double> b, ReadOnlySpan<double> c)
    {
        if (a.Length != b.Length || a.Length != c.Length)
        {
            throw new ArgumentException($"latent lengths differ ({a.Length}, {b.Length}, {c.Length})");
        }
    }

    /// <summary>A buffer kept between steps, reallocated only when the latent length changes.</summary>
    protected static T[] Buffer<T>(ref T[] buffer, int length) => buffer.Length == length ? buffer : buffer = new T[length];

    /// <summary>This step's N(0, 1) draws in a kept buffer; throws when a stochastic step has no noise source.</summary>
    protected static float[] DrawNoise(ref float[] buffer, int length, IGaussianNoise? noise)
    {
        if (noise is null)
        {
            throw new ArgumentNullException(nameof(noise), "this sampler step is stochastic and needs a noise source");
        }

        var draws = Buffer(ref buffer, length);
        noise.Fill(draws);
        return draws;
    }
}
