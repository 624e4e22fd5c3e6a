using RestoreBench.Core.Randomness;

namespace RestoreBench.Degradations.Noise;

/// <summary>Poisson draws from a <see cref="SeededRandom"/>.</summary>
internal static class PoissonSampler
{
    /// <summary>
    /// One draw with mean <paramref name="lambda"/>: multiplication of uniforms below 30,
    /// Hörmann's PTRS transformed rejection (1993) from 30.
    /// </summary>
    public static int Next(SeededRandom random, double lambda)
    {
        if (lambda <= 0)
        {
            return 0;
        }

        if (lambda < 30)
        {
            var limit = Math.Exp(-lambda);
            var k = 0;
            var product = random.NextDouble();
            while (product > limit)
            {
                k++;
                product *= random.NextDouble();
            }

            return k;
        }

        var sqrtLambda = Math.Sqrt(lambda);
        var logLambda = Math.Log(lambda);
        var b = 0.931 + 2.53 * sqrtLambda;
        var a = -0.059 + 0.02483 * b;
        var invAlpha = 1.1239 + 1.1328 / (b - 3.4);
        var vr = 0.9277 - 3.6224 / (b - 2);
        while (true)
        {
            var u = random.NextDouble() - 0.5;
            var v = random.NextDouble();
            var us = 0.5 - Math.Abs(u);
            var k = Math.Floor((2 * a / us + b) * u + lambda + 0.43);
            if (us >= 0.07 && v <= vr)
            {
                return (int)k;
            }

            if (k < 0 || (us < 0.013 && v > us))
            {
                continue;
            }

            if (Math.Log(v) + Math.Log(invAlpha) - Math.Log(a / (us * us) + b) <= -lambda + k * logLambda - LogFactorial(k))
            {
                return (int)k;
            }
        }
    }

    /// <summary>ln(k!) exactly summed below 20, Stirling series (error below 1e-14) from 20.</summary>
    private static double LogFactorial(double k)
    {
        if (k < 20)
        {
            var sum = 0.0;
            for (var i = 2; i <= k; i++)
            {
                sum += Math.Log(i);
            }

            return sum;
        }

        var inv = 1.0 / k;
        var inv2 = inv * inv;
        return k * Math.Log(k) - k + 0.5 * Math.Log(2 * Math.PI * k) + inv * (1.0 / 12 - inv2 * (1.0 / 360 - inv2 / 1260));
    }
}
