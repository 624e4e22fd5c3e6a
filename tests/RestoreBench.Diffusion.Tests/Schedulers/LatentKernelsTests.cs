using RestoreBench.Core.Randomness;
using RestoreBench.Diffusion.Schedulers;

namespace RestoreBench.Diffusion.Tests.Schedulers;

/// <summary>The vectorised step loops against the scalar formulas they document, bit for bit, for every length around the vector width.</summary>
public sealed class LatentKernelsTests
{
    public static TheoryData<int> Lengths() => [.. Enumerable.Range(0, 40).Append(16384 + 3)];

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Each_kernel_equals_its_scalar_formula(int n)
    {
        var rng = new SeededRandom((ulong)n + 1);
        double[] Random() => Enumerable.Range(0, n).Select(_ => rng.NextDouble(-3, 3)).ToArray();
        double[] x = Random(), y = Random();
        var d = Random().Select(v => (float)v).ToArray();
        const double a = 0.7123, b = -1.3, w = 4.5;

        var combined = new double[n];
        Assert.True(LatentKernels.Combine(a, x, b, y, combined));
        Assert.Equal(x.Select((v, i) => a * v + b * y[i]), combined);

        var added = new double[n];
        Assert.True(LatentKernels.CombineAdd(a, x, b, y, w, d, added));
        Assert.Equal(x.Select((v, i) => a * v + b * y[i] + w * d[i]), added);

        var scaled = new double[n];
        LatentKernels.ScaledDifference(x, b, y, a, scaled);
        Assert.Equal(x.Select((v, i) => (v - b * y[i]) * a), scaled);

        double[] x0 = new double[n], stepped = new double[n];
        Assert.True(LatentKernels.EpsilonStep(y, x, b, a, w, -a, 0.31, d, x0, stepped));
        Assert.Equal(scaled, x0);
        Assert.Equal(scaled.Select((v, i) => w * v + -a * x[i] + 0.31 * d[i]), stepped);

        var guided = (double[])x.Clone();
        LatentKernels.Guide(y, w, guided);
        Assert.Equal(x.Select((v, i) => y[i] + w * (v - y[i])), guided);

        var single = new float[n];
        LatentKernels.ToSingle(x, single);
        Assert.Equal(x.Select(v => (float)v), single);
        var back = new double[n];
        LatentKernels.ToDouble(single, back);
        Assert.Equal(single.Select(v => (double)v), back);
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void First_non_finite_finds_nan_and_infinities_anywhere(int n)
    {
        var values = Enumerable.Range(0, n).Select(i => i * 0.25 - 3).ToArray();
        Assert.Equal(-1, LatentKernels.FirstNonFinite(values));
        foreach (var bad in new[] { double.NaN, double.PositiveInfinity, double.NegativeInfinity })
        {
            for (var at = Math.Max(0, n - 9); at < n; at++)
            {
                var copy = (double[])values.Clone();
                copy[at] = bad;
                if (at > 0)
                {
                    copy[at - 1] = double.MaxValue;
                }

                Assert.Equal(at, LatentKernels.FirstNonFinite(copy));
            }
        }
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Step_kernels_report_a_non_finite_output_anywhere(int n)
    {
        var values = Enumerable.Range(0, n).Select(i => i * 0.25 - 3).ToArray();
        var draws = values.Select(v => (float)v).ToArray();
        var output = new double[n];
        var x0 = new double[n];
        foreach (var bad in new[] { double.NaN, double.PositiveInfinity, double.NegativeInfinity, 1e308 })
        {
            // 1e308 is finite, but 2·1e308 overflows to +∞ in the output.
            for (var at = 0; at < n; at += Math.Max(1, n / 37))
            {
                var copy = (double[])values.Clone();
                copy[at] = bad;
                Assert.False(LatentKernels.Combine(2, copy, 1, values, output));
                Assert.False(LatentKernels.CombineAdd(2, copy, 1, values, 2, draws, output));
                Assert.False(LatentKernels.EpsilonStep(values, copy, 0.5, 1, 1, 2, 0.1, draws, x0, output));
            }
        }
    }

    [Fact]
    public void Mismatched_lengths_are_refused()
    {
        Assert.Throws<ArgumentException>(() => LatentKernels.Combine(1, new double[4], 1, new double[4], new double[5]));
        Assert.Throws<ArgumentException>(() => LatentKernels.ToSingle(new double[4], new float[3]));
    }
}
