using RestoreBench.Core.Compute;
using RestoreBench.Core.Imaging;

namespace RestoreBench.Degradations.Resize;

/// <summary>
/// MATLAB-compatible <c>imresize</c>: separable, float64, symmetric borders, antialiasing when
/// downscaling (except 'nearest'), output size <c>ceil(H·s) x ceil(W·s)</c> for a scale s. The
/// dimension with the smaller scale is processed first (rows first on ties), as MATLAB does.
/// No rounding or clipping: that happens only when an image is written.
/// </summary>
public static class Resizer
{
    /// <summary>Resizes by one scale factor for both dimensions (e.g. 0.25 for ×4 downsampling).</summary>
    public static ImageTensor Resize(ImageTensor image, double scale, ResizeKernel kernel = ResizeKernel.Bicubic, bool antialias = true, int threads = 0)
    {
        if (!(scale > 0) || double.IsInfinity(scale))
        {
            throw new ArgumentOutOfRangeException(nameof(scale), scale, "Scale must be a positive finite number.");
        }

        var outH = OutputLength(image.Height, scale);
        var outW = OutputLength(image.Width, scale);
        return Resize(image, outH, outW, scale, scale, kernel, antialias, threads);
    }

    /// <summary>Resizes to an explicit size; per-dimension scales are out/in, as MATLAB's <c>imresize(A, [m n])</c>.</summary>
    public static ImageTensor ResizeTo(ImageTensor image, int height, int width, ResizeKernel kernel = ResizeKernel.Bicubic, bool antialias = true, int threads = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        return Resize(image, height, width, (double)height / image.Height, (double)width / image.Width, kernel, antialias, threads);
    }

    /// <summary>MATLAB's output length for a scale: ceil(n·s), at least 1.</summary>
    public static int OutputLength(int inputLength, double scale) => Math.Max(1, (int)Math.Ceiling(inputLength * scale - 1e-9));

    /// <summary>Resizes one plane (row-major, any value scale), e.g. a luma plane for NIQE.</summary>
    public static double[] ResizePlane(ReadOnlySpan<double> plane, int height, int width, double scale, ResizeKernel kernel = ResizeKernel.Bicubic, bool antialias = true)
    {
        var outH = OutputLength(height, scale);
        var outW = OutputLength(width, scale);
        var rows = ResizeWeights.Create(height, outH, scale, kernel, antialias);
        var cols = ResizeWeights.Create(width, outW, scale, kernel, antialias);
        var output = new double[outH * outW];
        ResizePlane(plane, height, width, rows, cols, output, scale, scale, Parallelism.Options(1));
        return output;
    }

    private static ImageTensor Resize(ImageTensor image, int outH, int outW, double scaleH, double scaleW, ResizeKernel kernel, bool antialias, int threads)
    {
        var rows = ResizeWeights.Create(image.Height, outH, scaleH, kernel, antialias);
        var cols = ResizeWeights.Create(image.Width, outW, scaleW, kernel, antialias);
        var result = new ImageTensor(image.Channels, outH, outW);
        var options = Parallelism.Options(threads);
        for (var c = 0; c < image.Channels; c++)
        {
            var output = new double[outH * outW];
            ResizePlane(image.ReadPlane(c), image.Height, image.Width, rows, cols, output, scaleH, scaleW, options);
            output.CopyTo(result.Plane(c));
        }

        return result;
    }

    private static void ResizePlane(ReadOnlySpan<double> input, int height, int width, ResizeWeights rows, ResizeWeights cols, double[] output, double scaleH, double scaleW, ParallelOptions options)
    {
        var source = input.ToArray();
        if (scaleH <= scaleW)
        {
            var temp = new double[rows.OutputLength * width];
            Vertical(source, width, rows, temp, options);
            Horizontal(temp, rows.OutputLength, width, cols, output, options);
        }
        else
        {
            var temp = new double[height * cols.OutputLength];
            Horizontal(source, height, width, cols, temp, options);
            Vertical(temp, cols.OutputLength, rows, output, options);
        }
    }

    /// <summary>Resizes along the height: output row r = Σ_t w[r,t] · input row idx[r,t].</summary>
    private static void Vertical(double[] input, int width, ResizeWeights table, double[] output, ParallelOptions options)
    {
        Parallel.For(0, table.OutputLength, options, r =>
        {
            var dst = output.AsSpan(r * width, width);
            dst.Clear();
            for (var t = 0; t < table.Taps; t++)
            {
                var w = table.Weights[r * table.Taps + t];
                if (w == 0.0)
                {
                    continue;
                }

                var src = input.AsSpan(table.Indices[r * table.Taps + t] * width, width);
                for (var x = 0; x < width; x++)
                {
                    dst[x] += w * src[x];
                }
            }
        });
    }

    /// <summary>Resizes along the width: output column c = Σ_t w[c,t] · input column idx[c,t].</summary>
    private static void Horizontal(double[] input, int height, int width, ResizeWeights table, double[] output, ParallelOptions options)
    {
        var outW = table.OutputLength;
        var taps = table.Taps;
        Parallel.For(0, height, options, y =>
        {
            var src = input.AsSpan(y * width, width);
            var dst = output.AsSpan(y * outW, outW);
            for (var c = 0; c < outW; c++)
            {
                var sum = 0.0;
                var offset = c * taps;
                for (var t = 0; t < taps; t++)
                {
                    var w = table.Weights[offset + t];
                    if (w != 0.0)
                    {
                        sum += w * src[table.Indices[offset + t]];
                    }
                }

                dst[c] = sum;
            }
        });
    }
}
