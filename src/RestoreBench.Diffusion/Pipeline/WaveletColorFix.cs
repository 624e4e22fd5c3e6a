using RestoreBench.Core.Imaging;

namespace RestoreBench.Diffusion.Pipeline;

/// <summary>
/// Wavelet colour correction (as DiffBIR and SUPIR apply it after decoding): both images are split
/// into a low-frequency part and high-frequency detail by 5 levels of an à-trous blur (3x3 kernel
/// [1 2 1]ᵀ[1 2 1]/16 with dilation 2^i, replicate borders; detail_i = x_i − blur_i(x_i)); the result is
/// the content's detail plus the style's low frequencies. Not clipped.
/// </summary>
public static class WaveletColorFix
{
    /// <summary>Levels of the decomposition.</summary>
    public const int Levels = 5;

    /// <summary>high(<paramref name="content"/>) + low(<paramref name="style"/>); same shape required.</summary>
    public static ImageTensor Apply(ImageTensor content, ImageTensor style)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(style);
        if (!content.SameShape(style))
        {
            throw new ArgumentException($"colour fix: content {content.ShapeText} and style {style.ShapeText} differ in shape");
        }

        var result = new ImageTensor(content.Channels, content.Height, content.Width);
        for (var c = 0; c < content.Channels; c++)
        {
            var contentLow = Low(content.ReadPlane(c), content.Height, content.Width);
            var styleLow = Low(style.ReadPlane(c), style.Height, style.Width);
            var src = content.ReadPlane(c);
            var dst = result.Plane(c);
            for (var i = 0; i < dst.Length; i++)
            {
                dst[i] = src[i] - contentLow[i] + styleLow[i];
            }
        }

        return result;
    }

    /// <summary>The low-frequency residual after <see cref="Levels"/> blurs (x minus the summed detail).</summary>
    private static double[] Low(ReadOnlySpan<double> plane, int h, int w)
    {
        var x = plane.ToArray();
        var tmp = new double[x.Length];
        var next = new double[x.Length];
        ReadOnlySpan<double> k = [0.25, 0.5, 0.25];
        for (var level = 0; level < Levels; level++)
        {
            var d = 1 << level;
            for (var y = 0; y < h; y++)
            {
                for (var i = 0; i < w; i++)
                {
                    double s = 0;
                    for (var j = -1; j <= 1; j++)
                    {
                        s += k[j + 1] * x[y * w + Math.Clamp(i + j * d, 0, w - 1)];
                    }

                    tmp[y * w + i] = s;
                }
            }

            for (var y = 0; y < h; y++)
            {
                for (var i = 0; i < w; i++)
                {
                    double s = 0;
                    for (var j = -1; j <= 1; j++)
                    {
                        s += k[j + 1] * tmp[Math.Clamp(y + j * d, 0, h - 1) * w + i];
                    }

                    next[y * w + i] = s;
                }
            }

            (x, next) = (next, x);
        }

        return x;
    }
}
