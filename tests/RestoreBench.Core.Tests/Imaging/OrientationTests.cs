using NetVips;
using RestoreBench.Core.Imaging;
using static RestoreBench.Core.Tests.Imaging.TestFiles;

namespace RestoreBench.Core.Tests.Imaging;

/// <summary>EXIF orientation is applied on read; the expected pixel mapping is written out here from the EXIF definition.</summary>
public sealed class OrientationTests : IDisposable
{
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>Displayed (y, x) → stored (row, column) for a stored image of h rows and w columns (EXIF 2.3, tag 0x0112).</summary>
    private static (int Row, int Column) Source(int orientation, int y, int x, int h, int w) => orientation switch
    {
        1 => (y, x),
        2 => (y, w - 1 - x),         // mirrored horizontally
        3 => (h - 1 - y, w - 1 - x), // rotated 180°
        4 => (h - 1 - y, x),         // mirrored vertically
        5 => (x, y),                 // transposed
        6 => (h - 1 - x, y),         // needs 90° clockwise
        7 => (h - 1 - x, w - 1 - y), // transversed
        8 => (x, w - 1 - y),         // needs 90° counter-clockwise
        _ => throw new ArgumentOutOfRangeException(nameof(orientation)),
    };

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    public void All_eight_orientations_of_a_png_map_pixels_exactly(int orientation)
    {
        const int h = 3, w = 4;
        var px = Pattern8(w, h, 1);
        var path = _dir.File($"o{orientation}.png");
        using (var im = Vips8(px, w, h, 1, Enums.Interpretation.Bw))
        using (var tagged = im.Mutate(m => m.Set(GValue.GIntType, "orientation", orientation)))
        {
            tagged.Pngsave(path);
        }

        var loaded = ImageFile.Read(path);
        var swapped = orientation >= 5;
        Assert.Equal(swapped ? (w, h) : (h, w), (loaded.Image.Height, loaded.Image.Width));
        for (var y = 0; y < loaded.Image.Height; y++)
        {
            for (var x = 0; x < loaded.Image.Width; x++)
            {
                var (r, c) = Source(orientation, y, x, h, w);
                Assert.Equal(px[r * w + c] / 255.0, loaded.Image.ReadPlane(0)[y * loaded.Image.Width + x]);
            }
        }

        if (orientation == 1)
        {
            Assert.Empty(loaded.Warnings);
        }
        else
        {
            Assert.Contains(loaded.Warnings, m => m.Contains($"EXIF orientation {orientation} applied", StringComparison.Ordinal));
        }
    }

    /// <summary>
    /// A real JPEG, 800x600 as stored, carrying EXIF orientation 6 or 8 in its APP1 segment (checked in the
    /// bytes). At this size the earlier implementation failed ("out of order read": rotating a sequential
    /// loader); now it must come back 600x800 with the content turned.
    /// </summary>
    [Theory]
    [InlineData(6)]
    [InlineData(8)]
    public void Real_jpeg_with_an_orientation_tag_is_rotated(int orientation)
    {
        const int w = 800, h = 600;
        var px = new byte[w * h * 3];
        for (var y = 0; y < h; y++)
        {
            for (var x = 0; x < w; x++)
            {
                var i = (y * w + x) * 3;
                var corner = y < 160 && x < 160; // a bright block in the stored top-left corner only
                px[i] = corner ? (byte)250 : (byte)(x * 200 / w);
                px[i + 1] = corner ? (byte)250 : (byte)(y * 200 / h);
                px[i + 2] = 60;
            }
        }

        var path = _dir.File($"rot{orientation}.jpg");
        using (var im = Vips8(px, w, h, 3, Enums.Interpretation.Srgb))
        using (var tagged = im.Mutate(m => m.Set(GValue.GIntType, "orientation", orientation)))
        {
            tagged.Jpegsave(path, q: 95);
        }

        Assert.Equal(orientation, JpegExifOrientation(File.ReadAllBytes(path)));

        var loaded = ImageFile.Read(path);
        Assert.Equal((3, w, h), (loaded.Image.Channels, loaded.Image.Height, loaded.Image.Width));
        Assert.Contains(loaded.Warnings, m => m.Contains($"EXIF orientation {orientation} applied", StringComparison.Ordinal));

        double sum = 0;
        var n = loaded.Image.PlaneSize;
        for (var k = 0; k < 3; k++)
        {
            var plane = loaded.Image.ReadPlane(k);
            for (var y = 0; y < w; y++)
            {
                for (var x = 0; x < h; x++)
                {
                    var (r, c) = Source(orientation, y, x, h, w);
                    sum += Math.Abs(plane[y * h + x] - px[(r * w + c) * 3 + k] / 255.0);
                }
            }
        }

        Assert.True(sum / (3 * n) < 2.0 / 255, $"mean difference {sum / (3 * n) * 255:F2}/255: not the rotated content");
    }

    [Fact]
    public void A_jpeg_with_orientation_1_is_unchanged_and_has_no_warning()
    {
        var px = Pattern8(16, 8, 1);
        var path = _dir.File("plain.jpg");
        using (var im = Vips8(px, 16, 8, 1, Enums.Interpretation.Bw))
        {
            im.Jpegsave(path);
        }

        Assert.Contains(JpegExifOrientation(File.ReadAllBytes(path)), new int?[] { null, 1 }); // libvips writes 1
        var loaded = ImageFile.Read(path);
        Assert.Equal((8, 16), (loaded.Image.Height, loaded.Image.Width));
        Assert.Empty(loaded.Warnings);
    }
}
