using RestoreBench.Core.Imaging;
using RestoreBench.Core.Randomness;

namespace RestoreBench.Degradations.Noise;

/// <summary>Adds signal-dependent or independent noise to every sample, per channel or shared, and clips to [0, 1].</summary>
internal static class AdditiveNoise
{
    /// <summary>
    /// Returns a copy of <paramref name="image"/> plus noise. Per channel: every sample x gets
    /// <c>draw(x)</c>, drawn in CHW order. Gray: one draw per pixel on the channel mean, in row-major
    /// order, added to every channel.
    /// </summary>
    public static ImageTensor Add(ImageTensor image, bool gray, SeededRandom random, Func<double, SeededRandom, double> draw)
    {
        var result = image.Clone();
        if (!gray)
        {
            var data = result.Data;
            for (var i = 0; i < data.Length; i++)
            {
                data[i] += draw(data[i], random);
            }

            return result.ClampInPlace();
        }

        var n = image.PlaneSize;
        var noise = new double[n];
        for (var i = 0; i < n; i++)
        {
            var mean = 0.0;
            for (var c = 0; c < image.Channels; c++)
            {
                mean += image.ReadPlane(c)[i];
            }

            noise[i] = draw(mean / image.Channels, random);
        }

        for (var c = 0; c < image.Channels; c++)
        {
            var plane = result.Plane(c);
            for (var i = 0; i < n; i++)
            {
                plane[i] += noise[i];
            }
        }

        return result.ClampInPlace();
    }
}
