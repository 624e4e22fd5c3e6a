namespace RestoreBench.Diffusion.Schedulers;

/// <summary>A source of standard normal draws for the samplers' stochastic terms and the start latent.</summary>
public interface IGaussianNoise
{
    /// <summary>Fills <paramref name="destination"/> with independent N(0, 1) draws, in index order.</summary>
    void Fill(Span<double> destination);
}
