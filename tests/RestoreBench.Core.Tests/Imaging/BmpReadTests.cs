using RestoreBench.Core.Imaging;
using static RestoreBench.Core.Tests.Imaging.TestFiles;

namespace RestoreBench.Core.Tests.Imaging;

/// <summary>BMP files written by hand (BinaryWriter): libvips has no BMP loader, RestoreBench decodes them itself.</summary>
public sealed class BmpReadTests : IDisposable
{
    private const int W = 5; // 24-bit rows of 15 bytes: padded to 16
    private const int H = 3;
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Rgb_24bit_bottom_up_and_top_down(bool topDown)
    {
        var rgb = Pattern8(W, H, 3);
        var rows = new byte[H][];
        for (var y = 0; y < H; y++)
        {
            rows[y] = new byte[3 * W];
            for (var x = 0; x < W; x++)
            {
                var i = (y * W + x) * 3;
                rows[y][3 * x] = rgb[i + 2];
                rows[y][3 * x + 1] = rgb[i + 1];
                rows[y][3 * x + 2] = rgb[i];
            }
        }

        var loaded = ImageFile.Read(_dir.Write("rgb24.bmp", Bmp(W, H, 24, rows, topDown: topDown)));
        Assert.Equal((ImageFormat.Bmp, 8, 3, H, W), (loaded.Format!.Value, loaded.BitDepth, loaded.Image.Channels, loaded.Image.Height, loaded.Image.Width));
        Assert.Empty(loaded.Warnings);
        AssertPlanes(loaded.Image, rgb, 3, 3);
    }

    [Fact]
    public void Gray_palette_8bit_is_one_channel()
    {
        var gray = Pattern8(W, H, 1);
        var rows = Enumerable.Range(0, H).Select(y => gray.AsSpan(y * W, W).ToArray()).ToArray();
        var loaded = ImageFile.Read(_dir.Write("gray8.bmp", Bmp(W, H, 8, rows, GrayPalette(256))));
        Assert.Equal(1, loaded.Image.Channels);
        AssertPlanes(loaded.Image, gray, 1, 1);
    }

    [Fact]
    public void Colour_palette_8bit_with_colours_used_is_rgb()
    {
        byte[] palette = [30, 20, 10, 0, 0, 100, 200, 0, 255, 255, 255, 0]; // BGRX: (10,20,30) (200,100,0) (255,255,255)
        byte[][] rows = [[0, 1, 2, 1, 0], [2, 2, 2, 2, 2], [1, 0, 1, 0, 1]];
        var loaded = ImageFile.Read(_dir.Write("pal8.bmp", Bmp(W, H, 8, rows, palette, colorsUsed: 3)));
        Assert.Equal(3, loaded.Image.Channels);
        byte[][] rgbOf = [[10, 20, 30], [200, 100, 0], [255, 255, 255]];
        var expected = rows.SelectMany(r => r.SelectMany(i => rgbOf[i])).ToArray();
        AssertPlanes(loaded.Image, expected, 3, 3);
    }

    [Fact]
    public void Palette_4bit_and_1bit_gray()
    {
        // 4-bit: 5 pixels → indices 0,3,15,8,1 packed high nibble first.
        byte[][] rows4 = [[0x03, 0xF8, 0x10], [0x00, 0x00, 0x00], [0xFF, 0xFF, 0xF0]];
        var loaded4 = ImageFile.Read(_dir.Write("g4.bmp", Bmp(W, H, 4, rows4, GrayPalette(16))));
        Assert.Equal(1, loaded4.Image.Channels);
        Assert.Equal(new[] { 0, 3 * 17, 15 * 17, 8 * 17, 17 }.Select(v => v / 255.0), loaded4.Image.Data[..W].ToArray());

        byte[][] rows1 = [[0b1010_0000], [0b0111_1000], [0]];
        var loaded1 = ImageFile.Read(_dir.Write("g1.bmp", Bmp(W, H, 1, rows1, GrayPalette(2))));
        Assert.Equal(1, loaded1.Image.Channels);
        Assert.Equal(new double[] { 1, 0, 1, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0, 0 }, loaded1.Image.Data.ToArray());
    }

    [Fact]
    public void Os2_core_header_with_three_byte_palette()
    {
        byte[] palette = [0, 0, 255, 0, 255, 0]; // BGR: red, green
        byte[][] rows = [[0, 1, 0, 1, 0], [1, 1, 1, 1, 1], [0, 0, 0, 0, 0]];
        var loaded = ImageFile.Read(_dir.Write("os2.bmp", Bmp(W, H, 8, rows, palette, infoSize: 12, colorsUsed: 0, pixelBytesToKeep: null)));
        Assert.Equal(3, loaded.Image.Channels);
        Assert.Equal([1, 0, 1, 0, 1], loaded.Image.ReadPlane(0)[..W].ToArray());
        Assert.Equal([0, 1, 0, 1, 0], loaded.Image.ReadPlane(1)[..W].ToArray());
    }

