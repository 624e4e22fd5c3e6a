namespace RestoreBench.Diffusion.Schedulers;

/// <summary>
/// Converts a denoiser output into the predicted clean latent ẑ_0 and noise ε̂ at ᾱ_t, from
/// z_t = √ᾱ_t·z_0 + √(1 − ᾱ_t)·ε (paper Eq. 8):
/// ε-prediction ẑ_0 = (z_t − √(1−ᾱ_t)·ε̂)/√ᾱ_t (computed as a product with 1/√ᾱ_t); v-prediction ẑ_0 = √ᾱ_t·z_t − √(1−ᾱ_t)·v̂,
/// ε̂ = √ᾱ_t·v̂ + √(1−ᾱ_t)·z_t; x0-prediction ε̂ = (z_t − √ᾱ_t·ẑ_0)/√(1−ᾱ_t) (also a product with the reciprocal).
/// </summary>
public static class Predictions
{
    /// <summary>ẑ_0 and ε̂ for every element (outputs may be empty to skip one of them).</summary>
    /// <exception cref="ArgumentException">ε-prediction at ᾱ_t = 0, or x0-prediction at ᾱ_t = 1 (undefined).</exception>
    public static void Convert(PredictionType type, double alphaCumprod, ReadOnlySpan<double> output, ReadOnlySpan<double> sample, Span<double> x0, Span<double> epsilon)
    {
        var a = Math.Sqrt(alphaCumprod);
        var b = Math.Sqrt(1.0 - alphaCumprod);
        bool wantX0 = !x0.IsEmpty, wantEps = !epsilon.IsEmpty;
        switch (type)
        {
            case PredictionType.Epsilon:
                if (a == 0 && wantX0)
                {
                    throw new ArgumentException("ε-prediction cannot give z_0 at ᾱ_t = 0 (zero terminal SNR needs v or x0 prediction)");
                }

                if (wantX0)
                {
                    LatentKernels.ScaledDifference(sample, b, output, 1.0 / a, x0);
                }

                if (wantEps)
                {
                    output.CopyTo(epsilon);
                }

                break;
            case PredictionType.V:
                if (wantX0)
                {
                    LatentKernels.Combine(a, sample, -b, output, x0);
                }

                if (wantEps)
                {
                    LatentKernels.Combine(a, output, b, sample, epsilon);
                }

                break;
            case PredictionType.Sample:
                if (b == 0 && wantEps)
                {
                    throw new ArgumentException("x0-prediction cannot give ε at ᾱ_t = 1");
                }

                if (wantX0)
                {
                    output.CopyTo(x0);
                }

                if (wantEps)
                {
                    LatentKernels.ScaledDifference(sample, a, output, 1.0 / b, epsilon);
                }

                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(type), type, "Accepted prediction types: epsilon, v, x0.");
        }
    }
}
