using RestoreBench.Core.Imaging;

namespace RestoreBench.Metrics.Alignment;

/// <summary>
/// Pillow's bicubic resampling (<c>Image.resize(size, Image.BICUBIC)</c>, Resample.c): Keys cubic with
/// a = −0.5, support 2 widened by the scale factor when shrinking (antialiasing), per-output weights
/// normalised to sum 1, edge pixels handled by cutting the kernel window at the border; horizontal pass
/// first, then vertical. Computed in float64 on [0, 1] samples, so it matches Pillow's mode <c>F</c>
/// (float32) resize; Pillow's 8-bit path additionally rounds to integers. This is not MATLAB
/// <c>imresize</c> (see <c>Degradations.Resize.Resizer</c>), which uses a = −0.5 too but different
/// border handling.
/// </summary>
public static class PilBicubic
{
    /// <summary>Resizes <paramref name="image"/> to <paramref name="height"/> x <paramref name="width"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive.</exception>
    public static ImageTensor Resize(ImageTensor image, int height, int width)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        var current = image;
        if (width != image.Width)
        {
            current = Pass(current, width, horizontal: true);
        }

        if (height != image.Height)
        {
            current = Pass(current, height, horizontal: false);
        }

        return ReferenceEquals(current, image) ? image.Clone() : current;
    }

    /// <summary>The Pillow bicubic kernel, a = −0.5.</summary>
    internal static double Kernel(double x)
    {
        const double a = -0.5;
        if (x < 0.0)
        {
            x = -x;
        }

        if (x < 1.0)
        {
            return (((a + 2.0) * x) - (a + 3.0)) * x * x + 1;
        }

        if (x < 2.0)
        {
            return (((x - 5) * x + 8) * x - 4) * a;
        }

        return 0.0;
    }

    /// <summary>Window start and normalised weights for every output index (Pillow <c>precompute_coeffs</c>).</summary>
    internal static (int[] Start, int[] Count, double[] Weights, int KernelSize) Coefficients(int inSize, int outSize)
    {
        var scale = (double)inSize / outSize;
        var filterScale = Math.Max(scale, 1.0);
        var support = 2.0 * filterScale;
        var kernelSize = ((int)Math.Ceiling(support) * 2) + 1;
        var start = new int[outSize];
        var count = new int[outSize];
        var weights = new double[outSize * kernelSize];
        for (var o = 0; o < outSize; o++)
        {
            var center = (o + 0.5) * scale;
            var inverse = 1.0 / filterScale;
            var min = Math.Max((int)(center - support + 0.5), 0);
            var max = Math.Min((int)(center + support + 0.5), inSize) - min;
            var sum = 0.0;
            var row = weights.AsSpan(o * kernelSize, kernelSize);
            for (var k = 0; k < max; k++)
            {
                var w = Kernel((k + min - center + 0.5) * inverse);
                row[k] = w;
                sum += w;
            }

            if (sum != 0.0)
            {
                for (var k = 0; k < max; k++)
                {
                    row[k] /= sum;
                }
            }

            start[o] = min;
            count[o] = max;
        }

        return (start, count, weights, kernelSize);
    }

    private static ImageTensor Pass(ImageTensor src, int outSize, bool horizontal)
    {
        int h = src.Height, w = src.Width;
        var (start, count, weights, ks) = Coefficients(horizontal ? w : h, outSize);
        var dst = horizontal ? new ImageTensor(src.Channels, h, outSize) : new ImageTensor(src.Channels, outSize, w);
        for (var c = 0; c < src.Channels; c++)
        {
            var input = src.ReadPlane(c);
            var output = dst.Plane(c);
            if (horizontal)
            {
                for (var y = 0; y < h; y++)
                {
                    var line = input.Slice(y * w, w);
                    for (var o = 0; o < outSize; o++)
                    {
                        var s = 0.0;
                        var wt = weights.AsSpan(o * ks, count[o]);
                        var from = start[o];
                        for (var k = 0; k < wt.Length; k++)
                        {
                            s += line[from + k] * wt[k];
                        }

                        output[(y * outSize) + o] = s;
                    }
                }
            }
            else
            {
                for (var o = 0; o < outSize; o++)
                {
                    var target = output.Slice(o * w, w);
                    var wt = weights.AsSpan(o * ks, count[o]);
                    var from = start[o];
                    for (var k = 0; k < wt.Length; k++)
                    {
                        var line = input.Slice((from + k) * w, w);
                        var weight = wt[k];
                        for (var x = 0; x < w; x++)
                        {
                            target[x] += line[x] * weight;
                        }
                    }
                }
            }
        }

        return dst;
    }
}