    [Fact]
    public void Rgb_32bit_ignores_the_fourth_byte()
    {
        byte[][] rows = [[1, 2, 3, 99, 4, 5, 6, 0], [7, 8, 9, 1, 10, 11, 12, 255]];
        var loaded = ImageFile.Read(_dir.Write("bgrx.bmp", Bmp(2, 2, 32, rows)));
        Assert.Empty(loaded.Warnings);
        AssertPlanes(loaded.Image, [3, 2, 1, 6, 5, 4, 9, 8, 7, 12, 11, 10], 3, 3);
    }

    [Fact]
    public void V5_header_32bit_bitfields_with_alpha_drops_alpha_with_a_warning()
    {
        // pixels stored as RGBA bytes with masks R=0x000000FF G=0x0000FF00 B=0x00FF0000 A=0xFF000000
        byte[][] rows = [[10, 20, 30, 0, 40, 50, 60, 255]];
        var path = _dir.Write("v5.bmp", Bmp(2, 1, 32, rows, infoSize: 124, compression: 3, masks: [0xFF, 0xFF00, 0xFF0000, 0xFF000000]));
        var loaded = ImageFile.Read(path);
        AssertPlanes(loaded.Image, [10, 20, 30, 40, 50, 60], 3, 3);
        Assert.Contains(loaded.Warnings, w => w.StartsWith(path, StringComparison.Ordinal) && w.Contains("alpha channel dropped", StringComparison.Ordinal));
    }

    [Fact]
    public void Bitfields_16bit_565_and_default_555_scale_each_field_by_its_maximum()
    {
        // 565: r=31 g=0 b=0 | r=0 g=63 b=1 | r=16 g=32 b=31
        static byte[] Le(params int[] v) => v.SelectMany(x => BitConverter.GetBytes((ushort)x)).ToArray();
        var rows565 = new[] { Le(31 << 11, (63 << 5) | 1, (16 << 11) | (32 << 5) | 31) };
        var loaded = ImageFile.Read(_dir.Write("565.bmp", Bmp(3, 1, 16, rows565, compression: 3, masks: [0xF800, 0x07E0, 0x001F])));
        Assert.Equal([1, 0, 16 / 31.0], loaded.Image.ReadPlane(0).ToArray());
        Assert.Equal([0, 1, 32 / 63.0], loaded.Image.ReadPlane(1).ToArray());
        Assert.Equal([0, 1 / 31.0, 1], loaded.Image.ReadPlane(2).ToArray());

        var rows555 = new[] { Le(31 << 10, 31 << 5, 31) };
        var loaded555 = ImageFile.Read(_dir.Write("555.bmp", Bmp(3, 1, 16, rows555)));
        Assert.Equal([1, 0, 0], loaded555.Image.ReadPlane(0).ToArray());
        Assert.Equal([0, 1, 0], loaded555.Image.ReadPlane(1).ToArray());
        Assert.Equal([0, 0, 1], loaded555.Image.ReadPlane(2).ToArray());
    }

    [Fact]
    public void Rle_compression_is_refused_by_name()
    {
        var path = _dir.Write("rle.bmp", Bmp(W, H, 8, [new byte[W], new byte[W], new byte[W]], GrayPalette(256), compression: 1));
        var e = AssertOneLine(Assert.Throws<ImageFileException>(() => ImageFile.Read(path)), path);
        Assert.Contains("RLE-compressed BMP is not supported", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Truncated_pixel_data_and_truncated_header_are_errors()
    {
        var rows = new[] { new byte[3 * W], new byte[3 * W], new byte[3 * W] };
        var path = _dir.Write("cut.bmp", Bmp(W, H, 24, rows, pixelBytesToKeep: 20));
        var e = AssertOneLine(Assert.Throws<ImageFileException>(() => ImageFile.Read(path)), path);
        Assert.Contains("truncated BMP", e.Reason, StringComparison.Ordinal);

        var header = _dir.Write("cuthead.bmp", Bmp(W, H, 24, rows)[..30]);
        var eh = AssertOneLine(Assert.Throws<ImageFileException>(() => ImageFile.Read(header)), header);
        Assert.Contains("truncated BMP", eh.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Palette_index_beyond_the_palette_is_an_error()
    {
        var path = _dir.Write("badindex.bmp", Bmp(2, 1, 8, [[0, 5]], GrayPalette(2), colorsUsed: 2));
        var e = AssertOneLine(Assert.Throws<ImageFileException>(() => ImageFile.Read(path)), path);
        Assert.Contains("palette index 5", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Unsupported_bit_count_is_named()
    {
        var path = _dir.Write("2bit.bmp", Bmp(4, 1, 2, [[0]], GrayPalette(4)));
        var e = AssertOneLine(Assert.Throws<ImageFileException>(() => ImageFile.Read(path)), path);
        Assert.Contains("unsupported BMP bit count 2", e.Reason, StringComparison.Ordinal);
    }
}
