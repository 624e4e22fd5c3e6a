using RestoreBench.Core.Randomness;
using RestoreBench.Diffusion.Components;
using RestoreBench.Diffusion.Pipeline;
using RestoreBench.Diffusion.Schedulers;

namespace RestoreBench.Diffusion.Tests.Pipeline;

/// <summary>
/// Latents z_0 ~ N(μ, s²I) have a closed-form optimal ε-predictor (TestGraphs.GaussianEpsilon, an ONNX
/// graph with t as input). Sampling with it must reproduce the data distribution: 16384 latent
/// values (4 x 64 x 64), mean within 4 standard errors (4·s/√n = 0.0156) and standard deviation within
/// 4 standard errors (4·s/√(2n) = 0.011). The schedule is DDPM's linear one (ᾱ_999 = 4e-5), so
/// starting from N(0, I) instead of the exact N(√ᾱ_T μ, ᾱ_T s² + 1 − ᾱ_T) biases the mean by about
/// s·√ᾱ_T·μ ≈ 0.001 only.
/// </summary>
public sealed class AnalyticGaussianTests
{
    private const double Mu = 0.3;
    private const double S = 0.5;
    private const int C = 4, H = 64, W = 64;

    private static readonly NoiseSchedule Schedule = NoiseSchedule.Create(BetaSchedule.Linear, 1000, 0.0001, 0.02);

    private static (double Mean, double Std) Stats(LatentTensor z)
    {
        double sum = 0, sq = 0;
        foreach (var v in z.Data)
        {
            sum += v;
        }

        var mean = sum / z.Data.Length;
        foreach (var v in z.Data)
        {
            sq += (v - mean) * (v - mean);
        }

        return (mean, Math.Sqrt(sq / (z.Data.Length - 1)));
    }

    private static LatentTensor SampleWith(SamplerSettings settings, ulong seed)
    {
        using var denoiser = TestGraphs.Denoiser(TestGraphs.GaussianEpsilon(Schedule, C, Mu, S), C);
        var sampler = new LatentDiffusionSampler(denoiser, Schedule);
        return sampler.Sample(new LatentTensor(C, H, W), settings, 1.0, 1.0, new SeededGaussianNoise(new SeededRandom(seed)));
    }

    /// <summary>
    /// The exact law of the sampler's output for this Gaussian data, propagated step by step
    /// independently of the scheduler code (only its timesteps are used): with the optimal predictor,
    /// ẑ_0 = μ + √ᾱ_t s²/v_t·(z_t − √ᾱ_t μ), ε̂ = √(1−ᾱ_t)/v_t·(z_t − √ᾱ_t μ), v_t = ᾱ_t s² + 1 − ᾱ_t, so
    /// every step is affine in z_t: DDIM (η = 0) multiplies the deviation by
    /// A = (√ᾱ_p √ᾱ_t s² + √(1−ᾱ_p) √(1−ᾱ_t))/v_t; DDPM by A = (√ᾱ_p β_t √ᾱ_t s²/v_t + √α_t (1−ᾱ_p))/(1−ᾱ_t)
    /// and adds σ_t² = β̃_t. Start N(0, 1).
    /// </summary>
    private static (double Mean, double Std) Predicted(NoiseScheduler scheduler, bool ddpm)
    {
        double m = 0, v = 1;
        for (var i = 0; i < scheduler.StepCount; i++)
        {
            var t = scheduler.Timesteps[i];
            double a = Schedule.AlphaCumprod(t), ap = i + 1 < scheduler.StepCount ? Schedule.AlphaCumprod(scheduler.Timesteps[i + 1]) : 1.0;
            var vt = a * S * S + 1 - a;
            double gain, variance = 0;
            if (ddpm)
            {
                var alpha = a / ap;
                var beta = 1 - alpha;
                gain = (Math.Sqrt(ap) * beta * Math.Sqrt(a) * S * S / vt + Math.Sqrt(alpha) * (1 - ap)) / (1 - a);
                variance = t > 0 ? (1 - ap) / (1 - a) * beta : 0;
            }
            else
            {
                gain = (Math.Sqrt(ap) * Math.Sqrt(a) * S * S + Math.Sqrt(1 - ap) * Math.Sqrt(1 - a)) / vt;
            }

            m = Math.Sqrt(ap) * Mu + gain * (m - Math.Sqrt(a) * Mu);
            v = gain * gain * v + variance;
        }

        return (m, Math.Sqrt(v));
    }

    [Fact]
    public void Ddpm_1000_steps_recovers_mean_and_std()
    {
        var settings = new SamplerSettings { Kind = SamplerKind.Ddpm, Steps = 1000 };
        var (mean, std) = Stats(SampleWith(settings, 11));
        Assert.True(Math.Abs(mean - Mu) < 0.0156, $"mean {mean}");
        Assert.True(Math.Abs(std - S) < 0.011, $"std {std}");
        var (pm, ps) = Predicted(NoiseScheduler.Create(Schedule, settings), ddpm: true);
        // Fixed-small variance ignores Var(z_0 | z_t), so even 1000 steps under-disperse slightly (law std 0.4961).
        Assert.True(Math.Abs(std - ps) < 0.011, $"std {std}, exact law {ps}");
        Assert.True(Math.Abs(pm - Mu) < 2e-3 && Math.Abs(ps - S) < 6e-3, $"exact law: mean {pm}, std {ps}");
    }

