using RestoreBench.Core.Imaging;

namespace RestoreBench.Core.Tests.Imaging;

public sealed class PngRowWriterTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("rb-pngrows-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData(3, 8)]
    [InlineData(3, 16)]
    [InlineData(1, 8)]
    [InlineData(1, 16)]
    public void Bands_give_the_same_file_bytes_as_WritePng_of_the_whole_image(int channels, int bitDepth)
    {
        const int H = 23, W = 17;
        var image = new ImageTensor(channels, H, W);
        var d = image.Data;
        for (var i = 0; i < d.Length; i++)
        {
            // Includes out-of-range values (clipped) and exact halves (rounding mode).
            d[i] = (i * 7919 % 1031) / 1000.0 - 0.01;
        }

        var whole = Path.Combine(_dir, "whole.png");
        var banded = Path.Combine(_dir, "banded.png");
        ImageFile.WritePng(image, whole, bitDepth);
        var writer = new PngRowWriter(banded, channels, H, W, bitDepth);
        foreach (var (first, count) in new[] { (0, 5), (5, 1), (6, 10), (16, 7) })
        {
            writer.Write(image.Crop(first, 0, count, W), first);
        }

        writer.Complete();
        Assert.Equal(File.ReadAllBytes(whole), File.ReadAllBytes(banded));
    }

    [Fact]
    public void Out_of_order_incomplete_and_nan_bands_are_refused()
    {
        var path = Path.Combine(_dir, "x.png");
        var writer = new PngRowWriter(path, 3, 4, 5);
        var band = new ImageTensor(3, 2, 5);
        Assert.Contains("does not continue at row 0", Assert.Throws<ArgumentException>(() => writer.Write(band, 2)).Message, StringComparison.Ordinal);
        writer.Write(band, 0);
        Assert.Contains("2 of 4 rows received", Assert.Throws<InvalidOperationException>(() => writer.Complete()).Message, StringComparison.Ordinal);
        band.Plane(1)[6] = double.NaN;
        Assert.Contains("channel 1, row 3, column 1 is NaN", Assert.Throws<ArgumentException>(() => writer.Write(band, 2)).Message, StringComparison.Ordinal);
        Assert.False(File.Exists(path));
        Assert.Throws<ImageFileException>(() => new PngRowWriter(Path.Combine(_dir, "missing", "y.png"), 3, 4, 5));
    }
}
