using RestoreBench.Core.Imaging;

namespace RestoreBench.Restorers.Folder;

/// <summary>
/// Precomputed outputs (e.g. results of a model run elsewhere) in one folder, matched to inputs by
/// file stem (<c>0801.png</c> restores input <c>0801.jpg</c>). The folder is listed once, at
/// construction. A missing output, a stem held by several files, an unreadable file or an output
/// whose size is not the input size times <see cref="RestorerInfo.Scale"/> is a per-image
/// <see cref="RestorerException"/> naming the stem and the folder.
/// </summary>
public sealed class FolderRestorer : IRestorer
{
    /// <summary>The spec prefix used on the command line.</summary>
    public const string Prefix = "folder:";

    private readonly ImageFolderListing _listing;
    private readonly long _maxPixels;

    /// <summary>Lists <paramref name="folder"/>.</summary>
    /// <param name="folder">The folder of precomputed outputs.</param>
    /// <param name="scale">Output/input size ratio the outputs must have (≥ 1).</param>
    /// <param name="maxPixels">Largest output accepted, in pixels (checked before decoding).</param>
    /// <exception cref="ImageFileException">The folder is missing or cannot be listed.</exception>
    public FolderRestorer(string folder, int scale = 1, long maxPixels = ImageFile.DefaultMaxPixels)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        ArgumentOutOfRangeException.ThrowIfLessThan(scale, 1);
        Folder = folder;
        _maxPixels = maxPixels;
        _listing = ImageFolder.List(folder);
        Info = new RestorerInfo(Prefix + folder, RestorerKind.Folder, scale, null, $"precomputed outputs in {folder}, matched by stem");
    }

    /// <summary>The folder.</summary>
    public string Folder { get; }

    /// <summary>The stems with exactly one output file.</summary>
    public IReadOnlyList<string> Stems => [.. _listing.Images.Keys];

    /// <inheritdoc/>
    public RestorerInfo Info { get; }

    /// <inheritdoc/>
    public Task<ImageTensor> RestoreAsync(ImageTensor lowQuality, RestoreContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lowQuality);
        ArgumentNullException.ThrowIfNull(context);
        cancellationToken.ThrowIfCancellationRequested();
        var stem = context.ImageId;
        if (!_listing.Images.TryGetValue(stem, out var path))
        {
            var conflict = _listing.Conflicts.FirstOrDefault(c => c.Stem == stem);
            throw new RestorerException(conflict is not null
                ? $"{stem}: precomputed output in {Folder} is ambiguous: {string.Join(", ", conflict.FileNames)}"
                : $"{stem}: no precomputed output named '{stem}.*' in {Folder}");
        }

        ImageTensor output;
        try
        {
            output = ImageFile.Read(path, _maxPixels).Image;
        }
        catch (ImageFileException e)
        {
            throw new RestorerException($"{stem}: precomputed output cannot be read: {e.Message}", e);
        }

        RestorerOutput.CheckSize(stem, lowQuality, output, Info.Scale, $"the precomputed output {Path.GetFileName(path)}");
        return Task.FromResult(output);
    }

    /// <summary>Nothing to release.</summary>
    public void Dispose()
    {
    }
}
