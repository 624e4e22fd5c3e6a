namespace RestoreBench.Diffusion.Schedulers;

/// <summary>A source of standard normal draws for the samplers' stochastic terms and the start latent.</summary>
public interface IGaussianNoise
{
    /// <summary>
    /// Fills <paramref name="destination"/> with independent N(0, 1) draws in float32 (the precision of
    /// PyTorch's <c>randn</c>), in index order.
    /// </summary>
    void Fill(Span<float> destination);

    /// <summary>The same draws widened exactly to float64 (the start latent). By default one <see cref="Fill(Span{float})"/> call into a temporary buffer.</summary>
    void Fill(Span<double> destination)
    {
        var draws = new float[destination.Length];
        Fill(draws);
        LatentKernels.ToDouble(draws, destination);
    }
}
