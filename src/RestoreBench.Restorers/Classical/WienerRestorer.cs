using System.Numerics;
using RestoreBench.Core.Compute;
using RestoreBench.Core.Imaging;

namespace RestoreBench.Restorers.Classical;

/// <summary>
/// Wiener–Hunt deconvolution of a known Gaussian blur with a Laplacian regulariser, as
/// scikit-image's <c>skimage.restoration.wiener(image, psf, balance, clip=...)</c> (0.19):
/// x̂ = F⁻¹[ conj(Λ_H) / (|Λ_H|² + balance·|Λ_D|²) · F y ], where Λ_H is the DFT of the PSF
/// zero-padded to the image size and rolled so that its centre sits at the origin, and Λ_D the
/// DFT of the 3x3 Laplacian [0 −1 0; −1 4 −1; 0 −1 0] placed the same way, i.e.
/// 4 − 2cos(2πu/H) − 2cos(2πv/W). The blur is treated as circular (periodic boundary). skimage's
/// unitary forward and inverse transforms cancel, so plain DFTs give the same result. With
/// <c>clip</c>, values above 1 become 1 and values below −1 become −1 (skimage's convention; a PNG
/// writer clips to [0, 1] afterwards). Each channel is restored independently.
/// </summary>
public sealed class WienerRestorer : ClassicalRestorer
{
    /// <summary>Default regularisation weight (a compromise for σ = 1 … 3 on 8-bit images).</summary>
    public const double DefaultBalance = 0.05;

    /// <summary>Creates the restorer.</summary>
    /// <param name="psf">The known blur.</param>
    /// <param name="balance">Regularisation weight λ ≥ 0 (skimage <c>balance</c>).</param>
    /// <param name="clip">Clip the result to [−1, 1] as skimage's <c>clip=True</c>.</param>
    /// <param name="threads">Threads (0 = all cores).</param>
    public WienerRestorer(GaussianPsf psf, double balance = DefaultBalance, bool clip = true, int threads = 0)
        : base(threads)
    {
        ArgumentNullException.ThrowIfNull(psf);
        if (!(balance >= 0) || !double.IsFinite(balance))
        {
            throw new ArgumentOutOfRangeException(nameof(balance), balance, "balance must be a finite number >= 0.");
        }

        Psf = psf;
        Balance = balance;
        Clip = clip;
        var name = $"classical:wiener(sigma={SpecParameters.Format(psf.Sigma)},balance={SpecParameters.Format(balance)}"
            + (psf.HasDefaultSize ? "" : $",ksize={psf.Size}") + (clip ? "" : ",clip=false") + ")";
        Info = new RestorerInfo(name, RestorerKind.Classical, 1, 0,
            "Wiener-Hunt deconvolution, Laplacian regulariser, circular boundary (skimage.restoration.wiener)");
    }

    /// <summary>The known blur.</summary>
    public GaussianPsf Psf { get; }

    /// <summary>Regularisation weight λ.</summary>
    public double Balance { get; }

    /// <summary>Whether the result is clipped to [−1, 1].</summary>
    public bool Clip { get; }

    /// <inheritdoc/>
    public override RestorerInfo Info { get; }

    /// <inheritdoc/>
    /// <exception cref="RestorerException">The image is smaller than the PSF (or than 3x3).</exception>
    public override ImageTensor Restore(ImageTensor lowQuality, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lowQuality);
        int h = lowQuality.Height, w = lowQuality.Width;
        var minimum = Math.Max(3, Psf.Size);
        if (h < minimum || w < minimum)
        {
            throw new RestorerException($"wiener: the image ({h}x{w}) is smaller than the {Psf.Size}x{Psf.Size} PSF; it needs at least {minimum}x{minimum} pixels");
        }

        var filter = Filter(h, w);
        var result = new ImageTensor(lowQuality.Channels, h, w);
        var options = Parallelism.Options(Threads);
        var spectrum = new Complex[h * w];
        for (var c = 0; c < lowQuality.Channels; c++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var plane = lowQuality.ReadPlane(c);
            for (var i = 0; i < spectrum.Length; i++)
            {
                spectrum[i] = new Complex(plane[i], 0.0);
            }

            Fourier2D.Forward(spectrum, h, w, Threads);
            Parallel.For(0, h, options, y =>
            {
                var row = spectrum.AsSpan(y * w, w);
                var f = filter.AsSpan(y * w, w);
                for (var x = 0; x < w; x++)
                {
                    row[x] *= f[x];
                }
            });
            Fourier2D.Inverse(spectrum, h, w, Threads);
            var output = result.Plane(c);
            for (var i = 0; i < output.Length; i++)
            {
                var v = spectrum[i].Real;
                output[i] = Clip ? Math.Clamp(v, -1.0, 1.0) : v;
            }
        }

        return result;
    }

    /// <summary>conj(Λ_H) / (|Λ_H|² + λ|Λ_D|²) on the H x W frequency grid (row-major).</summary>
    private Complex[] Filter(int h, int w)
    {
        var hy = TransferFunction(Psf.Kernel1D, h);
        var hx = TransferFunction(Psf.Kernel1D, w);
        var ly = new double[h];
        for (var u = 0; u < h; u++)
        {
            ly[u] = 2.0 - 2.0 * Math.Cos(2.0 * Math.PI * u / h);
        }

        var lx = new double[w];
        for (var v = 0; v < w; v++)
        {
            lx[v] = 2.0 - 2.0 * Math.Cos(2.0 * Math.PI * v / w);
        }

        var filter = new Complex[h * w];
        var balance = Balance;
        Parallel.For(0, h, Parallelism.Options(Threads), u =>
        {
            for (var v = 0; v < w; v++)
            {
                var transfer = hy[u] * hx[v];
                var laplacian = ly[u] + lx[v];
                var denominator = transfer.Real * transfer.Real + transfer.Imaginary * transfer.Imaginary + balance * laplacian * laplacian;
                filter[u * w + v] = Complex.Conjugate(transfer) / denominator;
            }
        });
        return filter;
    }

    /// <summary>DFT of the kernel zero-padded to n and rolled left by floor(size/2) (skimage <c>uft.ir2tf</c>).</summary>
    internal static Complex[] TransferFunction(IReadOnlyList<double> kernel, int n)
    {
        var padded = new Complex[n];
        var half = kernel.Count / 2;
        for (var i = 0; i < kernel.Count; i++)
        {
            var index = ((i - half) % n + n) % n;
            padded[index] += kernel[i];
        }

        var plan = new FftPlan(n);
        plan.Forward(padded, new Complex[plan.WorkspaceLength]);
        return padded;
    }
}
