using NetVips;
using RestoreBench.Core.Imaging;
using static RestoreBench.Core.Tests.Imaging.TestFiles;

namespace RestoreBench.Core.Tests.Imaging;

/// <summary>Every accepted format and layout decodes to the expected samples (test files are made here).</summary>
public sealed class ImageFileFormatTests : IDisposable
{
    private const int W = 13;
    private const int H = 7;
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Png_8bit_rgb_is_exact()
    {
        var px = Pattern8(W, H, 3);
        var path = _dir.File("rgb8.png");
        using (var im = Vips8(px, W, H, 3, Enums.Interpretation.Srgb))
        {
            im.Pngsave(path);
        }

        var loaded = ImageFile.Read(path);
        Assert.Equal((3, H, W), (loaded.Image.Channels, loaded.Image.Height, loaded.Image.Width));
        Assert.Equal(8, loaded.BitDepth);
        Assert.Equal(ImageFormat.Png, loaded.Format);
        Assert.Empty(loaded.Warnings);
        AssertPlanes(loaded.Image, px, 3, 3);
    }

    [Fact]
    public void Png_8bit_gray_stays_one_channel()
    {
        var px = Pattern8(W, H, 1);
        var path = _dir.File("gray8.png");
        using (var im = Vips8(px, W, H, 1, Enums.Interpretation.Bw))
        {
            im.Pngsave(path);
        }

        var loaded = ImageFile.Read(path);
        Assert.Equal(1, loaded.Image.Channels);
        Assert.Empty(loaded.Warnings);
        AssertPlanes(loaded.Image, px, 1, 1);
    }

    [Fact]
    public void Png_16bit_gray_and_rgb_are_exact()
    {
        foreach (var (bands, interpretation) in new[] { (1, Enums.Interpretation.Grey16), (3, Enums.Interpretation.Rgb16) })
        {
            var px = Pattern16(W, H, bands);
            var path = _dir.File($"p16-{bands}.png");
            using (var im = Vips16(px, W, H, bands, interpretation))
            {
                im.Pngsave(path, bitdepth: 16);
            }

            var loaded = ImageFile.Read(path);
            Assert.Equal(16, loaded.BitDepth);
            Assert.Equal(bands, loaded.Image.Channels);
            AssertPlanes(loaded.Image, px, bands, bands);
        }
    }

    [Fact]
    public void Png_gray_alpha_8_and_16bit_drop_alpha_with_a_warning_and_stay_gray()
    {
        var px8 = Pattern8(W, H, 2);
        var path8 = _dir.File("ga8.png");
        using (var im = Vips8(px8, W, H, 2, Enums.Interpretation.Bw))
        {
            im.Pngsave(path8);
        }

        var px16 = Pattern16(W, H, 2);
        var path16 = _dir.File("ga16.png");
        using (var im = Vips16(px16, W, H, 2, Enums.Interpretation.Grey16))
        {
            im.Pngsave(path16, bitdepth: 16);
        }

        var loaded8 = ImageFile.Read(path8);
        Assert.Equal(1, loaded8.Image.Channels);
        Assert.Equal(8, loaded8.BitDepth);
        AssertPlanes(loaded8.Image, px8, 2, 1);
        Assert.Contains(loaded8.Warnings, w => w.StartsWith(path8, StringComparison.Ordinal) && w.Contains("alpha channel dropped", StringComparison.Ordinal));

        var loaded16 = ImageFile.Read(path16);
        Assert.Equal(1, loaded16.Image.Channels);
        Assert.Equal(16, loaded16.BitDepth);
        AssertPlanes(loaded16.Image, px16, 2, 1);
        Assert.Contains(loaded16.Warnings, w => w.Contains("alpha channel dropped", StringComparison.Ordinal));
    }

    [Fact]
    public void Png_rgba_drops_alpha_without_compositing()
    {
        var px = Pattern8(W, H, 4);
        var path = _dir.File("rgba.png");
        using (var im = Vips8(px, W, H, 4, Enums.Interpretation.Srgb))
        {
            im.Pngsave(path);
        }

        var loaded = ImageFile.Read(path);
        Assert.Equal(3, loaded.Image.Channels);
        AssertPlanes(loaded.Image, px, 4, 3);
        Assert.Single(loaded.Warnings, w => w.Contains("alpha channel dropped (not composited)", StringComparison.Ordinal));
    }

