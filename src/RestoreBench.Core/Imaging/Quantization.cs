namespace RestoreBench.Core.Imaging;

/// <summary>Snapping images to the integer grid of a bit depth, as writing a file does.</summary>
public static class Quantization
{
    /// <summary>
    /// A copy of <paramref name="image"/> with every sample replaced by what an 8- or 16-bit file would
    /// hold: clip to [0, 1], scale by 2^bits − 1, round with <paramref name="mode"/>, scale back.
    /// </summary>
    public static ImageTensor ToBitDepth(ImageTensor image, int bitDepth, RoundingMode mode = RoundingMode.HalfAwayFromZero)
    {
        var max = bitDepth switch
        {
            8 => 255,
            16 => 65535,
            _ => throw new ArgumentOutOfRangeException(nameof(bitDepth), bitDepth, "Accepted bit depths: 8, 16."),
        };
        var result = image.Clone();
        var d = result.Data;
        for (var i = 0; i < d.Length; i++)
        {
            d[i] = Rounding.Quantize(d[i], max, mode) / (double)max;
        }

        return result;
    }
}
