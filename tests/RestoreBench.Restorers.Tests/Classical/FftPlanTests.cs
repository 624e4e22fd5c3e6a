using System.Numerics;
using RestoreBench.Restorers.Classical;

namespace RestoreBench.Restorers.Tests.Classical;

public class FftPlanTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(7)]
    [InlineData(12)]
    [InlineData(16)]
    [InlineData(29)]
    [InlineData(31)]
    [InlineData(37)]
    [InlineData(97)]
    [InlineData(100)]
    [InlineData(128)]
    [InlineData(144)]
    [InlineData(210)]
    [InlineData(288)]
    [InlineData(289)]
    [InlineData(1000)]
    [InlineData(1009)]
    public void Forward_and_inverse_match_the_direct_dft(int n)
    {
        var x = Signal(n);
        var expected = Dft(x, -1);
        var plan = new FftPlan(n);
        var data = (Complex[])x.Clone();
        plan.Forward(data, new Complex[plan.WorkspaceLength]);
        var scale = Math.Sqrt(n);
        for (var k = 0; k < n; k++)
        {
            Assert.True(Complex.Abs(data[k] - expected[k]) < 1e-12 * scale * 4, $"n={n} k={k}: {data[k]} vs {expected[k]}");
        }

        plan.Inverse(data, new Complex[plan.WorkspaceLength]);
        for (var j = 0; j < n; j++)
        {
            Assert.True(Complex.Abs(data[j] / n - x[j]) < 1e-13 * scale, $"n={n} j={j}: round trip {data[j] / n} vs {x[j]}");
        }
    }

    [Fact]
    public void Large_prime_factors_use_bluestein_and_small_ones_do_not()
    {
        Assert.False(new FftPlan(288).UsesBluestein);
        Assert.False(new FftPlan(31 * 29).UsesBluestein);
        Assert.True(new FftPlan(37).UsesBluestein);
        Assert.True(new FftPlan(2 * 1009).UsesBluestein);
    }

    [Fact]
    public void Two_dimensional_transform_matches_row_and_column_dfts_and_is_thread_independent()
    {
        const int h = 12, w = 37;
        var x = Signal(h * w);
        var a = (Complex[])x.Clone();
        Fourier2D.Forward(a, h, w, threads: 1);
        var b = (Complex[])x.Clone();
        Fourier2D.Forward(b, h, w, threads: 3);
        Assert.Equal(a, b);

        // Direct 2-D DFT at a few frequencies.
        foreach (var (u, v) in new[] { (0, 0), (1, 2), (5, 36), (11, 17) })
        {
            var sum = Complex.Zero;
            for (var y = 0; y < h; y++)
            {
                for (var xx = 0; xx < w; xx++)
                {
                    sum += x[y * w + xx] * Complex.FromPolarCoordinates(1, -2 * Math.PI * ((double)u * y / h + (double)v * xx / w));
                }
            }

            Assert.True(Complex.Abs(sum - a[u * w + v]) < 1e-11, $"({u},{v})");
        }

        Fourier2D.Inverse(a, h, w);
        for (var i = 0; i < x.Length; i++)
        {
            Assert.True(Complex.Abs(a[i] - x[i]) < 1e-13);
        }
    }

    private static Complex[] Signal(int n)
    {
        var x = new Complex[n];
        for (var i = 0; i < n; i++)
        {
            x[i] = new Complex(Math.Sin(0.37 * i * i + 1) + 0.25, Math.Cos(1.3 * i) - 0.5);
        }

        return x;
    }

    private static Complex[] Dft(Complex[] x, int sign)
    {
        var n = x.Length;
        var result = new Complex[n];
        for (var k = 0; k < n; k++)
        {
            var sum = Complex.Zero;
            for (var j = 0; j < n; j++)
            {
                var phase = (long)j * k % n;
                sum += x[j] * Complex.FromPolarCoordinates(1, sign * 2 * Math.PI * phase / n);
            }

            result[k] = sum;
        }

        return result;
    }
}