    [Fact]
    public void Png_palette_written_by_libvips_decodes_to_its_rgb_colours()
    {
        byte[][] colours = [[255, 0, 0], [0, 128, 255], [17, 200, 33], [250, 250, 250], [0, 0, 0]];
        var px = new byte[W * H * 3];
        for (var i = 0; i < W * H; i++)
        {
            colours[i * 7 / 5 % colours.Length].CopyTo(px, 3 * i);
        }

        var path = _dir.File("palette.png");
        using (var im = Vips8(px, W, H, 3, Enums.Interpretation.Srgb))
        {
            im.Pngsave(path, palette: true, dither: 0, q: 100);
        }

        Assert.Equal(3, File.ReadAllBytes(path)[25]); // IHDR colour type 3: the file really is a palette PNG
        var loaded = ImageFile.Read(path);
        Assert.Equal(3, loaded.Image.Channels);
        Assert.Empty(loaded.Warnings);
        AssertPlanes(loaded.Image, px, 3, 3);
    }

    [Fact]
    public void Png_palette_with_transparency_and_1bit_gray_written_by_hand()
    {
        // 2x2 palette image, 2 bits per index, entry 1 half transparent.
        byte[] plte = [10, 20, 30, 200, 100, 0, 7, 7, 7];
        var pal = Png(2, 2, 2, 3, Scanlines([[0b0001_0000], [0b1001_0000]]), plte, trns: [255, 128]);
        var loaded = ImageFile.Read(_dir.Write("pal_trns.png", pal));
        Assert.Equal(3, loaded.Image.Channels);
        Assert.Contains(loaded.Warnings, w => w.Contains("alpha channel dropped", StringComparison.Ordinal));
        // indices: (0,0)=0 (0,1)=1 / (1,0)=2 (1,1)=1
        AssertPlanes(loaded.Image, [10, 20, 30, 200, 100, 0, 7, 7, 7, 200, 100, 0], 3, 3);

        var bilevel = Png(10, 1, 1, 0, Scanlines([[0b1011_0001, 0b1100_0000]]));
        var gray = ImageFile.Read(_dir.Write("bilevel.png", bilevel));
        Assert.Equal(1, gray.Image.Channels);
        Assert.Equal([1, 0, 1, 1, 0, 0, 0, 1, 1, 1], gray.Image.Data.ToArray());
    }

    [Fact]
    public void Jpeg_rgb_and_gray_decode_close_to_the_source()
    {
        foreach (var bands in new[] { 3, 1 })
        {
            var px = Smooth(64, 48, bands);
            var path = _dir.File($"j{bands}.jpg");
            using (var im = Vips8(px, 64, 48, bands, bands == 3 ? Enums.Interpretation.Srgb : Enums.Interpretation.Bw))
            {
                im.Jpegsave(path, q: 95);
            }

            var loaded = ImageFile.Read(path);
            Assert.Equal(bands, loaded.Image.Channels);
            Assert.Equal(ImageFormat.Jpeg, loaded.Format);
            Assert.True(MeanAbsDiff(loaded.Image, px, bands) < 2.0 / 255, "JPEG decode deviates from the source");
        }
    }

    [Fact]
    public void Tiff_8bit_rgb_and_16bit_gray_rgb_are_exact()
    {
        var px8 = Pattern8(W, H, 3);
        var p8 = _dir.File("rgb8.tif");
        using (var im = Vips8(px8, W, H, 3, Enums.Interpretation.Srgb))
        {
            im.Tiffsave(p8, compression: Enums.ForeignTiffCompression.Deflate);
        }

        var loaded8 = ImageFile.Read(p8);
        Assert.Equal((ImageFormat.Tiff, 8, 3), (loaded8.Format!.Value, loaded8.BitDepth, loaded8.Image.Channels));
        AssertPlanes(loaded8.Image, px8, 3, 3);

        foreach (var (bands, interpretation) in new[] { (1, Enums.Interpretation.Grey16), (3, Enums.Interpretation.Rgb16) })
        {
            var px16 = Pattern16(W, H, bands);
            var p16 = _dir.File($"t16-{bands}.tiff");
            using (var im = Vips16(px16, W, H, bands, interpretation))
            {
                im.Tiffsave(p16);
            }

            var loaded16 = ImageFile.Read(p16);
            Assert.Equal((16, bands), (loaded16.BitDepth, loaded16.Image.Channels));
            AssertPlanes(loaded16.Image, px16, bands, bands);
        }
    }

