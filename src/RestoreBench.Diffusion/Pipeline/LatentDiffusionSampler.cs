using System.Globalization;
using RestoreBench.Diffusion.Components;
using RestoreBench.Diffusion.Schedulers;

namespace RestoreBench.Diffusion.Pipeline;

/// <summary>A latent diffusion run failed on this image (e.g. a non-finite latent); one line naming the step.</summary>
public sealed class DiffusionException(string message) : Exception(message);

/// <summary>
/// The reverse process in latent space (paper Eq. 8–10): start latent, N sampler steps with the
/// denoiser (optionally tiled with Gaussian blending, optionally with classifier-free guidance), and
/// the per-step predicted ẑ_0. Independent of the VAE and of images, so it can be tested on analytic
/// data.
/// </summary>
public sealed class LatentDiffusionSampler
{
    private readonly Denoiser _denoiser;
    private LatentTensor? _output;
    private LatentTensor? _unconditional;
    private GaussianTiling? _tiling;
    private LatentTensor? _zTile;
    private LatentTensor? _conditionTile;
    private LatentTensor? _tileOutput;
    private LatentTensor? _tileUnconditional;

    /// <summary>Creates the sampler around a denoiser (not owned).</summary>
    public LatentDiffusionSampler(Denoiser denoiser, NoiseSchedule schedule)
    {
        ArgumentNullException.ThrowIfNull(denoiser);
        ArgumentNullException.ThrowIfNull(schedule);
        _denoiser = denoiser;
        Schedule = schedule;
    }

    /// <summary>The forward-process schedule.</summary>
    public NoiseSchedule Schedule { get; }

    /// <summary>
    /// The start timestep for start noise S in (0, 1]: t0 = max(round(S·T) − 1, 0); S = 1 gives T − 1.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">S outside (0, 1].</exception>
    public int StartTimestep(double startNoise)
    {
        if (!(startNoise > 0 && startNoise <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(startNoise), startNoise, "start noise must be in (0, 1] (a fraction of T)");
        }

        return Math.Max((int)Math.Round(startNoise * Schedule.TrainSteps, MidpointRounding.AwayFromZero) - 1, 0);
    }

    /// <summary>
    /// Samples z_0. Start: for S = 1, pure noise z_T ~ N(0, I) (<paramref name="condition"/> unused
    /// unless the denoiser takes it); for S &lt; 1, the condition noised to the first timestep,
    /// z = √ᾱ·c_f + √(1 − ᾱ)·n (Eq. 8). The N timesteps are spaced over [0, t0] (see
    /// <see cref="Timesteps.Create"/>). The noise source supplies the start noise first, then each
    /// stochastic step's draws, so a seed fixes the whole run.
    /// </summary>
    /// <param name="condition">c_f = E(I_reg) (its shape is the latent's shape).</param>
    /// <param name="settings">Sampler settings.</param>
    /// <param name="startNoise">S in (0, 1].</param>
    /// <param name="guidanceScale">CFG scale w: output = u + w·(c − u) with u from the null context; 1 = one call per step.</param>
    /// <param name="noise">The run's noise source.</param>
    /// <param name="onPredictedX0">Called after step k (1-based) with t and ẑ_0 (a copy), or null.</param>
    /// <param name="cancellationToken">Checked between steps.</param>
    /// <exception cref="ArgumentOutOfRangeException">Steps exceed the t0 + 1 timesteps available, S outside (0, 1].</exception>
    /// <exception cref="DiffusionException">A latent became NaN/infinite (the message names the step).</exception>
    public LatentTensor Sample(LatentTensor condition, SamplerSettings settings, double startNoise, double guidanceScale, IGaussianNoise noise, Action<int, int, LatentTensor>? onPredictedX0 = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(condition);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(noise);
        var t0 = StartTimestep(startNoise);
        if (settings.Steps > t0 + 1)
        {
            throw new ArgumentOutOfRangeException(nameof(settings), settings.Steps, string.Create(CultureInfo.InvariantCulture,
                $"{settings.Steps} steps exceed the {t0 + 1} timesteps available below the start timestep t0 = {t0} (start noise {startNoise}, T = {Schedule.TrainSteps})"));
        }

        var scheduler = NoiseScheduler.Create(Schedule, settings, t0 + 1);
        var z = new LatentTensor(condition.Channels, condition.Height, condition.Width);
        noise.Fill(z.Data);
        if (startNoise < 1)
        {
            Schedule.AddNoise(condition.Data, z.Data, scheduler.Timesteps[0], z.Data);
        }

        var previous = new LatentTensor(z.Channels, z.Height, z.Width);
        // ẑ_0 is kept only for the callback; without one the step may skip storing it.
        var x0 = onPredictedX0 is null ? null : new LatentTensor(z.Channels, z.Height, z.Width);
        for (var i = 0; i < scheduler.StepCount; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var t = scheduler.Timesteps[i];
            var output = Predict(z, t, condition, guidanceScale);
            if (!scheduler.ReverseStep(i, output.Data, z.Data, previous.Data, x0 is null ? [] : x0.Data, noise))
            {
                var bad = previous.FirstNonFinite();
                throw new DiffusionException(string.Create(CultureInfo.InvariantCulture,
                    $"non-finite latent value ({previous.Data[bad]}) after step {i + 1} of {scheduler.StepCount} (t = {t}, sampler {settings.Kind}); the denoiser output or the schedule diverged"));
            }

            onPredictedX0?.Invoke(i + 1, t, x0!.Clone());
            (z, previous) = (previous, z);
        }

        return z;
    }

