using RestoreBench.Core.Randomness;

namespace RestoreBench.Diffusion.Schedulers;

/// <summary>A source of standard normal draws for the samplers' stochastic terms and the start latent.</summary>
public interface IGaussianNoise
{
    /// <summary>Fills <paramref name="destination"/> with independent N(0, 1) draws, in index order.</summary>
    void Fill(Span<double> destination);
}

/// <summary>
/// N(0, 1) draws from a <see cref="SeededRandom"/> by the ziggurat method with 128 layers (Marsaglia
/// and Tsang 2000, in Doornik's 2005 "ZIGNOR" form): each draw takes one 64-bit output, its low 7 bits
/// pick the layer and its top 53 bits give u in [−1, 1); about 98.8 % of draws return u·x_i at once,
/// the rest use the wedge test or the exact tail beyond r = 3.442619855899 (further 53-bit uniforms).
/// About ten times faster than Box–Muller, which matters for DDPM (one latent of draws per step).
/// Deterministic: the same seed gives the same bytes.
/// </summary>
public sealed class SeededGaussianNoise(SeededRandom random) : IGaussianNoise
{
    private const int Layers = 128;
    private const double R = 3.442619855899;
    private const double V = 9.91256303526217e-3;
    private static readonly double[] X = CreateX();
    private static readonly double[] Ratio = CreateRatio();

    /// <inheritdoc />
    public void Fill(Span<double> destination)
    {
        for (var i = 0; i < destination.Length; i++)
        {
            destination[i] = Next();
        }
    }

    /// <summary>One N(0, 1) draw.</summary>
    public double Next()
    {
        while (true)
        {
            var bits = random.NextUInt64();
            var layer = (int)(bits & (Layers - 1));
            var u = 2.0 * ((bits >> 11) * (1.0 / (1UL << 53))) - 1.0;
            if (Math.Abs(u) < Ratio[layer])
            {
                return u * X[layer];
            }

            if (layer == 0)
            {
                return Tail(u < 0);
            }

            var x = u * X[layer];
            var f0 = Math.Exp(-0.5 * (X[layer] * X[layer] - x * x));
            var f1 = Math.Exp(-0.5 * (X[layer + 1] * X[layer + 1] - x * x));
            if (f1 + random.NextDouble() * (f0 - f1) < 1.0)
            {
                return x;
            }
        }
    }

    private double Tail(bool negative)
    {
        double x, y;
        do
        {
            x = Math.Log(OpenUniform()) / R;
            y = Math.Log(OpenUniform());
        }
        while (-2.0 * y < x * x);
        return negative ? x - R : R - x;
    }

    private double OpenUniform()
    {
        double u;
        do
        {
            u = random.NextDouble();
        }
        while (u <= 0);
        return u;
    }

    private static double[] CreateX()
    {
        var x = new double[Layers + 1];
        var f = Math.Exp(-0.5 * R * R);
        x[0] = V / f;
        x[1] = R;
        x[Layers] = 0;
        for (var i = 2; i < Layers; i++)
        {
            x[i] = Math.Sqrt(-2.0 * Math.Log(V / x[i - 1] + f));
            f = Math.Exp(-0.5 * x[i] * x[i]);
        }

        return x;
    }

    private static double[] CreateRatio()
    {
        var ratio = new double[Layers];
        for (var i = 0; i < Layers; i++)
        {
            ratio[i] = X[i + 1] / X[i];
        }

        return ratio;
    }
}