    [Fact]
    public void Tiff_with_several_pages_reads_the_first_and_warns()
    {
        var px = Pattern8(W, 2 * H, 1);
        var path = _dir.File("pages.tif");
        using (var im = Vips8(px, W, 2 * H, 1, Enums.Interpretation.Bw))
        using (var paged = im.Mutate(m => m.Set(GValue.GIntType, "page-height", H)))
        {
            paged.Tiffsave(path);
        }

        var loaded = ImageFile.Read(path);
        Assert.Equal(H, loaded.Image.Height);
        AssertPlanes(loaded.Image, px.AsSpan(0, W * H), 1, 1);
        Assert.Contains(loaded.Warnings, w => w.Contains("2 pages or frames; only the first was read", StringComparison.Ordinal));
    }

    [Fact]
    public void WebP_lossless_rgb_is_exact_and_alpha_is_dropped()
    {
        var px = Pattern8(W, H, 3);
        var path = _dir.File("rgb.webp");
        using (var im = Vips8(px, W, H, 3, Enums.Interpretation.Srgb))
        {
            im.Webpsave(path, lossless: true);
        }

        var loaded = ImageFile.Read(path);
        Assert.Equal(ImageFormat.WebP, loaded.Format);
        Assert.Empty(loaded.Warnings);
        AssertPlanes(loaded.Image, px, 3, 3);

        var pxa = Pattern8(W, H, 4);
        for (var i = 3; i < pxa.Length; i += 4)
        {
            pxa[i] = 255; // WebP stores colour under fully transparent pixels only with "exact"; keep alpha opaque
        }

        pxa[3] = 0;
        var patha = _dir.File("rgba.webp");
        using (var im = Vips8(pxa, W, H, 4, Enums.Interpretation.Srgb))
        {
            im.Webpsave(patha, lossless: true, exact: true);
        }

        var loadeda = ImageFile.Read(patha);
        Assert.Equal(3, loadeda.Image.Channels);
        AssertPlanes(loadeda.Image, pxa, 4, 3);
        Assert.Contains(loadeda.Warnings, w => w.Contains("alpha channel dropped", StringComparison.Ordinal));
    }

    [Fact]
    public void Content_decides_the_decoder_and_a_mismatched_extension_is_a_warning()
    {
        var px = Pattern8(W, H, 3);
        var path = _dir.File("actually-webp.png");
        using (var im = Vips8(px, W, H, 3, Enums.Interpretation.Srgb))
        {
            im.Webpsave(path, lossless: true);
        }

        var loaded = ImageFile.Read(path);
        Assert.Equal(ImageFormat.WebP, loaded.Format);
        AssertPlanes(loaded.Image, px, 3, 3);
        Assert.Contains(loaded.Warnings, w => w.Contains("the content is WebP although the extension is '.png'", StringComparison.Ordinal));
    }

    [Fact]
    public void Extensions_are_case_insensitive()
    {
        var px = Pattern8(W, H, 3);
        var path = _dir.File("UPPER.PNG");
        using (var im = Vips8(px, W, H, 3, Enums.Interpretation.Srgb))
        {
            im.Pngsave(path);
        }

        Assert.True(ImageFile.IsSupported(path));
        var loaded = ImageFile.Read(path);
        Assert.Empty(loaded.Warnings);
        AssertPlanes(loaded.Image, px, 3, 3);
    }

    private static byte[] Smooth(int width, int height, int bands)
    {
        var px = new byte[width * height * bands];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                for (var b = 0; b < bands; b++)
                {
                    px[(y * width + x) * bands + b] = (byte)(40 + 2 * x + y + 30 * b);
                }
            }
        }

        return px;
    }

    private static double MeanAbsDiff(ImageTensor image, byte[] px, int bands)
    {
        var n = image.PlaneSize;
        var sum = 0.0;
        for (var k = 0; k < bands; k++)
        {
            var plane = image.ReadPlane(k);
            for (var i = 0; i < n; i++)
            {
                sum += Math.Abs(plane[i] - px[i * bands + k] / 255.0);
            }
        }

        return sum / (n * bands);
    }
}
