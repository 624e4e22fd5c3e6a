using RestoreBench.Core.Imaging;
using RestoreBench.Tests;

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
}
