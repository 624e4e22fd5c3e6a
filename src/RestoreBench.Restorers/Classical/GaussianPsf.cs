using RestoreBench.Degradations.Blur;

namespace RestoreBench.Restorers.Classical;

/// <summary>
/// The known blur of the deblurring baselines: the isotropic Gaussian D(·; δ) of Eq. 1 with
/// standard deviation σ (pixels), size 2·ceil(3σ)+1 unless given, as the separable outer product
/// g gᵀ of the normalised 1-D kernel (<see cref="GaussianKernel.OneDimensional"/>), so it sums to 1.
/// </summary>
public sealed record GaussianPsf
{
    /// <summary>Creates the PSF; <paramref name="size"/> null means 2·ceil(3σ)+1.</summary>
    /// <exception cref="ArgumentOutOfRangeException">σ is not positive, or the size is not a positive odd number.</exception>
    public GaussianPsf(double sigma, int? size = null)
    {
        if (!(sigma > 0) || !double.IsFinite(sigma))
        {
            throw new ArgumentOutOfRangeException(nameof(sigma), sigma, "The PSF sigma must be a positive finite number of pixels.");
        }

        Sigma = sigma;
        Size = size ?? GaussianKernel.DefaultSize(sigma);
        Kernel1D = GaussianKernel.OneDimensional(sigma, Size);
    }

    /// <summary>Standard deviation in pixels.</summary>
    public double Sigma { get; }

    /// <summary>Kernel size (odd).</summary>
    public int Size { get; }

    /// <summary>True when the size is the default 2·ceil(3σ)+1.</summary>
    public bool HasDefaultSize => Size == GaussianKernel.DefaultSize(Sigma);

    /// <summary>The normalised 1-D kernel g (length <see cref="Size"/>, symmetric, sums to 1).</summary>
    public IReadOnlyList<double> Kernel1D { get; }
}
