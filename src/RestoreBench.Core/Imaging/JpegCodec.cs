using NetVips;

namespace RestoreBench.Core.Imaging;

/// <summary>In-memory JPEG round trip with libvips (libjpeg-turbo).</summary>
public static class JpegCodec
{
    /// <summary>
    /// Quantizes to 8 bits (half away from zero), encodes as baseline JPEG at <paramref name="quality"/>
    /// (1–100; libvips defaults: 4:2:0 chroma subsampling below quality 90, 4:4:4 from 90, no
    /// optimised Huffman tables, no progressive mode), and decodes back. Gray stays gray.
    /// </summary>
    public static ImageTensor RoundTrip(ImageTensor image, int quality)
    {
        if (quality is < 1 or > 100)
        {
            throw new ArgumentOutOfRangeException(nameof(quality), quality, "JPEG quality must be within 1..100.");
        }

        int c = image.Channels, h = image.Height, w = image.Width, n = h * w;
        var buffer = new byte[c * n];
        var src = image.Data;
        for (var i = 0; i < n; i++)
        {
            for (var k = 0; k < c; k++)
            {
                buffer[i * c + k] = (byte)Rounding.Quantize(src[k * n + i], 255, RoundingMode.HalfAwayFromZero);
            }
        }

        using var raw = Image.NewFromMemory(buffer, w, h, c, Enums.BandFormat.Uchar);
        using var tagged = raw.Copy(interpretation: c == 3 ? Enums.Interpretation.Srgb : Enums.Interpretation.Bw);
        var jpeg = tagged.JpegsaveBuffer(q: quality, keep: Enums.ForeignKeep.None);
        using var decoded = Image.NewFromBuffer(jpeg, failOn: Enums.FailOn.Error);
        var pixels = decoded.WriteToMemory<byte>();
        if (decoded.Bands != c || decoded.Width != w || decoded.Height != h)
        {
            throw new InvalidOperationException($"JPEG round trip changed the shape to {decoded.Bands}x{decoded.Height}x{decoded.Width}.");
        }

        var result = new ImageTensor(c, h, w);
        var dst = result.Data;
        for (var i = 0; i < n; i++)
        {
            for (var k = 0; k < c; k++)
            {
                dst[k * n + i] = pixels[i * c + k] / 255.0;
            }
        }

        return result;
    }
}
