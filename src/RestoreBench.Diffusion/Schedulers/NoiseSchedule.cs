using System.Globalization;

namespace RestoreBench.Diffusion.Schedulers;

/// <summary>How the variances β_1..β_T of the forward process are laid out.</summary>
public enum BetaSchedule
{
    /// <summary>β_i evenly spaced from β_start to β_end (Ho et al. 2020; diffusers <c>linear</c>).</summary>
    Linear,

    /// <summary>√β_i evenly spaced from √β_start to √β_end, then squared (Stable Diffusion; diffusers <c>scaled_linear</c>).</summary>
    ScaledLinear,

    /// <summary>
    /// ᾱ(s) = cos²((s + 0.008)/1.008 · π/2) at s = i/T and β_i = min(1 − ᾱ(i+1)/ᾱ(i), 0.999)
    /// (Nichol and Dhariwal 2021; diffusers <c>squaredcos_cap_v2</c>).
    /// </summary>
    Cosine,
}

/// <summary>
/// The forward-process noise schedule of a diffusion model (paper Eq. 8): β_t, α_t = 1 − β_t and
/// ᾱ_t = ∏_{s ≤ t} α_s for t = 0..T−1 (zero-based, as diffusers indexes them), in double precision.
/// Immutable.
/// </summary>
public sealed class NoiseSchedule
{
    private readonly double[] _betas;
    private readonly double[] _alphasCumprod;

    private NoiseSchedule(double[] betas, BetaSchedule kind, bool zeroTerminalSnr)
    {
        _betas = betas;
        _alphasCumprod = new double[betas.Length];
        var product = 1.0;
        for (var i = 0; i < betas.Length; i++)
        {
            product *= 1.0 - betas[i];
            _alphasCumprod[i] = product;
        }

        Kind = kind;
        ZeroTerminalSnr = zeroTerminalSnr;
    }

    /// <summary>Number of training timesteps T.</summary>
    public int TrainSteps => _betas.Length;

    /// <summary>The layout the betas were made with.</summary>
    public BetaSchedule Kind { get; }

    /// <summary>True when the schedule was rescaled to zero terminal SNR (ᾱ_{T−1} = 0).</summary>
    public bool ZeroTerminalSnr { get; }

    /// <summary>β_t for t in [0, T).</summary>
    public double Beta(int t) => _betas[t];

    /// <summary>α_t = 1 − β_t.</summary>
    public double Alpha(int t) => 1.0 - _betas[t];

    /// <summary>ᾱ_t = ∏_{s ≤ t} α_s (paper Eq. 8); for t = −1 returns 1 (no noise).</summary>
    public double AlphaCumprod(int t) => t < 0 ? 1.0 : _alphasCumprod[t];

    /// <summary>σ_t = √((1 − ᾱ_t)/ᾱ_t), the noise level of the variance-exploding form x = z/√ᾱ (Karras et al. 2022).</summary>
    public double Sigma(int t) => Math.Sqrt((1.0 - AlphaCumprod(t)) / AlphaCumprod(t));

