using RestoreBench.Core.Randomness;
using RestoreBench.Diffusion.Schedulers;

namespace RestoreBench.Diffusion.Tests.Schedulers;

public sealed class SchedulerTests
{
    private static double[] RandomLatent(int n, ulong seed)
    {
        var x = new double[n];
        new SeededGaussianNoise(new SeededRandom(seed)).Fill(x);
        return x;
    }

    [Fact]
    public void Ddpm_step_is_eq10_of_the_paper()
    {
        // z_{t−1} = 1/√α_t (z_t − β_t/√(1−ᾱ_t) ε̂) + σ_t n with σ_t² = β̃_t, same n.
        var schedule = NoiseSchedule.Create();
        var scheduler = (DdpmScheduler)NoiseScheduler.Create(schedule, new SamplerSettings { Steps = 1000 });
        var z = RandomLatent(64, 1);
        var eps = RandomLatent(64, 2);
        foreach (var index in new[] { 0, 500, 998 })
        {
            var t = scheduler.Timesteps[index];
            var prev = new double[64];
            Assert.True(scheduler.ReverseStep(index, eps, z, prev, new double[64], new SeededGaussianNoise(new SeededRandom(3))));
            var n = RandomLatent(64, 3);
            double alpha = schedule.Alpha(t), beta = schedule.Beta(t), bar = schedule.AlphaCumprod(t), barPrev = schedule.AlphaCumprod(t - 1);
            var sigma = Math.Sqrt((1 - barPrev) / (1 - bar) * beta);
            for (var i = 0; i < 64; i++)
            {
                var expected = (z[i] - beta / Math.Sqrt(1 - bar) * eps[i]) / Math.Sqrt(alpha) + sigma * n[i];
                Assert.Equal(expected, prev[i], 1e-12);
            }
        }
    }

    [Fact]
    public void Ddpm_one_pass_epsilon_step_equals_the_general_two_pass_step()
    {
        // A clip bound no value reaches sends the same step through Predictions.Convert + CombineAdd.
        var schedule = NoiseSchedule.Create();
        var fused = NoiseScheduler.Create(schedule, new SamplerSettings { Steps = 50 });
        var general = NoiseScheduler.Create(schedule, new SamplerSettings { Steps = 50, ClipSample = 1e300 });
        var z = RandomLatent(1003, 1);
        var eps = RandomLatent(1003, 2);
        foreach (var index in new[] { 0, 25, 48, 49 })
        {
            double[] a = new double[1003], b = new double[1003], x0a = new double[1003], x0b = new double[1003];
            Assert.True(fused.ReverseStep(index, eps, z, a, x0a, new SeededGaussianNoise(new SeededRandom(5))));
            Assert.True(general.ReverseStep(index, eps, z, b, x0b, new SeededGaussianNoise(new SeededRandom(5))));
            Assert.Equal(x0b, x0a);
            Assert.Equal(b, a);
        }
    }

    [Theory]
    [InlineData(SamplerKind.Ddpm, PredictionType.Epsilon)]
    [InlineData(SamplerKind.Ddpm, PredictionType.V)]
    [InlineData(SamplerKind.Ddim, PredictionType.Epsilon)]
    [InlineData(SamplerKind.Euler, PredictionType.Sample)]
    public void A_step_without_a_predicted_x0_span_gives_the_same_z_prev(SamplerKind kind, PredictionType prediction)
    {
        var settings = new SamplerSettings { Kind = kind, Steps = 10, Prediction = prediction, Eta = 0.5 };
        var schedule = NoiseSchedule.Create();
        NoiseScheduler with = NoiseScheduler.Create(schedule, settings), without = NoiseScheduler.Create(schedule, settings);
        var z = RandomLatent(1003, 1);
        var output = RandomLatent(1003, 2);
        for (var index = 0; index < 10; index++)
        {
            double[] a = new double[1003], b = new double[1003];
            Assert.True(with.ReverseStep(index, output, z, a, new double[1003], new SeededGaussianNoise(new SeededRandom(5))));
            Assert.True(without.ReverseStep(index, output, z, b, [], new SeededGaussianNoise(new SeededRandom(5))));
            Assert.Equal(a, b);
        }
    }

    [Theory]
    [InlineData(SamplerKind.Ddpm, PredictionType.Epsilon, 0.0)]
    [InlineData(SamplerKind.Ddpm, PredictionType.V, 0.0)]
    [InlineData(SamplerKind.Ddim, PredictionType.Epsilon, 0.0)]
    [InlineData(SamplerKind.Ddim, PredictionType.Epsilon, 0.5)]
    [InlineData(SamplerKind.Euler, PredictionType.Sample, 0.0)]
    public void A_step_reports_a_non_finite_z_prev(SamplerKind kind, PredictionType prediction, double eta)
    {
        var scheduler = NoiseScheduler.Create(NoiseSchedule.Create(), new SamplerSettings { Kind = kind, Steps = 10, Prediction = prediction, Eta = eta });
        var z = RandomLatent(1003, 1);
        foreach (var bad in new[] { double.NaN, double.PositiveInfinity, double.NegativeInfinity })
        {
            foreach (var at in new[] { 0, 500, 1002 })
            {
                var output = RandomLatent(1003, 2);
                output[at] = bad;
                var previous = new double[1003];
                Assert.False(scheduler.ReverseStep(3, output, z, previous, [], new SeededGaussianNoise(new SeededRandom(5))));
                Assert.Equal(at, Array.FindIndex(previous, v => !double.IsFinite(v)));
            }
        }
    }

