using RestoreBench.Core.Randomness;
using RestoreBench.Reports.Statistics;

namespace RestoreBench.Reports.Tests.Statistics;

public sealed class BootstrapTests
{
    private static double[] Sample(int n)
    {
        // A fixed, skew-free sample: a deterministic sequence with mean 10 and sd ≈ 2.
        var random = new SeededRandom(42);
        var values = new double[n];
        for (var i = 0; i < n; i++)
        {
            // Sum of 12 uniforms − 6 ≈ N(0, 1).
            var z = -6.0;
            for (var k = 0; k < 12; k++)
            {
                z += random.NextDouble();
            }

            values[i] = 10 + 2 * z;
        }

        return values;
    }

    [Fact]
    public void Same_seed_same_interval_and_other_seed_other_interval()
    {
        var v = Sample(50);
        var a = Bootstrap.MeanInterval(v, 1000, 0.95, SeededRandom.Derive(0, "x", "test"));
        var b = Bootstrap.MeanInterval(v, 1000, 0.95, SeededRandom.Derive(0, "x", "test"));
        var c = Bootstrap.MeanInterval(v, 1000, 0.95, SeededRandom.Derive(1, "x", "test"));
        Assert.Equal(a, b);
        Assert.NotEqual(a.Low, c.Low);
    }

    [Fact]
    public void Interval_width_matches_the_normal_theory_interval_within_10_percent()
    {
        var v = Sample(400);
        var m = Bootstrap.MeanInterval(v, 4000, 0.95, SeededRandom.Derive(3, "width", "test"));
        var mean = v.Average();
        var sd = Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / v.Length);
        var normal = 2 * 1.959964 * sd / Math.Sqrt(v.Length);
        Assert.Equal(mean, m.Mean, 12);
        Assert.InRange((m.High - m.Low) / normal, 0.9, 1.1);
        Assert.InRange(m.Mean, m.Low, m.High);
    }

    [Fact]
    public void Constant_single_and_empty_samples()
    {
        var constant = Bootstrap.MeanInterval([2.5, 2.5, 2.5], 100, 0.95, new SeededRandom(1));
        Assert.Equal((2.5, 2.5, 2.5, 3), (constant.Mean, constant.Low, constant.High, constant.N));
        var single = Bootstrap.MeanInterval([7.0], 100, 0.95, new SeededRandom(1));
        Assert.Equal((7.0, 7.0, 1), (single.Low, single.High, single.N));
        Assert.True(double.IsNaN(Bootstrap.MeanInterval([], 100, 0.95, new SeededRandom(1)).Mean));
        var infinite = Bootstrap.MeanInterval([30.0, double.PositiveInfinity], 100, 0.95, new SeededRandom(1));
        Assert.True(double.IsPositiveInfinity(infinite.Mean));
    }

    [Theory]
    [InlineData(0.0, 1.0)]
    [InlineData(0.25, 1.75)]
    [InlineData(0.5, 2.5)]
    [InlineData(1.0, 4.0)]
    public void Quantile_is_type_7(double p, double expected) => Assert.Equal(expected, Quantile.OfSorted([1.0, 2.0, 3.0, 4.0], p), 12);
}
