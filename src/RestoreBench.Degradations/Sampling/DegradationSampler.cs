using RestoreBench.Core.Randomness;
using RestoreBench.Degradations.Pipeline;

namespace RestoreBench.Degradations.Sampling;

/// <summary>A closed interval [Min, Max] drawn uniformly.</summary>
public sealed record UniformRange(double Min, double Max)
{
    /// <summary>One draw.</summary>
    public double Draw(SeededRandom random) => Min == Max ? Min : random.NextDouble(Min, Max);

    /// <inheritdoc/>
    public override string ToString() => $"[{StageParameters.Format(Min)}, {StageParameters.Format(Max)}]";
}

/// <summary>
/// Ranges of one Eq. 1 pass (blur → down → noise → jpeg) for blind restoration. Probabilities are in
/// [0, 1]; σ on the 0–255 scale; blur σ in pixels; θ uniform in [0, 180) degrees.
/// </summary>
public sealed record PassRanges(
    double BlurProbability,
    UniformRange BlurSigma,
    double AnisotropicProbability,
    double NoiseProbability,
    double PoissonProbability,
    UniformRange GaussianSigma,
    UniformRange PoissonScale,
    double GrayNoiseProbability,
    double JpegProbability,
    UniformRange JpegQuality);

/// <summary>
/// Draws concrete <see cref="DegradationSpec"/>s from ranges, one per image, from the stream
/// <c>Derive(seed, imageId, "sample")</c>: the same (seed, image) always gets the same spec.
/// The total downsampling factor is exactly α, split over the passes.
/// </summary>
public sealed class DegradationSampler
{
    private readonly IReadOnlyList<PassRanges> _passes;

    /// <summary>Creates a sampler for the given passes and total downsampling factor α.</summary>
    public DegradationSampler(string name, double alpha, IReadOnlyList<PassRanges> passes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(alpha, 1.0);
        if (passes.Count == 0)
        {
            throw new ArgumentException("At least one pass is needed.", nameof(passes));
        }

        Name = name;
        Alpha = alpha;
        _passes = passes;
    }

    /// <summary>Preset name, e.g. <c>realesrgan</c>.</summary>
    public string Name { get; }

    /// <summary>Total downsampling factor α of every drawn spec.</summary>
    public double Alpha { get; }

    /// <summary>The ranges per pass.</summary>
    public IReadOnlyList<PassRanges> Passes => _passes;

    /// <summary>
    /// Two-pass model after Real-ESRGAN (Wang et al., ICCVW 2021), first pass: blur σ ∈ [0.2, 3]
    /// (anisotropic with p = 0.5), Gaussian noise σ ∈ [1, 30] or Poisson scale ∈ [0.05, 3] (p = 0.5 each),
    /// gray noise p = 0.4, JPEG quality ∈ [30, 95]; second pass: blur p = 0.8, σ ∈ [0.2, 1.5], noise
    /// σ ∈ [1, 25] / Poisson ∈ [0.05, 2.5], JPEG ∈ [30, 95]. Unlike Real-ESRGAN (random resize up or
    /// down), the first pass downsamples by d₁ ~ U[1, √α] and the second pass resizes to exactly 1/α of
    /// the input (<c>fit(scale=α)</c>, Real-ESRGAN's final resize), so α and the output size are exact.
    /// </summary>
    public static DegradationSampler RealEsrgan(double alpha = 4) => new("realesrgan", alpha,
    [
        new PassRanges(1.0, new(0.2, 3.0), 0.5, 1.0, 0.5, new(1, 30), new(0.05, 3.0), 0.4, 1.0, new(30, 95)),
        new PassRanges(0.8, new(0.2, 1.5), 0.5, 1.0, 0.5, new(1, 25), new(0.05, 2.5), 0.4, 1.0, new(30, 95)),
    ]);

    /// <summary>One pass with the first-pass ranges of <see cref="RealEsrgan"/>.</summary>
    public static DegradationSampler SinglePass(double alpha = 4) => new("single", alpha, [RealEsrgan(alpha).Passes[0]]);

    /// <summary>Known presets by name: realesrgan, single.</summary>
    public static DegradationSampler Preset(string name, double alpha) => name switch
    {
        "realesrgan" => RealEsrgan(alpha),
        "single" => SinglePass(alpha),
        _ => throw new ArgumentException($"unknown degradation sampler '{name}' (accepted: realesrgan, single)", nameof(name)),
    };

    /// <summary>Draws the concrete spec for one image.</summary>
    public DegradationSpec Sample(long seed, string imageId)
    {
        var random = SeededRandom.Derive(seed, imageId, "sample/" + Name);
        var factors = SplitAlpha(random);
        var stages = new List<DegradationStage>();
        for (var p = 0; p < _passes.Count; p++)
        {
            var r = _passes[p];
            if (random.NextDouble() < r.BlurProbability)
            {
                var sx = Round3(r.BlurSigma.Draw(random));
                if (random.NextDouble() < r.AnisotropicProbability)
                {
                    var sy = Round3(r.BlurSigma.Draw(random));
                    var theta = Round3(random.NextDouble(0, 180));
                    stages.Add(new GaussianBlurStage(sx, sy, sx == sy ? 0 : theta));
                }
                else
                {
                    stages.Add(new GaussianBlurStage(sx, sx));
                }
            }

            if (p == _passes.Count - 1 && _passes.Count > 1)
            {
                stages.Add(new FitStage(Alpha));
            }
            else if (factors[p] != 1.0)
            {
                stages.Add(new DownsampleStage(factors[p]));
            }

            if (random.NextDouble() < r.NoiseProbability)
            {
                var gray = random.NextDouble() < r.GrayNoiseProbability;
                stages.Add(random.NextDouble() < r.PoissonProbability
                    ? new PoissonNoiseStage(Round3(r.PoissonScale.Draw(random)), gray)
                    : new GaussianNoiseStage(Round3(r.GaussianSigma.Draw(random)), gray));
            }

            if (random.NextDouble() < r.JpegProbability)
            {
                stages.Add(new JpegStage((int)Math.Round(r.JpegQuality.Draw(random), MidpointRounding.AwayFromZero)));
            }
        }

        if (stages.Count == 0)
        {
            stages.Add(new DownsampleStage(Alpha));
        }

        return new DegradationSpec(stages);
    }

    /// <summary>Downsampling factor per pass; the last pass of a multi-pass model fits to 1/α instead.</summary>
    private double[] SplitAlpha(SeededRandom random)
    {
        var factors = new double[_passes.Count];
        factors.AsSpan().Fill(1.0);
        if (_passes.Count == 1)
        {
            factors[0] = Alpha;
        }
        else
        {
            factors[0] = Round3(random.NextDouble(1.0, Math.Sqrt(Alpha)));
        }

        return factors;
    }

    // Drawn parameters are rounded to 3 decimals so that the compact spec string reproduces them exactly.
    private static double Round3(double value) => Math.Round(value, 3, MidpointRounding.AwayFromZero);
}
