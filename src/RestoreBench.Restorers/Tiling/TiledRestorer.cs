using RestoreBench.Core.Imaging;

namespace RestoreBench.Restorers.Tiling;

/// <summary>
/// Runs an in-process restorer tile by tile (<see cref="Tiler"/>): same name, kind, scale and
/// parameter count as the inner restorer, with the tiling noted in the description. Disposing it
/// disposes the inner restorer.
/// </summary>
public sealed class TiledRestorer : IInProcessRestorer
{
    private readonly IInProcessRestorer _inner;
    private readonly int _threads;

    /// <summary>Wraps <paramref name="inner"/>.</summary>
    /// <param name="inner">The restorer run on each tile.</param>
    /// <param name="options">Tile size, overlap, padding.</param>
    /// <param name="threads">Threads for blending (0 = all cores).</param>
    public TiledRestorer(IInProcessRestorer inner, TileOptions options, int threads = 0)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegative(threads);
        _inner = inner;
        _threads = threads;
        Options = options;
        var i = inner.Info;
        Info = i with { Description = $"{i.Description}; tiles {options.TileSize} px, overlap {options.Overlap} px, feathered" };
    }

    /// <summary>The tiling.</summary>
    public TileOptions Options { get; }

    /// <inheritdoc/>
    public RestorerInfo Info { get; }

    /// <summary>True when the inner restorer needs RGB input (the output then has 3 channels).</summary>
    public bool RgbOnly => _inner.RgbOnly;

    /// <inheritdoc/>
    public ImageTensor Restore(ImageTensor lowQuality, CancellationToken cancellationToken = default) =>
        Tiler.Apply(_inner.RgbOnly ? lowQuality.ToRgb() : lowQuality, _inner.Info.Scale, Options, tile => _inner.Restore(tile, cancellationToken), _threads, cancellationToken);

    /// <summary>
    /// Restores tile by tile and hands the output to <paramref name="rows"/> in bands of finished rows,
    /// top to bottom, without assembling the whole image (see <see cref="Tiler.ApplyRows"/>); the bands
    /// equal the rows of <see cref="Restore"/>'s result; a band tensor is reused for the next band. For images too large to hold at full output size.
    /// </summary>
    /// <param name="lowQuality">The input (converted to RGB first when the inner restorer needs it).</param>
    /// <param name="rows">Receives each band and the output row of its first row.</param>
    /// <param name="cancellationToken">Checked between tiles.</param>
    public void RestoreRows(ImageTensor lowQuality, Action<ImageTensor, int> rows, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lowQuality);
        Tiler.ApplyRows(_inner.RgbOnly ? lowQuality.ToRgb() : lowQuality, _inner.Info.Scale, Options, tile => _inner.Restore(tile, cancellationToken), rows, _threads, cancellationToken);
    }

    /// <inheritdoc/>
    public Task<ImageTensor> RestoreAsync(ImageTensor lowQuality, RestoreContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var output = Restore(lowQuality, cancellationToken);
        RestorerOutput.CheckFinite(context.ImageId, output);
        return Task.FromResult(output);
    }

    /// <inheritdoc/>
    public void Dispose() => _inner.Dispose();
}
