using RestoreBench.Core.Imaging;
using RestoreBench.Tests;
using static RestoreBench.Core.Tests.Imaging.TestFiles;

namespace RestoreBench.Core.Tests.Imaging;

public class ImageFileTests
{
    [SharedFact]
    public void Reads_rgb_and_gray_reference_pngs()
    {
        var rgb = ImageFile.Read(SharedData.Vectors("images", "astronaut_gt.png"));
        Assert.Equal(3, rgb.Image.Channels);
        Assert.Equal(288, rgb.Image.Height);
        Assert.Equal(8, rgb.BitDepth);
        var gray = ImageFile.Read(SharedData.Vectors("images", "camera_gt.png"));
        Assert.Equal(1, gray.Image.Channels);
    }

    [Fact]
    public void Sixteen_bit_png_round_trips_exactly()
    {
        var image = new ImageTensor(3, 5, 7);
        var d = image.Data;
        for (var i = 0; i < d.Length; i++)
        {
            d[i] = (i * 9173 % 65536) / 65535.0;
        }

        var path = Path.Combine(Path.GetTempPath(), $"rb16-{Guid.NewGuid():N}.png");
        try
        {
            ImageFile.WritePng(image, path, 16);
            var back = ImageFile.Read(path);
            Assert.Equal(16, back.BitDepth);
            for (var i = 0; i < d.Length; i++)
            {
                Assert.Equal(Rounding.Quantize(d[i], 65535, RoundingMode.HalfAwayFromZero), Rounding.Quantize(back.Image.Data[i], 65535, RoundingMode.HalfAwayFromZero));
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Every_16bit_code_round_trips_exactly_gray_and_rgb()
    {
        using var dir = new TempFolder();
        foreach (var channels in new[] { 1, 3 })
        {
            var image = new ImageTensor(channels, 256, 256);
            var d = image.Data;
            for (var i = 0; i < d.Length; i++)
            {
                d[i] = ((long)i * 40503 % 65536) / 65535.0; // 40503 is odd: each plane holds every code once
            }

            var path = dir.File($"all16-{channels}.png");
            ImageFile.WritePng(image, path, 16);
            var bytes = File.ReadAllBytes(path);
            Assert.Equal(16, bytes[24]); // IHDR bit depth
            Assert.Equal(channels == 1 ? 0 : 2, bytes[25]); // IHDR colour type: gray or RGB
            var back = ImageFile.Read(path);
            Assert.Equal(16, back.BitDepth);
            Assert.Equal(channels, back.Image.Channels);
            Assert.Equal(d.ToArray(), back.Image.Data.ToArray()); // exact: code/65535 both ways
        }
    }

    [Fact]
    public void Eight_bit_write_rounds_half_away_from_zero_by_default_and_clips()
    {
        using var dir = new TempFolder();
        var image = new ImageTensor(1, 1, 6);
        double[] samples = [0.5 / 255, 2.5 / 255, 2.4999 / 255, -0.3, 1.7, double.PositiveInfinity];
        samples.CopyTo(image.Data);

        ImageFile.WritePng(image, dir.File("away.png"));
        var away = ImageFile.Read(dir.File("away.png")).Image.Data.ToArray().Select(v => (int)Math.Round(v * 255)).ToArray();
        Assert.Equal([1, 3, 2, 0, 255, 255], away);

        ImageFile.WritePng(image, dir.File("even.png"), rounding: RoundingMode.HalfToEven);
        var even = ImageFile.Read(dir.File("even.png")).Image.Data.ToArray().Select(v => (int)Math.Round(v * 255)).ToArray();
        Assert.Equal([0, 2, 2, 0, 255, 255], even);
    }

    [Fact]
    public void Rewriting_a_file_in_place_is_seen_by_the_next_read()
    {
        // libvips caches random-access loads by file name; a rewritten file must not be served from that cache.
        using var dir = new TempFolder();
        var path = dir.File("same.png");
        ImageFile.WritePng(new ImageTensor(1, 4, 4), path);
        Assert.Equal(4, ImageFile.Read(path).Image.Width);
        var second = new ImageTensor(3, 2, 9);
        second.Data.Fill(1.0);
        ImageFile.WritePng(second, path);
        var back = ImageFile.Read(path);
        Assert.Equal((3, 2, 9), (back.Image.Channels, back.Image.Height, back.Image.Width));
        Assert.All(back.Image.Data.ToArray(), v => Assert.Equal(1.0, v));
    }

    [Fact]
    public void Written_8bit_png_is_exact_for_code_values()
    {
        using var dir = new TempFolder();
        var px = Pattern8(11, 5, 3);
        var image = new ImageTensor(3, 5, 11);
        for (var i = 0; i < 55; i++)
        {
            for (var k = 0; k < 3; k++)
            {
                image.Data[k * 55 + i] = px[i * 3 + k] / 255.0;
            }
        }

        ImageFile.WritePng(image, dir.File("rgb8.png"));
        var back = ImageFile.Read(dir.File("rgb8.png"));
        Assert.Equal(8, back.BitDepth);
        AssertPlanes(back.Image, px, 3, 3);
    }
}