    [Fact]
    public void Ddim_eta0_50_steps_recovers_mean_and_std()
    {
        // DDIM with a finite step count contracts the spread (each step's gain A is below the exact
        // ratio √(v_p/v_t) by Cauchy–Schwarz): 50 trailing steps give a smaller std than s for s = 0.5
        // (the exact law below). The sample must match that law within the statistical tolerance and
        // the law must be within 0.04 of s; at 1000 steps the law is within 0.002 of s.
        var settings = new SamplerSettings { Kind = SamplerKind.Ddim, Steps = 50, Spacing = TimestepSpacing.Trailing };
        var (mean, std) = Stats(SampleWith(settings, 12));
        var (pm, ps) = Predicted(NoiseScheduler.Create(Schedule, settings), ddpm: false);
        Assert.True(Math.Abs(mean - Mu) < 0.0156, $"mean {mean}");
        Assert.True(Math.Abs(mean - pm) < 0.0156, $"mean {mean}, exact law {pm}");
        Assert.True(Math.Abs(std - ps) < 0.011, $"std {std}, exact law {ps}");
        Assert.True(Math.Abs(ps - S) < 0.04, $"exact law std {ps}");
        var (_, ps1000) = Predicted(NoiseScheduler.Create(Schedule, settings with { Steps = 1000 }), ddpm: false);
        Assert.True(Math.Abs(ps1000 - S) < 2e-3, $"exact law std at 1000 steps {ps1000}");
    }

    [Fact]
    public void Ddpm_with_fixed_large_variance_over_disperses_at_few_steps()
    {
        // A control that the statistics check can fail: 10 DDPM steps with σ² = β (fixed large) add
        // too much noise; the sample std departs from s by far more than the tolerance.
        var (_, std) = Stats(SampleWith(new SamplerSettings { Kind = SamplerKind.Ddpm, Steps = 10, Variance = DdpmVariance.FixedLarge, Spacing = TimestepSpacing.Trailing }, 13));
        Assert.True(Math.Abs(std - S) > 0.05, $"std {std}");
    }

    [Theory]
    [InlineData(50)]
    [InlineData(400)]
    [InlineData(900)]
    public void One_step_prediction_is_the_closed_form_posterior_mean(int t)
    {
        using var denoiser = TestGraphs.Denoiser(TestGraphs.GaussianEpsilon(Schedule, C, Mu, S), C);
        var sampler = new LatentDiffusionSampler(denoiser, Schedule);
        var condition = new LatentTensor(C, 16, 16);
        new SeededGaussianNoise(new SeededRandom(21)).Fill(condition.Data);
        var x0 = sampler.OneStep(condition, t, PredictionType.Epsilon, 1.0, new SeededGaussianNoise(new SeededRandom(22)));

        var n = new double[condition.Data.Length];
        new SeededGaussianNoise(new SeededRandom(22)).Fill(n);
        var a = Schedule.AlphaCumprod(t);
        var worst = 0.0;
        for (var i = 0; i < n.Length; i++)
        {
            var zt = Math.Sqrt(a) * condition.Data[i] + Math.Sqrt(1 - a) * n[i];
            // E[z_0 | z_t] for z_0 ~ N(μ, s²): μ + √ᾱ s²/(ᾱ s² + 1 − ᾱ)·(z_t − √ᾱ μ).
            var posterior = Mu + Math.Sqrt(a) * S * S / (a * S * S + 1 - a) * (zt - Math.Sqrt(a) * Mu);
            worst = Math.Max(worst, Math.Abs(x0.Data[i] - posterior));
        }

        // float32 graph arithmetic, amplified by 1/√ᾱ_t (≤ 1/√ᾱ_900 ≈ 8.7 here).
        Assert.True(worst < 5e-5, $"max |x0 − posterior mean| = {worst}");
    }

    [Fact]
    public void Timestep_as_int64_input_gives_the_same_prediction()
    {
        using var f = TestGraphs.Denoiser(TestGraphs.GaussianEpsilon(Schedule, C, Mu, S), C);
        using var i = TestGraphs.Denoiser(TestGraphs.GaussianEpsilon(Schedule, C, Mu, S, Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.Int64), C);
        var z = new LatentTensor(C, 8, 8);
        new SeededGaussianNoise(new SeededRandom(3)).Fill(z.Data);
        Assert.Equal(f.Predict(z, 123, null).Data, i.Predict(z, 123, null).Data);
    }

