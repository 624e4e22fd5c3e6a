using RestoreBench.Core.Randomness;

namespace RestoreBench.Diffusion.Schedulers;

/// <summary>A source of standard normal draws for the samplers' stochastic terms and the start latent.</summary>
public interface IGaussianNoise
{
    /// <summary>Fills <paramref name="destination"/> with independent N(0, 1) draws, in index order.</summary>
    void Fill(Span<double> destination);
}

/// <summary>
/// N(0, 1) draws from a <see cref="SeededRandom"/> (Box–Muller, one value per draw), so a run is
/// reproducible bit for bit from its seed: the same seed gives the same bytes.
/// </summary>
public sealed class SeededGaussianNoise(SeededRandom random) : IGaussianNoise
{
    /// <inheritdoc />
    public void Fill(Span<double> destination)
    {
        for (var i = 0; i < destination.Length; i++)
        {
            destination[i] = random.NextGaussian();
        }
    }
}