    /// <summary>
    /// Builds a schedule. Defaults are Stable Diffusion's (scaled-linear, 0.00085 → 0.012, T = 1000).
    /// </summary>
    /// <param name="kind">Layout of the betas.</param>
    /// <param name="trainSteps">T ≥ 1.</param>
    /// <param name="betaStart">β of the first step (linear / scaled-linear).</param>
    /// <param name="betaEnd">β of the last step (linear / scaled-linear).</param>
    /// <param name="rescaleZeroTerminalSnr">
    /// Rescale √ᾱ linearly so that √ᾱ_{T−1} = 0 while √ᾱ_0 is kept (Lin et al. 2024, Algorithm 1).
    /// Needs v or x0 prediction for the first step at t = T − 1.
    /// </param>
    /// <exception cref="ArgumentOutOfRangeException">T &lt; 1, or betas outside (0, 1).</exception>
    public static NoiseSchedule Create(BetaSchedule kind = BetaSchedule.ScaledLinear, int trainSteps = 1000, double betaStart = 0.00085, double betaEnd = 0.012, bool rescaleZeroTerminalSnr = false)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(trainSteps, 1);
        var betas = new double[trainSteps];
        switch (kind)
        {
            case BetaSchedule.Linear:
                CheckBeta(betaStart, nameof(betaStart));
                CheckBeta(betaEnd, nameof(betaEnd));
                Linspace(betaStart, betaEnd, betas);
                break;
            case BetaSchedule.ScaledLinear:
                CheckBeta(betaStart, nameof(betaStart));
                CheckBeta(betaEnd, nameof(betaEnd));
                Linspace(Math.Sqrt(betaStart), Math.Sqrt(betaEnd), betas);
                for (var i = 0; i < betas.Length; i++)
                {
                    betas[i] *= betas[i];
                }

                break;
            case BetaSchedule.Cosine:
                for (var i = 0; i < trainSteps; i++)
                {
                    var t1 = (double)i / trainSteps;
                    var t2 = (double)(i + 1) / trainSteps;
                    betas[i] = Math.Min(1.0 - CosineAlphaBar(t2) / CosineAlphaBar(t1), 0.999);
                }

                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, "Accepted schedules: linear, scaled-linear, cosine.");
        }

        if (rescaleZeroTerminalSnr)
        {
            RescaleZeroTerminalSnr(betas);
        }

        return new NoiseSchedule(betas, kind, rescaleZeroTerminalSnr);
    }

    /// <summary>Parses <c>linear</c>, <c>scaled-linear</c> (or <c>scaled_linear</c>), <c>cosine</c> (or <c>squaredcos_cap_v2</c>).</summary>
    /// <exception cref="FormatException">Unknown name; the message lists the accepted ones.</exception>
    public static BetaSchedule ParseKind(string name) => name.Trim().ToLowerInvariant() switch
    {
        "linear" => BetaSchedule.Linear,
        "scaled-linear" or "scaled_linear" => BetaSchedule.ScaledLinear,
        "cosine" or "squaredcos_cap_v2" => BetaSchedule.Cosine,
        _ => throw new FormatException($"unknown beta schedule '{name}' (accepted: linear, scaled-linear, cosine)"),
    };

    /// <summary>
    /// The forward process in closed form (paper Eq. 8): z_t = √ᾱ_t·z_0 + √(1 − ᾱ_t)·ε, element-wise
    /// into <paramref name="destination"/> (which may alias <paramref name="clean"/>).
    /// </summary>
    public void AddNoise(ReadOnlySpan<double> clean, ReadOnlySpan<double> noise, int t, Span<double> destination)
    {
        if (clean.Length != noise.Length || clean.Length != destination.Length)
        {
            throw new ArgumentException($"lengths differ: clean {clean.Length}, noise {noise.Length}, destination {destination.Length}");
        }

        var a = Math.Sqrt(AlphaCumprod(t));
        var b = Math.Sqrt(1.0 - AlphaCumprod(t));
        for (var i = 0; i < clean.Length; i++)
        {
            destination[i] = a * clean[i] + b * noise[i];
        }
    }

    /// <summary>One line: kind, T, β range.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Kind} T={TrainSteps} beta {_betas[0]:G6}..{_betas[^1]:G6}{(ZeroTerminalSnr ? " zero-terminal-SNR" : "")}");

    private static double CosineAlphaBar(double s)
    {
        var c = Math.Cos((s + 0.008) / 1.008 * Math.PI / 2.0);
        return c * c;
    }

    private static void Linspace(double start, double end, double[] destination)
    {
        var n = destination.Length;
        if (n == 1)
        {
            destination[0] = start;
            return;
        }

        var step = (end - start) / (n - 1);
        for (var i = 0; i < n; i++)
        {
            destination[i] = start + i * step;
        }

        destination[n - 1] = end;
    }

    private static void RescaleZeroTerminalSnr(double[] betas)
    {
        var n = betas.Length;
        var sqrtBar = new double[n];
        var product = 1.0;
        for (var i = 0; i < n; i++)
        {
            product *= 1.0 - betas[i];
            sqrtBar[i] = Math.Sqrt(product);
        }

        double first = sqrtBar[0], last = sqrtBar[n - 1];
        for (var i = 0; i < n; i++)
        {
            sqrtBar[i] = (sqrtBar[i] - last) * first / (first - last);
        }

        var previous = 1.0;
        for (var i = 0; i < n; i++)
        {
            var bar = sqrtBar[i] * sqrtBar[i];
            betas[i] = 1.0 - bar / previous;
            previous = bar;
        }
    }

    private static void CheckBeta(double beta, string name)
    {
        if (!(beta > 0 && beta < 1))
        {
            throw new ArgumentOutOfRangeException(name, beta, "β must lie in (0, 1).");
        }
    }
}
