using RestoreBench.Core.Imaging;
using static RestoreBench.Core.Tests.Imaging.TestFiles;

namespace RestoreBench.Core.Tests.Imaging;

public sealed class ImageFolderTests : IDisposable
{
    private static readonly byte[] Tiny = Png(1, 1, 8, 0, Scanlines([[0]]));
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Folder(string name, params string[] files)
    {
        var folder = Path.Combine(_dir.Path, name);
        Directory.CreateDirectory(folder);
        foreach (var file in files)
        {
            File.WriteAllBytes(Path.Combine(folder, file), Tiny);
        }

        return folder;
    }

    [Fact]
    public void List_keys_images_by_stem_reports_conflicts_and_ignored_files()
    {
        var folder = Folder("mixed", "a.png", "b.jpg", "c.TIFF", "d.bmp", "e.webp", "f.jpeg", "g.tif",
            "dup.png", "dup.JPG", "notes.txt", "README", ".png", "archive.tar.gz", "x.y.png");
        Directory.CreateDirectory(Path.Combine(folder, "sub"));
        File.WriteAllBytes(Path.Combine(folder, "sub", "inner.png"), Tiny);

        var listing = ImageFolder.List(folder);

        Assert.Equal(["a", "b", "c", "d", "e", "f", "g", "x.y"], listing.Images.Keys);
        Assert.Equal(Path.Combine(Path.GetFullPath(folder), "c.TIFF"), listing.Images["c"]);
        var conflict = Assert.Single(listing.Conflicts);
        Assert.Equal("dup", conflict.Stem);
        Assert.Equal(["dup.JPG", "dup.png"], conflict.FileNames);
        Assert.Equal("'dup' is ambiguous: dup.JPG, dup.png share this name stem; none of them is used", conflict.Message);
        Assert.Equal([".png", "README", "archive.tar.gz", "notes.txt"], listing.Ignored);
    }

    [Fact]
    public void Pair_matches_by_stem_not_by_sorted_position()
    {
        // Sorted, restored is [1, 10, 2, extra] and reference is [1, 10, 2b, 3...]: position pairing would mismatch.
        var restored = Folder("restored", "10.png", "2.png", "1.png", "extra.png", "0801x4.png");
        var reference = Folder("reference", "1.png", "10.jpg", "2.bmp", "3.png", "0801.png", "notes.txt");

        var pairing = ImageFolder.Pair(restored, reference);

        Assert.Equal(["1", "10", "2"], pairing.Pairs.Select(p => p.Stem));
        foreach (var pair in pairing.Pairs)
        {
            Assert.Equal(pair.Stem, Path.GetFileNameWithoutExtension(pair.RestoredPath));
            Assert.Equal(pair.Stem, Path.GetFileNameWithoutExtension(pair.ReferencePath));
        }

        Assert.Equal(Path.Combine(Path.GetFullPath(reference), "10.jpg"), pairing.Pairs[1].ReferencePath);
        Assert.Equal(["0801x4.png", "extra.png"], pairing.UnmatchedRestored);
        Assert.Equal(["0801.png", "3.png"], pairing.UnmatchedReference);
        Assert.Equal(["notes.txt"], pairing.Reference.Ignored);
        Assert.False(pairing.IsComplete);
    }

    [Fact]
    public void A_conflicting_stem_is_not_paired_and_is_reported()
    {
        var restored = Folder("r", "a.png", "a.jpg", "b.png");
        var reference = Folder("g", "a.png", "b.png");

        var pairing = ImageFolder.Pair(restored, reference);

        Assert.Equal(["b"], pairing.Pairs.Select(p => p.Stem));
        Assert.Equal("a", Assert.Single(pairing.Restored.Conflicts).Stem);
        Assert.Empty(pairing.UnmatchedRestored);
        Assert.Equal(["a.png"], pairing.UnmatchedReference);
        Assert.False(pairing.IsComplete);
    }

    [Fact]
    public void Complete_pairing_and_case_sensitive_stems()
    {
        Assert.True(ImageFolder.Pair(Folder("r1", "x.png", "y.png"), Folder("g1", "x.png", "y.jpg")).IsComplete);

        var pairing = ImageFolder.Pair(Folder("r2", "Photo.png"), Folder("g2", "photo.png"));
        Assert.Empty(pairing.Pairs);
        Assert.Equal(["Photo.png"], pairing.UnmatchedRestored);
        Assert.Equal(["photo.png"], pairing.UnmatchedReference);
    }

    [Fact]
    public void Empty_folder_lists_nothing()
    {
        var listing = ImageFolder.List(Folder("empty"));
        Assert.Empty(listing.Images);
        Assert.Empty(listing.Conflicts);
        Assert.Empty(listing.Ignored);
    }

    [Fact]
    public void Missing_folder_and_file_given_as_folder_are_one_line_errors()
    {
        var missing = Path.Combine(_dir.Path, "nope");
        Assert.Equal("folder not found", AssertOneLine(Assert.Throws<ImageFileException>(() => ImageFolder.List(missing)), missing).Reason);

        var file = _dir.Write("file.png", Tiny);
        Assert.Equal("is a file, not a folder", AssertOneLine(Assert.Throws<ImageFileException>(() => ImageFolder.Pair(Folder("ok"), file)), file).Reason);
    }
}
