using RestoreBench.Core.Imaging;
using RestoreBench.Restorers.Folder;

namespace RestoreBench.Restorers.Tests.Folder;

public class FolderRestorerTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "rb-folder-" + Guid.NewGuid().ToString("N"));

    public FolderRestorerTests() => Directory.CreateDirectory(_root);

    public void Dispose()
    {
        Directory.Delete(_root, recursive: true);
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task Outputs_are_matched_by_stem_not_by_position()
    {
        var b = TestImages.Pattern(3, 8, 6, 1);
        ImageFile.WritePng(TestImages.Pattern(3, 8, 6, 0), Path.Combine(_root, "a.png"));
        ImageFile.WritePng(b, Path.Combine(_root, "b.png"));
        using var restorer = new FolderRestorer(_root, scale: 2);
        Assert.Equal(["a", "b"], restorer.Stems);
        var restored = await restorer.RestoreAsync(new ImageTensor(3, 4, 3), new RestoreContext("b"));
        TestImages.AssertBitIdentical(Quantization.ToBitDepth(b, 8), restored, "b");
        Assert.Equal(RestorerKind.Folder, restorer.Info.Kind);
        Assert.Equal("folder:" + _root, restorer.Info.Name);
    }

    [Fact]
    public async Task A_missing_stem_is_a_per_image_error_naming_the_stem_and_folder()
    {
        ImageFile.WritePng(TestImages.Pattern(1, 4, 4), Path.Combine(_root, "a.png"));
        using var restorer = new FolderRestorer(_root);
        var e = await Assert.ThrowsAsync<RestorerException>(() => restorer.RestoreAsync(new ImageTensor(1, 4, 4), new RestoreContext("0801")));
        Assert.Equal($"0801: no precomputed output named '0801.*' in {_root}", e.Message);
    }

    [Fact]
    public async Task Ambiguous_stems_and_wrong_sizes_are_per_image_errors()
    {
        ImageFile.WritePng(TestImages.Pattern(1, 4, 4), Path.Combine(_root, "x.png"));
        ImageFile.WritePng(TestImages.Pattern(1, 4, 4), Path.Combine(_root, "x.bmp.png"));
        File.Copy(Path.Combine(_root, "x.png"), Path.Combine(_root, "x.tif"));
        ImageFile.WritePng(TestImages.Pattern(1, 4, 4), Path.Combine(_root, "y.png"));
        using var restorer = new FolderRestorer(_root, scale: 4);
        var ambiguous = await Assert.ThrowsAsync<RestorerException>(() => restorer.RestoreAsync(new ImageTensor(1, 1, 1), new RestoreContext("x")));
        Assert.Contains("is ambiguous: x.png, x.tif", ambiguous.Message, StringComparison.Ordinal);
        var size = await Assert.ThrowsAsync<RestorerException>(() => restorer.RestoreAsync(new ImageTensor(1, 2, 2), new RestoreContext("y")));
        Assert.Equal("y: the precomputed output y.png is 4x4, expected 8x8 (input 2x2, scale 4)", size.Message);
    }

    [Fact]
    public void A_missing_folder_fails_at_construction() =>
        Assert.Throws<ImageFileException>(() => new FolderRestorer(Path.Combine(_root, "nope")));
}
