using System.Diagnostics;
using NetVips;
using RestoreBench.Core.Imaging;
using static RestoreBench.Core.Tests.Imaging.TestFiles;

namespace RestoreBench.Core.Tests.Imaging;

/// <summary>Images above the pixel limit are refused from the header, before any pixel is decoded.</summary>
public sealed class PixelLimitTests : IDisposable
{
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void The_hand_written_png_builder_makes_valid_files()
    {
        // Guards the hostile-header test below: the same builder (CRCs, zlib) yields a readable image.
        var path = _dir.Write("small.png", Png(3, 2, 8, 2, Scanlines([[1, 2, 3, 4, 5, 6, 7, 8, 9], [10, 11, 12, 13, 14, 15, 16, 17, 18]])));
        var loaded = ImageFile.Read(path);
        Assert.Empty(loaded.Warnings);
        AssertPlanes(loaded.Image, Enumerable.Range(1, 18).Select(i => (byte)i).ToArray(), 3, 3);
    }

    [Fact]
    public void Hostile_png_header_claiming_100000x100000_fails_fast_without_allocating()
    {
        // A 100-byte file whose IHDR claims 10^10 RGB pixels (30 GB decoded, 240 GB as float64).
        var bytes = Png(100_000, 100_000, 8, 2, new byte[64]);
        Assert.True(bytes.Length < 200);
        var path = _dir.Write("bomb.png", bytes);

        ImageFile.Read(_dir.Write("warmup.png", Png(1, 1, 8, 0, Scanlines([[7]])))); // load libvips outside the measurement
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        var e = Assert.Throws<ImageFileException>(() => ImageFile.Read(path));
        clock.Stop();
        allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;

        AssertOneLine(e, path);
        Assert.Contains("100000x100000 = 10,000,000,000 pixels exceeds the limit of 250,000,000 pixels", e.Reason, StringComparison.Ordinal);
        Assert.True(allocated < 1_000_000, $"{allocated:N0} managed bytes allocated while refusing the file");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"refusing took {clock.Elapsed}");
    }

    [Fact]
    public void Raising_the_limit_still_refuses_what_cannot_fit_in_memory()
    {
        var path = _dir.Write("bomb.png", Png(100_000, 100_000, 8, 2, new byte[64]));
        var e = Assert.Throws<ImageFileException>(() => ImageFile.Read(path, maxPixels: long.MaxValue));
        AssertOneLine(e, path);
        Assert.Contains("too large for one in-memory image", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Hostile_bmp_header_is_refused_before_the_pixel_array_exists()
    {
        // Header only: 100000 x 100000 at 24 bits, no pixel data at all.
        var header = Bmp(100_000, 100_000, 24, [], pixelBytesToKeep: 0);
        var path = _dir.Write("bomb.bmp", header);
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<ImageFileException>(() => ImageFile.Read(path));
        allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
        AssertOneLine(e, path);
        Assert.Contains("exceeds the limit", e.Reason, StringComparison.Ordinal);
        Assert.True(allocated < 1_000_000, $"{allocated:N0} managed bytes allocated while refusing the file");
    }

    [Fact]
    public void The_limit_is_configurable_and_inclusive()
    {
        var path = _dir.File("20x10.png");
        using (var im = Vips8(Pattern8(20, 10, 3), 20, 10, 3, Enums.Interpretation.Srgb))
        {
            im.Pngsave(path);
        }

        Assert.Equal(10, ImageFile.Read(path, maxPixels: 200).Image.Height);
        var e = Assert.Throws<ImageFileException>(() => ImageFile.Read(path, maxPixels: 199));
        Assert.Contains("20x10 = 200 pixels exceeds the limit of 199 pixels", e.Reason, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageFile.Read(path, maxPixels: 0));
    }
}
