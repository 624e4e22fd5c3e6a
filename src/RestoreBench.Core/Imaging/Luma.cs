namespace RestoreBench.Core.Imaging;

/// <summary>Colour conversions used by metrics; each names the reference it matches.</summary>
public static class Luma
{
    /// <summary>
    /// MATLAB <c>rgb2ycbcr</c> luma (ITU-R BT.601, studio range), as used by BasicSR's
    /// <c>to_y_channel</c>: Y = 16 + (65.481 R + 128.553 G + 24.966 B) with R, G, B in [0, 1].
    /// Returns Y on the 0–255 scale (16–235 for in-range input), not rounded.
    /// A gray image is returned as its single plane scaled to 0–255 (no luma transform).
    /// </summary>
    public static double[] YMatlab255(ImageTensor image)
    {
        var n = image.PlaneSize;
        var y = new double[n];
        if (!image.IsRgb)
        {
            var g = image.ReadPlane(0);
            for (var i = 0; i < n; i++)
            {
                y[i] = g[i] * 255.0;
            }

            return y;
        }

        var r = image.ReadPlane(0);
        var gr = image.ReadPlane(1);
        var b = image.ReadPlane(2);
        for (var i = 0; i < n; i++)
        {
            y[i] = 65.481 * r[i] + 128.553 * gr[i] + 24.966 * b[i] + 16.0;
        }

        return y;
    }

    /// <summary>
    /// MATLAB <c>rgb2gray</c>: 0.298936021293775 R + 0.587043074451121 G + 0.114020904255103 B
    /// (the rounded inverse of the NTSC transform), in [0, 1]. A gray image is returned unchanged.
    /// </summary>
    public static double[] GrayMatlab(ImageTensor image)
    {
        var n = image.PlaneSize;
        if (!image.IsRgb)
        {
            return image.ReadPlane(0).ToArray();
        }

        var gray = new double[n];
        var r = image.ReadPlane(0);
        var g = image.ReadPlane(1);
        var b = image.ReadPlane(2);
        for (var i = 0; i < n; i++)
        {
            gray[i] = 0.298936021293775 * r[i] + 0.587043074451121 * g[i] + 0.114020904255103 * b[i];
        }

        return gray;
    }
}