    [Fact]
    public void Ddpm_fixed_large_uses_beta()
    {
        var schedule = NoiseSchedule.Create(BetaSchedule.Linear, 1000, 0.0001, 0.02);
        var scheduler = (DdpmScheduler)NoiseScheduler.Create(schedule, new SamplerSettings { Steps = 1000, Variance = DdpmVariance.FixedLarge });
        Assert.Equal(schedule.Beta(487), scheduler.Variance(999 - 487), 1e-15);
    }

    [Theory]
    [InlineData(PredictionType.Epsilon)]
    [InlineData(PredictionType.V)]
    [InlineData(PredictionType.Sample)]
    public void Euler_in_sigma_space_equals_ddim_eta_zero(PredictionType prediction)
    {
        var schedule = NoiseSchedule.Create();
        var euler = NoiseScheduler.Create(schedule, new SamplerSettings { Kind = SamplerKind.Euler, Steps = 20, Prediction = prediction });
        var ddim = NoiseScheduler.Create(schedule, new SamplerSettings { Kind = SamplerKind.Ddim, Steps = 20, Prediction = prediction });
        Assert.Equal(ddim.Timesteps, euler.Timesteps);
        var z = RandomLatent(128, 5);
        var output = RandomLatent(128, 6);
        for (var index = 0; index < 20; index++)
        {
            double[] a = new double[128], b = new double[128], x0a = new double[128], x0b = new double[128];
            Assert.True(euler.ReverseStep(index, output, z, a, x0a, null));
            Assert.True(ddim.ReverseStep(index, output, z, b, x0b, null));
            for (var i = 0; i < 128; i++)
            {
                Assert.Equal(b[i], a[i], 1e-9);
            }
        }
    }

    [Fact]
    public void Timestep_spacings_match_diffusers_tables()
    {
        // Lin et al. 2024, Table 2 (T = 1000, N = 10).
        Assert.Equal([900, 800, 700, 600, 500, 400, 300, 200, 100, 0], Timesteps.Create(10, 1000, TimestepSpacing.Leading));
        Assert.Equal([999, 899, 799, 699, 599, 499, 399, 299, 199, 99], Timesteps.Create(10, 1000, TimestepSpacing.Trailing));
        Assert.Equal([999, 888, 777, 666, 555, 444, 333, 222, 111, 0], Timesteps.Create(10, 1000, TimestepSpacing.Linspace));
    }

    [Fact]
    public void Steps_larger_than_T_are_refused()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => NoiseScheduler.Create(NoiseSchedule.Create(), new SamplerSettings { Steps = 1001 }));
        Assert.Contains("T = 1000", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Zero_terminal_snr_rescale_keeps_first_and_zeroes_last()
    {
        var plain = NoiseSchedule.Create();
        var rescaled = NoiseSchedule.Create(rescaleZeroTerminalSnr: true);
        Assert.Equal(plain.AlphaCumprod(0), rescaled.AlphaCumprod(0), 1e-15);
        Assert.Equal(0.0, rescaled.AlphaCumprod(999));
        Assert.Throws<ArgumentException>(() => NoiseScheduler.Create(rescaled, new SamplerSettings { Spacing = TimestepSpacing.Trailing }));
        var v = NoiseScheduler.Create(rescaled, new SamplerSettings { Kind = SamplerKind.Ddim, Spacing = TimestepSpacing.Trailing, Prediction = PredictionType.V });
        Assert.Equal(999, v.Timesteps[0]);
    }

    [Fact]
    public void Cosine_schedule_follows_nichol_dhariwal()
    {
        var s = NoiseSchedule.Create(BetaSchedule.Cosine);
        static double F(double u) => Math.Pow(Math.Cos((u + 0.008) / 1.008 * Math.PI / 2), 2);
        Assert.Equal(F(0.5) / F(0), s.AlphaCumprod(499), 1e-12);
        Assert.Equal(0.999, s.Beta(999), 1e-15);
    }

    [Fact]
    public void Seeded_noise_is_reproducible_bit_for_bit()
    {
        var a = RandomLatent(1000, 42);
        var b = RandomLatent(1000, 42);
        Assert.Equal(a, b);
    }
}

