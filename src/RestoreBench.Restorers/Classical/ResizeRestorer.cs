using RestoreBench.Core.Imaging;
using RestoreBench.Degradations.Resize;

namespace RestoreBench.Restorers.Classical;

/// <summary>
/// Interpolation upsampling by an integer scale with MATLAB <c>imresize(lq, scale, kernel)</c>
/// conventions (<see cref="Resizer"/>): output ceil(H·s) x ceil(W·s), symmetric borders, float64,
/// no clipping (bicubic and Lanczos overshoot slightly; writing a PNG clips to [0, 1]).
/// The paper's SR2 / SR4 "bicubic" baseline.
/// </summary>
public sealed class ResizeRestorer : ClassicalRestorer
{
    /// <summary>Creates an upsampler.</summary>
    /// <param name="kernel"><see cref="ResizeKernel.Bicubic"/> or <see cref="ResizeKernel.Lanczos3"/> (any MATLAB kernel works).</param>
    /// <param name="scale">Integer upsampling factor, 1–16.</param>
    /// <param name="threads">Threads (0 = all cores).</param>
    public ResizeRestorer(ResizeKernel kernel, int scale, int threads = 0)
        : base(threads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(scale, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(scale, 16);
        Kernel = kernel;
        Scale = scale;
        var name = ResizeKernels.Name(kernel);
        Info = new RestorerInfo($"classical:{name}(scale={scale})", RestorerKind.Classical, scale, 0,
            $"MATLAB imresize {name} upsampling x{scale}");
    }

    /// <summary>Interpolation kernel.</summary>
    public ResizeKernel Kernel { get; }

    /// <summary>Upsampling factor.</summary>
    public int Scale { get; }

    /// <inheritdoc/>
    public override RestorerInfo Info { get; }

    /// <inheritdoc/>
    public override ImageTensor Restore(ImageTensor lowQuality, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lowQuality);
        cancellationToken.ThrowIfCancellationRequested();
        return Resizer.Resize(lowQuality, Scale, Kernel, antialias: true, Threads);
    }
}