    [Fact]
    public void Same_seed_same_bytes_different_seed_different_sample()
    {
        var settings = new SamplerSettings { Kind = SamplerKind.Ddpm, Steps = 20, Spacing = TimestepSpacing.Trailing };
        var a = SampleWith(settings, 5);
        var b = SampleWith(settings, 5);
        var c = SampleWith(settings, 6);
        Assert.Equal(a.Data, b.Data);
        Assert.NotEqual(a.Data, c.Data);
    }

    [Fact]
    public void Tiled_denoising_of_a_pointwise_denoiser_equals_whole_latent()
    {
        using var whole = TestGraphs.Denoiser(TestGraphs.GaussianEpsilon(Schedule, C, Mu, S), C);
        using var tiled = TestGraphs.Denoiser(TestGraphs.GaussianEpsilon(Schedule, C, Mu, S), C, tile: new TileSpec(24, 8));
        var settings = new SamplerSettings { Kind = SamplerKind.Ddim, Steps = 10 };
        var cond = new LatentTensor(C, 40, 56);
        var a = new LatentDiffusionSampler(whole, Schedule).Sample(cond, settings, 1.0, 1.0, new SeededGaussianNoise(new SeededRandom(8)));
        var b = new LatentDiffusionSampler(tiled, Schedule).Sample(cond, settings, 1.0, 1.0, new SeededGaussianNoise(new SeededRandom(8)));
        for (var i = 0; i < a.Data.Length; i++)
        {
            Assert.Equal(a.Data[i], b.Data[i], 1e-9);
        }
    }

    [Fact]
    public void Tiled_prediction_equals_blending_the_tiles_with_GaussianTiling_bit_for_bit()
    {
        using var untiled = TestGraphs.Denoiser(TestGraphs.ConvolutionPlusCondition(C), C, condition: "cond");
        using var tiled = TestGraphs.Denoiser(TestGraphs.ConvolutionPlusCondition(C), C, condition: "cond", tile: new TileSpec(24, 8));
        var z = new LatentTensor(C, 40, 56);
        var cond = new LatentTensor(C, 40, 56);
        new SeededGaussianNoise(new SeededRandom(30)).Fill(z.Data);
        new SeededGaussianNoise(new SeededRandom(31)).Fill(cond.Data);

        // Reference: the generic tiler over z and c_f stacked channel-wise, each tile through the untiled denoiser.
        var stacked = new LatentTensor(2 * C, z.Height, z.Width);
        z.Data.CopyTo(stacked.Data, 0);
        cond.Data.CopyTo(stacked.Data, z.Data.Length);
        var expected = GaussianTiling.Apply(stacked, new TileSpec(24, 8), 1, 1, s =>
        {
            var zt = s.FirstChannels(C);
            var ct = new LatentTensor(C, s.Height, s.Width);
            Array.Copy(s.Data, zt.Data.Length, ct.Data, 0, ct.Data.Length);
            return untiled.Predict(zt, 500, ct);
        });

        var sampler = new LatentDiffusionSampler(tiled, Schedule);
        for (var step = 0; step < 2; step++)
        {
            // Twice: the second call reuses the tiling's buffers.
            Assert.Equal(expected.Data, sampler.Predict(z, 500, cond, 1.0).Data);
        }

        // Blending matters here: the whole-latent prediction differs near the tile edges.
        Assert.NotEqual(untiled.Predict(z, 500, cond).Data, expected.Data);
    }

    [Fact]
    public void A_prediction_of_the_wrong_shape_is_one_clear_error()
    {
        using var half = TestGraphs.Denoiser(TestGraphs.HalfSize(C), C);
        var e = Assert.Throws<InvalidOperationException>(() => half.Predict(new LatentTensor(C, 8, 8), 10, null));
        Assert.Contains("must be float32 [1,4,8,8]", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Non_finite_latent_aborts_naming_the_step()
    {
        using var denoiser = TestGraphs.Denoiser(TestGraphs.Divergent(C), C);
        var sampler = new LatentDiffusionSampler(denoiser, Schedule);
        var e = Assert.Throws<DiffusionException>(() => sampler.Sample(new LatentTensor(C, 8, 8), new SamplerSettings { Kind = SamplerKind.Ddim, Steps = 5 }, 1.0, 1.0, new SeededGaussianNoise(new SeededRandom(1))));
        Assert.Contains("after step 1 of 5", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Steps_beyond_the_start_timestep_are_refused()
    {
        using var denoiser = TestGraphs.Denoiser(TestGraphs.GaussianEpsilon(Schedule, C, Mu, S), C);
        var sampler = new LatentDiffusionSampler(denoiser, Schedule);
        Assert.Equal(99, sampler.StartTimestep(0.1));
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => sampler.Sample(new LatentTensor(C, 8, 8), new SamplerSettings { Steps = 200 }, 0.1, 1.0, new SeededGaussianNoise(new SeededRandom(1))));
        Assert.Contains("t0 = 99", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => sampler.StartTimestep(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => sampler.StartTimestep(1.5));
    }
}