    /// <summary>
    /// One-step prediction (paper Fig. 8): z_t = √ᾱ_t·c_f + √(1 − ᾱ_t)·n, a single denoiser call, and
    /// the predicted ẑ_0 (ε: (z_t − √(1−ᾱ_t)·ε̂)/√ᾱ_t; v and x0 likewise, see <see cref="Predictions"/>).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">t outside [0, T).</exception>
    public LatentTensor OneStep(LatentTensor condition, int timestep, PredictionType prediction, double guidanceScale, IGaussianNoise noise)
    {
        ArgumentNullException.ThrowIfNull(condition);
        ArgumentNullException.ThrowIfNull(noise);
        if (timestep < 0 || timestep >= Schedule.TrainSteps)
        {
            throw new ArgumentOutOfRangeException(nameof(timestep), timestep, $"the one-step timestep must be in [0, {Schedule.TrainSteps})");
        }

        var z = new LatentTensor(condition.Channels, condition.Height, condition.Width);
        noise.Fill(z.Data);
        Schedule.AddNoise(condition.Data, z.Data, timestep, z.Data);
        var output = Predict(z, timestep, condition, guidanceScale);
        var x0 = new LatentTensor(z.Channels, z.Height, z.Width);
        Predictions.Convert(prediction, Schedule.AlphaCumprod(timestep), output.Data, z.Data, x0.Data, []);
        if (x0.FirstNonFinite() >= 0)
        {
            throw new DiffusionException($"non-finite predicted latent at the one-step timestep t = {timestep}");
        }

        return x0;
    }

    /// <summary>
    /// The denoiser output for the whole latent: tiled with Gaussian blending when configured,
    /// CFG-combined when w ≠ 1. The result is a buffer reused by the next call, and so are the
    /// tiles and the tiling's weights, so a tiled step allocates nothing.
    /// </summary>
    internal LatentTensor Predict(LatentTensor z, int t, LatentTensor condition, double guidanceScale)
    {
        var tile = _denoiser.Spec.Tile;
        _output = Reuse(_output, z.Channels, z.Height, z.Width);
        if (!tile.IsTiled || (z.Height <= tile.Size && z.Width <= tile.Size))
        {
            _unconditional = guidanceScale == 1.0 ? _unconditional : Reuse(_unconditional, z.Channels, z.Height, z.Width);
            return PredictInto(z, t, condition, guidanceScale, _output, _unconditional);
        }

        if (_tiling is null || _tiling.OutputHeight != z.Height || _tiling.OutputWidth != z.Width)
        {
            _tiling = new GaussianTiling(z.Height, z.Width, tile, 1, 1);
        }

        int th = _tiling.TileHeight, tw = _tiling.TileWidth;
        _zTile = Reuse(_zTile, z.Channels, th, tw);
        var conditioned = _denoiser.Spec.ConditionInput is not null;
        _conditionTile = conditioned ? Reuse(_conditionTile, condition.Channels, th, tw) : _conditionTile;
        _tileOutput = Reuse(_tileOutput, z.Channels, th, tw);
        _tileUnconditional = guidanceScale == 1.0 ? _tileUnconditional : Reuse(_tileUnconditional, z.Channels, th, tw);
        var sum = _output.Data;
        Array.Clear(sum);
        foreach (var (y0, x0) in _tiling.Tiles)
        {
            z.CropInto(y0, x0, _zTile);
            if (conditioned)
            {
                condition.CropInto(y0, x0, _conditionTile!);
            }

            _tiling.Accumulate(y0, x0, PredictInto(_zTile, t, _conditionTile, guidanceScale, _tileOutput, _tileUnconditional), sum);
        }

        _tiling.Normalize(sum);
        return _output;
    }

    private LatentTensor PredictInto(LatentTensor z, int t, LatentTensor? condition, double w, LatentTensor c, LatentTensor? u)
    {
        _denoiser.Predict(z, t, condition, false, c);
        if (w == 1.0)
        {
            return c;
        }

        _denoiser.Predict(z, t, condition, true, u!);
        LatentKernels.Guide(u!.Data, w, c.Data);
        return c;
    }

    private static LatentTensor Reuse(LatentTensor? buffer, int channels, int height, int width) =>
        buffer is not null && buffer.Channels == channels && buffer.Height == height && buffer.Width == width
            ? buffer
            : new LatentTensor(channels, height, width);
}
