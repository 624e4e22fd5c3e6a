using System.Runtime.Versioning;
using NetVips;
using RestoreBench.Core.Imaging;
using static RestoreBench.Core.Tests.Imaging.TestFiles;

namespace RestoreBench.Core.Tests.Imaging;

/// <summary>Each bad input fails with an <see cref="ImageFileException"/> whose message is one line: path, then reason.</summary>
public sealed class BadInputTests : IDisposable
{
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Saved(string name, Action<Image, string> save, int width = 300, int height = 200)
    {
        var path = _dir.File(name);
        using var im = Vips8(Pattern8(width, height, 3), width, height, 3, Enums.Interpretation.Srgb);
        save(im, path);
        return path;
    }

    private static ImageFileException ReadFails(string path) =>
        AssertOneLine(Assert.Throws<ImageFileException>(() => ImageFile.Read(path)), path);

    [Theory]
    [InlineData(0.02)]
    [InlineData(0.5)]
    [InlineData(0.9)]
    public void Truncated_png(double keep)
    {
        var whole = File.ReadAllBytes(Saved("whole.png", (im, p) => im.Pngsave(p)));
        var path = _dir.Write("cut.png", whole[..(int)(whole.Length * keep)]);
        var e = ReadFails(path);
        Assert.StartsWith("cannot decode PNG: ", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Truncated_jpeg_is_an_error_because_of_the_fail_on_setting()
    {
        var whole = File.ReadAllBytes(Saved("whole.jpg", (im, p) => im.Jpegsave(p)));
        var path = _dir.Write("cut.jpg", whole[..(whole.Length / 2)]);

        // The test is meaningful: with libvips' default fail-on level the same file decodes "fine" (gray fill).
        using (var lenient = Image.Jpegload(path, access: Enums.Access.Sequential, revalidate: true))
        {
            Assert.Equal(300 * 200 * 3, lenient.WriteToMemory<byte>().Length);
        }

        var e = ReadFails(path);
        Assert.Equal("cannot decode JPEG: VipsJpeg: premature end of JPEG image", e.Reason);
    }

    [Fact]
    public void Jpeg_with_corrupt_entropy_data_is_an_error()
    {
        var bytes = File.ReadAllBytes(Saved("whole.jpg", (im, p) => im.Jpegsave(p)));
        for (var i = bytes.Length / 2; i < bytes.Length / 2 + 40; i++)
        {
            bytes[i] = 0xFF;
        }

        var e = ReadFails(_dir.Write("corrupt.jpg", bytes));
        Assert.StartsWith("cannot decode JPEG: ", e.Reason, StringComparison.Ordinal);
        Assert.Contains("Corrupt JPEG data", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Truncated_tiff_and_webp()
    {
        foreach (var (name, save) in new (string, Action<Image, string>)[]
        {
            ("whole.tif", (im, p) => im.Tiffsave(p)),
            ("whole.webp", (im, p) => im.Webpsave(p, lossless: true)),
        })
        {
            var whole = File.ReadAllBytes(Saved(name, save));
            var path = _dir.Write("cut-" + name, whole[..(whole.Length / 2)]);
            var e = ReadFails(path);
            Assert.StartsWith("cannot decode ", e.Reason, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Zero_byte_file()
    {
        var path = _dir.Write("empty.png", []);
        Assert.Equal("empty file (0 bytes)", ReadFails(path).Reason);
    }

    [Fact]
    public void Text_file_named_png()
    {
        var path = _dir.Write("notes.png", "this is not an image\nsecond line\n"u8.ToArray());
        Assert.Equal(
            "the content is not a PNG, JPEG, BMP, TIFF or WebP image (no known signature in the first bytes)",
            ReadFails(path).Reason);
    }

    [Fact]
    public void Gif_content_named_png_is_named_as_gif()
    {
        var path = _dir.Write("anim.png", [.. "GIF89a"u8, 1, 0, 1, 0, 0, 0, 0, (byte)';']);
        Assert.Equal("the content is a GIF image, which is not supported", ReadFails(path).Reason);
    }

    [Theory]
    [InlineData("picture.gif")]
    [InlineData("notes.txt")]
    [InlineData("noextension")]
    public void Unsupported_extension_is_refused_before_reading(string name)
    {
        var path = _dir.Write(name, Png(1, 1, 8, 0, Scanlines([[0]])));
        var e = ReadFails(path);
        Assert.StartsWith("unsupported format ", e.Reason, StringComparison.Ordinal);
        Assert.Contains("(accepted: .bmp, .jpeg, .jpg, .png, .tif, .tiff, .webp)", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_file_and_folder_path()
    {
        Assert.Equal("file not found", ReadFails(_dir.File("absent.png")).Reason);
        var folder = _dir.File("folder.png");
        Directory.CreateDirectory(folder);
        Assert.Equal("is a folder, not an image file", ReadFails(folder).Reason);
    }

    [UnreadableFileFact]
    [UnsupportedOSPlatform("windows")]
    public void File_without_read_permission()
    {
        var path = _dir.Write("locked.png", Png(1, 1, 8, 0, Scanlines([[0]])));
        File.SetUnixFileMode(path, UnixFileMode.None);
        var e = ReadFails(path);
        Assert.StartsWith("cannot open the file for reading: ", e.Reason, StringComparison.Ordinal);
    }

    /// <summary>
    /// A file that exists and opens but whose read fails with an I/O error, even for root: a link to
    /// /proc/self/mem, whose offset 0 is unmapped (EIO).
    /// </summary>
    [ProcSelfMemFact]
    public void File_whose_read_fails_with_an_io_error()
    {
        var path = _dir.File("io-error.png");
        File.CreateSymbolicLink(path, "/proc/self/mem");
        var e = ReadFails(path);
        Assert.StartsWith("cannot read the file: ", e.Reason, StringComparison.Ordinal);
        Assert.Contains("Input/output error", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_under_a_missing_folder()
    {
        var path = Path.Combine(_dir.Path, "missing", "out.png");
        var e = AssertOneLine(Assert.Throws<ImageFileException>(() => ImageFile.WritePng(new ImageTensor(1, 2, 2), path)), path);
        Assert.Equal($"cannot write PNG: the folder '{Path.Combine(_dir.Path, "missing")}' does not exist", e.Reason);
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void Write_to_a_folder_path()
    {
        var path = _dir.File("out.png");
        Directory.CreateDirectory(path);
        var e = AssertOneLine(Assert.Throws<ImageFileException>(() => ImageFile.WritePng(new ImageTensor(3, 2, 2), path)), path);
        Assert.Equal("cannot write PNG: the path is a folder", e.Reason);
    }

    [UnreadableFileFact]
    [UnsupportedOSPlatform("windows")]
    public void Write_into_a_read_only_folder()
    {
        var folder = _dir.File("readonly");
        Directory.CreateDirectory(folder);
        File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        var path = Path.Combine(folder, "out.png");
        var e = AssertOneLine(Assert.Throws<ImageFileException>(() => ImageFile.WritePng(new ImageTensor(1, 2, 2), path)), path);
        Assert.StartsWith("cannot write PNG: ", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_argument_errors()
    {
        var path = _dir.File("x.png");
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageFile.WritePng(new ImageTensor(1, 2, 2), path, bitDepth: 12));
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageFile.WritePng(new ImageTensor(1, 2, 2), path, rounding: (RoundingMode)7));
        var nan = new ImageTensor(3, 2, 2);
        nan.Data[7] = double.NaN;
        var e = Assert.Throws<ArgumentException>(() => ImageFile.WritePng(nan, path));
        Assert.Contains("channel 1, row 1, column 1 is NaN", e.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void Multi_line_reasons_become_one_line()
    {
        var e = new ImageFileException("a.png", "first\nsecond\r\n\nthird");
        Assert.Equal("a.png: first; second; third", e.Message);
        Assert.Equal("first; second; third", e.Reason);
    }
}

/// <summary>
/// A fact that needs file permissions to be enforced. Skipped, with a message, when this process can read
/// a mode-000 file anyway (root, or a file system without permissions), since the failure cannot be produced.
/// </summary>
internal sealed class UnreadableFileFactAttribute : FactAttribute
{
    private static readonly Lazy<bool> Enforced = new(Probe);

    public UnreadableFileFactAttribute()
    {
        if (!Enforced.Value)
        {
            Skip = "file permissions are not enforced for this user (running as root?): a mode-000 file is still readable, so this failure cannot be produced here.";
        }
    }

    private static bool Probe()
    {
        if (OperatingSystem.IsWindows())
        {
            return false;
        }

        var path = Path.Combine(Path.GetTempPath(), "rb-perm-probe-" + Guid.NewGuid().ToString("N"));
        File.WriteAllBytes(path, [1]);
        try
        {
            File.SetUnixFileMode(path, UnixFileMode.None);
            using var stream = File.OpenRead(path);
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return true;
        }
        finally
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            File.Delete(path);
        }
    }
}

/// <summary>A fact that needs Linux's /proc/self/mem; skipped with a message elsewhere.</summary>
internal sealed class ProcSelfMemFactAttribute : FactAttribute
{
    public ProcSelfMemFactAttribute()
    {
        if (!OperatingSystem.IsLinux() || !File.Exists("/proc/self/mem"))
        {
            Skip = "needs Linux /proc/self/mem to produce a read that fails with an I/O error.";
        }
    }
}
