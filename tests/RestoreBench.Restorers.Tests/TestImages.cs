using RestoreBench.Core.Imaging;
using RestoreBench.Tests;

namespace RestoreBench.Restorers.Tests;

internal static class TestImages
{
    /// <summary>A smooth pattern with some texture, values in (0, 1).</summary>
    public static ImageTensor Pattern(int channels, int h, int w, double phase = 0)
    {
        var image = new ImageTensor(channels, h, w);
        for (var c = 0; c < channels; c++)
        {
            var p = image.Plane(c);
            for (var y = 0; y < h; y++)
            {
                for (var x = 0; x < w; x++)
                {
                    p[y * w + x] = 0.5 + 0.3 * Math.Sin(0.21 * x + 0.13 * y + phase + c) + 0.15 * Math.Cos(0.9 * x * y / (w + 1.0) + c);
                }
            }
        }

        return image;
    }

    public static ImageTensor Reference(string fileName) => ImageFile.Read(SharedData.Vectors("images", fileName)).Image;

    public static void AssertBitIdentical(ImageTensor expected, ImageTensor actual, string label)
    {
        Assert.Equal(expected.ShapeText, actual.ShapeText);
        var e = expected.Data;
        var a = actual.Data;
        for (var i = 0; i < e.Length; i++)
        {
            if (BitConverter.DoubleToInt64Bits(e[i]) != BitConverter.DoubleToInt64Bits(a[i]))
            {
                var plane = expected.PlaneSize;
                Assert.Fail($"{label}: sample {i} (channel {i / plane}, row {i % plane / expected.Width}, column {i % expected.Width}) differs: expected {e[i]:R}, got {a[i]:R}");
            }
        }
    }

    public static double MaxAbsDifference(ImageTensor a, ImageTensor b)
    {
        Assert.Equal(a.ShapeText, b.ShapeText);
        var max = 0.0;
        var x = a.Data;
        var y = b.Data;
        for (var i = 0; i < x.Length; i++)
        {
            max = Math.Max(max, Math.Abs(x[i] - y[i]));
        }

        return max;
    }
}
