using RestoreBench.Core.Imaging;

namespace RestoreBench.Restorers.Classical;

/// <summary>
/// Base of the classical signal-processing restorers: no learned parameters (parameter count 0),
/// in-process, synchronous, each channel restored independently, row-parallel with results that
/// are bit-identical for any thread count.
/// </summary>
public abstract class ClassicalRestorer : IInProcessRestorer
{
    /// <summary>Sets the thread count (0 = all cores).</summary>
    protected ClassicalRestorer(int threads)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(threads);
        Threads = threads;
    }

    /// <summary>Threads for the row-parallel kernels; 0 means all cores.</summary>
    public int Threads { get; }

    /// <inheritdoc/>
    public abstract RestorerInfo Info { get; }

    /// <inheritdoc/>
    public abstract ImageTensor Restore(ImageTensor lowQuality, CancellationToken cancellationToken = default);

    /// <inheritdoc/>
    public Task<ImageTensor> RestoreAsync(ImageTensor lowQuality, RestoreContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(Restore(lowQuality, cancellationToken));

    /// <summary>Nothing to release.</summary>
    public void Dispose() => GC.SuppressFinalize(this);
}
