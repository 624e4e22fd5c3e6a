using RestoreBench.Core.Compute;
using RestoreBench.Core.Imaging;

namespace RestoreBench.Degradations.Blur;

/// <summary>
/// Correlation of every channel with a kernel (equal to convolution for the symmetric kernels used
/// here), same-size output, float64, no rounding. Separable kernels filter rows, then columns.
/// </summary>
public static class Convolution
{
    /// <summary>Filters with a separable kernel: horizontal pass with <paramref name="kx"/>, then vertical with <paramref name="ky"/>.</summary>
    public static ImageTensor Separable(ImageTensor image, double[] kx, double[] ky, BorderMode border, int threads = 0)
    {
        var result = new ImageTensor(image.Channels, image.Height, image.Width);
        var options = Parallelism.Options(threads);
        for (var c = 0; c < image.Channels; c++)
        {
            var temp = new double[image.PlaneSize];
            Horizontal(image.ReadPlane(c).ToArray(), image.Height, image.Width, kx, border, temp, options);
            var output = new double[image.PlaneSize];
            Vertical(temp, image.Height, image.Width, ky, border, output, options);
            output.CopyTo(result.Plane(c));
        }

        return result;
    }

    /// <summary>Filters with a square 2-D kernel [size, size] (row = y).</summary>
    public static ImageTensor Full(ImageTensor image, double[] kernel, int size, BorderMode border, int threads = 0)
    {
        if (kernel.Length != size * size || size % 2 == 0)
        {
            throw new ArgumentException($"Expected an odd square kernel of {size}x{size}.", nameof(kernel));
        }

        var result = new ImageTensor(image.Channels, image.Height, image.Width);
        int h = image.Height, w = image.Width, r = size / 2;
        var options = Parallelism.Options(threads);
        for (var c = 0; c < image.Channels; c++)
        {
            var src = image.ReadPlane(c).ToArray();
            var dst = new double[image.PlaneSize];
            Parallel.For(0, h, options, y =>
            {
                for (var x = 0; x < w; x++)
                {
                    var sum = 0.0;
                    for (var ky = 0; ky < size; ky++)
                    {
                        var sy = Borders.Map(y + ky - r, h, border);
                        if (sy < 0)
                        {
                            continue;
                        }

                        for (var kx = 0; kx < size; kx++)
                        {
                            var sx = Borders.Map(x + kx - r, w, border);
                            if (sx >= 0)
                            {
                                sum += kernel[ky * size + kx] * src[sy * w + sx];
                            }
                        }
                    }

                    dst[y * w + x] = sum;
                }
            });
            dst.CopyTo(result.Plane(c));
        }

        return result;
    }

    private static void Horizontal(double[] src, int h, int w, double[] k, BorderMode border, double[] dst, ParallelOptions options)
    {
        var r = k.Length / 2;
        Parallel.For(0, h, options, () => new double[w + 2 * r], (y, _, padded) =>
        {
            for (var i = 0; i < padded.Length; i++)
            {
                var sx = Borders.Map(i - r, w, border);
                padded[i] = sx < 0 ? 0.0 : src[y * w + sx];
            }

            var row = dst.AsSpan(y * w, w);
            for (var x = 0; x < w; x++)
            {
                var sum = 0.0;
                for (var t = 0; t < k.Length; t++)
                {
                    sum += k[t] * padded[x + t];
                }

                row[x] = sum;
            }

            return padded;
        }, _ => { });
    }

    private static void Vertical(double[] src, int h, int w, double[] k, BorderMode border, double[] dst, ParallelOptions options)
    {
        var r = k.Length / 2;
        Parallel.For(0, h, options, y =>
        {
            var row = dst.AsSpan(y * w, w);
            row.Clear();
            for (var t = 0; t < k.Length; t++)
            {
                var sy = Borders.Map(y + t - r, h, border);
                if (sy < 0)
                {
                    continue;
                }

                var weight = k[t];
                var source = src.AsSpan(sy * w, w);
                for (var x = 0; x < w; x++)
                {
                    row[x] += weight * source[x];
                }
            }
        });
    }
}
