namespace RestoreBench.Core.Imaging;

/// <summary>Several supported image files in one folder with the same stem (e.g. <c>0801.png</c> and <c>0801.jpg</c>).</summary>
/// <param name="Stem">The shared file name without extension.</param>
/// <param name="FileNames">The clashing file names, sorted (ordinal).</param>
public sealed record StemConflict(string Stem, IReadOnlyList<string> FileNames)
{
    /// <summary>One line for a report: which files clash; none of them is used.</summary>
    public string Message => $"'{Stem}' is ambiguous: {string.Join(", ", FileNames)} share this name stem; none of them is used";
}

/// <summary>The supported images of one folder (not recursive), keyed by file stem.</summary>
/// <param name="Folder">The folder, as given.</param>
/// <param name="Images">Stem → full path, enumerated in ordinal stem order. Stems are case-sensitive.</param>
/// <param name="Conflicts">Stems held by more than one supported file; these stems are absent from <paramref name="Images"/>.</param>
/// <param name="Ignored">File names without a supported image extension (so that a caller can list them), sorted (ordinal).</param>
public sealed record ImageFolderListing(
    string Folder,
    IReadOnlyDictionary<string, string> Images,
    IReadOnlyList<StemConflict> Conflicts,
    IReadOnlyList<string> Ignored);

/// <summary>A restored image and its reference, matched by file stem.</summary>
/// <param name="Stem">The common file name without extension.</param>
/// <param name="RestoredPath">Full path of the restored image.</param>
/// <param name="ReferencePath">Full path of the reference image.</param>
public sealed record ImagePair(string Stem, string RestoredPath, string ReferencePath);

/// <summary>The result of pairing two folders by file stem.</summary>
/// <param name="Pairs">Matched pairs, in ordinal stem order.</param>
/// <param name="UnmatchedRestored">File names in the restored folder with no reference of the same stem, sorted.</param>
/// <param name="UnmatchedReference">File names in the reference folder with no restored image of the same stem, sorted.</param>
/// <param name="Restored">The restored folder's listing (its conflicts and ignored files).</param>
/// <param name="Reference">The reference folder's listing (its conflicts and ignored files).</param>
public sealed record ImagePairing(
    IReadOnlyList<ImagePair> Pairs,
    IReadOnlyList<string> UnmatchedRestored,
    IReadOnlyList<string> UnmatchedReference,
    ImageFolderListing Restored,
    ImageFolderListing Reference)
{
    /// <summary>True when every image on both sides is paired and neither folder has a stem conflict.</summary>
    public bool IsComplete =>
        UnmatchedRestored.Count == 0 && UnmatchedReference.Count == 0 && Restored.Conflicts.Count == 0 && Reference.Conflicts.Count == 0;
}

/// <summary>
/// Lists image folders and pairs restored images with references by file stem (never by sorted
/// position). Stems compare ordinally (case-sensitive); extensions case-insensitively, as
/// <see cref="ImageFile.SupportedExtensions"/>. Sub-folders are not searched and not reported.
/// </summary>
public static class ImageFolder
{
    /// <summary>
    /// Lists the supported image files directly in <paramref name="folder"/>. A stem held by several
    /// supported files is reported in <see cref="ImageFolderListing.Conflicts"/> (not thrown); other
    /// files are reported in <see cref="ImageFolderListing.Ignored"/>.
    /// </summary>
    /// <exception cref="ImageFileException">The folder is missing, is a file, or cannot be listed.</exception>
    public static ImageFolderListing List(string folder)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        if (File.Exists(folder))
        {
            throw new ImageFileException(folder, "is a file, not a folder");
        }

        if (!Directory.Exists(folder))
        {
            throw new ImageFileException(folder, "folder not found");
        }

        string[] files;
        try
        {
            files = Directory.GetFiles(folder);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ImageFileException(folder, "cannot list the folder: " + e.Message, e);
        }

        Array.Sort(files, StringComparer.Ordinal);
        var byStem = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        var ignored = new List<string>();
        foreach (var file in files)
        {
            var name = Path.GetFileName(file);
            var stem = Path.GetFileNameWithoutExtension(file);
            if (!ImageFile.IsSupported(file) || stem.Length == 0)
            {
                ignored.Add(name);
                continue;
            }

            if (!byStem.TryGetValue(stem, out var list))
            {
                byStem[stem] = list = [];
            }

            list.Add(Path.GetFullPath(file));
        }

        var images = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var conflicts = new List<StemConflict>();
        foreach (var (stem, paths) in byStem)
        {
            if (paths.Count == 1)
            {
                images[stem] = paths[0];
            }
            else
            {
                conflicts.Add(new StemConflict(stem, paths.ConvertAll(p => Path.GetFileName(p))));
            }
        }

        return new ImageFolderListing(folder, images, conflicts, ignored);
    }

    /// <summary>
    /// Pairs the images of <paramref name="restoredFolder"/> with those of <paramref name="referenceFolder"/>
    /// by file stem (<c>x.png</c> pairs with <c>x.jpg</c>). Unmatched files are returned by name on both
    /// sides; stems in conflict on either side are not paired (see the listings' conflicts).
    /// </summary>
    /// <exception cref="ImageFileException">A folder is missing, is a file, or cannot be listed.</exception>
    public static ImagePairing Pair(string restoredFolder, string referenceFolder)
    {
        var restored = List(restoredFolder);
        var reference = List(referenceFolder);
        var pairs = new List<ImagePair>();
        var unmatchedRestored = new List<string>();
        foreach (var (stem, path) in restored.Images)
        {
            if (reference.Images.TryGetValue(stem, out var referencePath))
            {
                pairs.Add(new ImagePair(stem, path, referencePath));
            }
            else
            {
                unmatchedRestored.Add(Path.GetFileName(path));
            }
        }

        var unmatchedReference = new List<string>();
        foreach (var (stem, path) in reference.Images)
        {
            if (!restored.Images.ContainsKey(stem))
            {
                unmatchedReference.Add(Path.GetFileName(path));
            }
        }

        unmatchedRestored.Sort(StringComparer.Ordinal);
        unmatchedReference.Sort(StringComparer.Ordinal);
        return new ImagePairing(pairs, unmatchedRestored, unmatchedReference, restored, reference);
    }
}