public sealed class GaussianNoiseTests
{
    [Fact]
    public void Draws_have_the_standard_normal_moments_and_tails()
    {
        const int n = 1_000_000;
        var x = new double[n];
        new SeededGaussianNoise(new SeededRandom(77)).Fill(x);
        double sum = 0, sq = 0, quart = 0;
        int beyond1 = 0, beyond2 = 0, beyond3 = 0, beyond4 = 0;
        foreach (var v in x)
        {
            sum += v;
            sq += v * v;
            quart += v * v * v * v;
            var a = Math.Abs(v);
            beyond1 += a > 1 ? 1 : 0;
            beyond2 += a > 2 ? 1 : 0;
            beyond3 += a > 3 ? 1 : 0;
            beyond4 += a > 3.5 ? 1 : 0;
        }

        // 5-sigma bounds for n = 1e6 draws.
        Assert.InRange(sum / n, -0.005, 0.005);
        Assert.InRange(sq / n, 1 - 0.0071, 1 + 0.0071);
        Assert.InRange(quart / n, 3 - 0.05, 3 + 0.05);
        Assert.InRange(beyond1 / (double)n, 0.317311 - 0.0024, 0.317311 + 0.0024); // P(|Z| > 1)
        Assert.InRange(beyond2 / (double)n, 0.045500 - 0.0011, 0.045500 + 0.0011);
        Assert.InRange(beyond3 / (double)n, 0.002700 - 0.00026, 0.002700 + 0.00026);
        Assert.InRange(beyond4 / (double)n, 0.000465 - 0.00011, 0.000465 + 0.00011);
        Assert.InRange(x.Count(v => Math.Abs(v) > 4.1) / (double)n, 0.0000413 - 0.000032, 0.0000413 + 0.000032);
        Assert.All(x, v => Assert.InRange(Math.Abs(v), 0, 5.77)); // the smallest u₁ = 2⁻²⁴ bounds the radius

        // P(Z ≤ z) at points inside many different layers (5-sigma bounds).
        foreach (var (z, p) in new[] { (-2.5, 0.0062097), (-1.2, 0.1150697), (-0.3, 0.3820886), (0.05, 0.5199388), (0.7, 0.7580363), (1.9, 0.9712834) })
        {
            var tolerance = 5 * Math.Sqrt(p * (1 - p) / n);
            Assert.InRange(x.Count(v => v <= z) / (double)n, p - tolerance, p + tolerance);
        }
    }

    [Fact]
    public void Vector_path_equals_the_scalar_twin_and_ignores_how_the_stream_is_split()
    {
        const int n = 100_003;
        var whole = new float[n];
        new SeededGaussianNoise(new SeededRandom(9)).FillScalar(whole);
        Assert.DoesNotContain(whole, float.IsNaN);

        var vector = new float[n];
        new SeededGaussianNoise(new SeededRandom(9)).Fill(vector);
        Assert.Equal(whole, vector);

        // The float64 fill gives the same draws, widened exactly.
        var widened = new double[n];
        new SeededGaussianNoise(new SeededRandom(9)).Fill(widened);
        Assert.Equal(whole.Select(v => (double)v), widened);

        // Uneven calls, vector and scalar mixed: the same stream.
        var pieces = new float[n];
        var noise = new SeededGaussianNoise(new SeededRandom(9));
        var at = 0;
        foreach (var size in new[] { 1, 7, 8, 13, 0, 64, 31, 32, 33, 1000, 16384 })
        {
            if (size % 2 == 0)
            {
                noise.Fill(pieces.AsSpan(at, size));
            }
            else
            {
                noise.FillScalar(pieces.AsSpan(at, size));
            }

            at += size;
        }

        noise.Fill(pieces.AsSpan(at));
        Assert.Equal(whole, pieces);
        Assert.NotEqual(whole.Select(v => (double)v), RandomDraws(10, n));
    }

    [Fact]
    public void Draws_follow_the_documented_stream_to_float32_accuracy()
    {
        // The stream definition of SeededGaussianNoise's summary, evaluated in double precision.
        const int n = 200_000;
        var key = new SeededRandom(21).NextUInt64();
        var draws = new double[n];
        new SeededGaussianNoise(new SeededRandom(21)).Fill(draws);
        for (var i = 0; i < n; i++)
        {
            var pair = i / 32 * 16 + i % 16;
            var h = key + (ulong)(pair + 1) * 0x9E3779B97F4A7C15UL;
            h = (h ^ (h >> 30)) * 0xBF58476D1CE4E5B9UL;
            h = (h ^ (h >> 27)) * 0x94D049BB133111EBUL;
            h ^= h >> 31;
            var u1 = ((h >> 40) + 1) / 16777216.0;
            var u2 = ((h >> 8) & 0xFFFFFF) / 16777216.0;
            var r = Math.Sqrt(-2 * Math.Log(u1));
            var exact = r * (i % 32 < 16 ? Math.Cos(2 * Math.PI * u2) : Math.Sin(2 * Math.PI * u2));
            Assert.True(Math.Abs(draws[i] - exact) <= 4e-7 * Math.Max(1, Math.Abs(exact)), $"draw {i}: {draws[i]} vs {exact}");
        }
    }

    private static double[] RandomDraws(ulong seed, int n)
    {
        var x = new double[n];
        new SeededGaussianNoise(new SeededRandom(seed)).Fill(x);
        return x;
    }
}
