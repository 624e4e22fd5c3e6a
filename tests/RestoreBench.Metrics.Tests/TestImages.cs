using System.Collections.Concurrent;
using RestoreBench.Core.Imaging;
using RestoreBench.Core.Randomness;
using RestoreBench.Tests;

namespace RestoreBench.Metrics.Tests;

/// <summary>Reference images (cached) and seeded synthetic images for the metric tests.</summary>
internal static class TestImages
{
    private static readonly ConcurrentDictionary<string, ImageTensor> Cache = new(StringComparer.Ordinal);

    /// <summary>A file of ../shared/reference/vectors by its relative path, e.g. <c>images/astronaut_gt.png</c>.</summary>
    public static ImageTensor Vector(string relativePath) =>
        Cache.GetOrAdd(relativePath, p => ImageFile.Read(SharedData.Vectors(p.Split('/'))).Image);

    /// <summary>8-bit-valued random samples (k/255), seeded.</summary>
    public static ImageTensor Random(int channels, int height, int width, ulong seed)
    {
        var rng = new SeededRandom(seed);
        var image = new ImageTensor(channels, height, width);
        var d = image.Data;
        for (var i = 0; i < d.Length; i++)
        {
            d[i] = rng.NextInt(256) / 255.0;
        }

        return image;
    }

    /// <summary>A smooth pattern plus seeded noise, so SSIM is far from both 0 and 1.</summary>
    public static (ImageTensor Reference, ImageTensor Distorted) Pair(int channels, int height, int width, ulong seed)
    {
        var rng = new SeededRandom(seed);
        var reference = new ImageTensor(channels, height, width);
        var distorted = new ImageTensor(channels, height, width);
        for (var c = 0; c < channels; c++)
        {
            var a = reference.Plane(c);
            var b = distorted.Plane(c);
            for (var y = 0; y < height; y++)
            {
                for (var x = 0; x < width; x++)
                {
                    var v = 0.5 + 0.3 * Math.Sin(0.07 * x + 0.05 * y + c) + 0.1 * Math.Cos(0.31 * x * y / (width + 1.0));
                    var i = y * width + x;
                    a[i] = Math.Clamp(v + 0.05 * rng.NextGaussian(), 0, 1);
                    b[i] = Math.Clamp(a[i] + 0.04 * rng.NextGaussian(), 0, 1);
                }
            }
        }

        return (reference, distorted);
    }
}
