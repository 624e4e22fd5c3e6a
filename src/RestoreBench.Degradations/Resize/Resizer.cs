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
        return Resize(image, outH, outW, scale, scale, kernel, antialias, threads, SimdPaths.Best);
    }

    /// <summary>Resizes to an explicit size; per-dimension scales are out/in, as MATLAB's <c>imresize(A, [m n])</c>.</summary>
    public static ImageTensor ResizeTo(ImageTensor image, int height, int width, ResizeKernel kernel = ResizeKernel.Bicubic, bool antialias = true, int threads = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        return Resize(image, height, width, (double)height / image.Height, (double)width / image.Width, kernel, antialias, threads, SimdPaths.Best);
    }

    /// <summary>MATLAB's output length for a scale: ceil(n·s), at least 1.</summary>
    public static int OutputLength(int inputLength, double scale) => Math.Max(1, (int)Math.Ceiling(inputLength * scale - 1e-9));

    /// <summary>Resizes one plane (row-major, any value scale) on the calling thread, e.g. a luma plane for NIQE.</summary>
    public static double[] ResizePlane(ReadOnlySpan<double> plane, int height, int width, double scale, ResizeKernel kernel = ResizeKernel.Bicubic, bool antialias = true)
    {
        if (plane.Length != (long)height * width)
        {
            throw new ArgumentException($"Expected {height}x{width} = {(long)height * width} samples, got {plane.Length}.", nameof(plane));
        }

        var outH = OutputLength(height, scale);
        var outW = OutputLength(width, scale);
        var rows = ResizeWeights.Create(height, outH, scale, kernel, antialias);
        var cols = ResizeWeights.Create(width, outW, scale, kernel, antialias);
        var path = SimdPaths.Best;
        var output = new double[outH * outW];
        if (RowsFirst(scale, scale))
        {
            var temp = new double[outH * width];
            Vertical(plane, width, rows, temp, 0, outH, path);
            Horizontal(temp, width, cols, output, 0, outH, path);
        }
        else
        {
            var temp = new double[height * outW];
            Horizontal(plane, width, cols, temp, 0, height, path);
            Vertical(temp, outW, rows, output, 0, outH, path);
        }

        return output;
    }

    /// <summary>
    /// <see cref="Resize(ImageTensor, double, ResizeKernel, bool, int)"/> to an explicit size with the
    /// inner loops chosen explicitly (all <see cref="SimdPath"/> flavours give bit-identical results).
    /// </summary>
    internal static ImageTensor Resize(ImageTensor image, int outH, int outW, double scaleH, double scaleW, ResizeKernel kernel, bool antialias, int threads, SimdPath path)
    {
        ArgumentNullException.ThrowIfNull(image);
        var degree = RowBands.Resolve(threads);
        int h = image.Height, w = image.Width;
        var rows = ResizeWeights.Create(h, outH, scaleH, kernel, antialias);
        var cols = ResizeWeights.Create(w, outW, scaleW, kernel, antialias);
        var result = new ImageTensor(image.Channels, outH, outW);
        var rowsFirst = RowsFirst(scaleH, scaleW);
        var temp = new double[rowsFirst ? outH * w : h * outW];
        for (var c = 0; c < image.Channels; c++)
        {
            var channel = c;
            if (rowsFirst)
            {
                RowBands.Run(outH, degree, (first, end) => Vertical(image.ReadPlane(channel), w, rows, temp, first, end, path));
                RowBands.Run(outH, degree, (first, end) => Horizontal(temp, w, cols, result.Plane(channel), first, end, path));
            }
            else
            {
                RowBands.Run(h, degree, (first, end) => Horizontal(image.ReadPlane(channel), w, cols, temp, first, end, path));
                RowBands.Run(outH, degree, (first, end) => Vertical(temp, outW, rows, result.Plane(channel), first, end, path));
            }
        }

        return result;
    }

    /// <summary>MATLAB order: the dimension with the smaller scale first, rows on ties.</summary>
    private static bool RowsFirst(double scaleH, double scaleW) => scaleH <= scaleW;

    /// <summary>Columns per tile of the pass along the height: the input rows one tile needs stay in the L1 cache.</summary>
    private const int VerticalTileWidth = 256;

    /// <summary>
    /// Output rows [first, end) of the resize along the height: row r = Σ_t w[r,t] · input row idx[r,t]
    /// (non-zero weights, tap order), computed in column tiles so that consecutive output rows reuse
    /// the cached parts of the input rows they share.
    /// </summary>
    private static void Vertical(ReadOnlySpan<double> input, int width, ResizeWeights table, Span<double> output, int first, int end, SimdPath path)
    {
        var offsets = new int[table.Taps];
        for (var x0 = 0; x0 < width; x0 += VerticalTileWidth)
        {
            var tw = Math.Min(VerticalTileWidth, width - x0);
            for (var r = first; r < end; r++)
            {
                int start = table.Starts[r], count = table.Starts[r + 1] - start;
                for (var t = 0; t < count; t++)
                {
                    offsets[t] = table.NonZeroIndices[start + t] * width + x0;
                }

                RowKernels.WeightedRows(input, offsets.AsSpan(0, count), table.NonZeroWeights.AsSpan(start, count), output.Slice(r * width + x0, tw), path);
            }
        }
    }

    /// <summary>Rows [first, end) of the resize along the width: column c = Σ_t w[c,t] · input column idx[c,t] (non-zero weights, tap order).</summary>
    private static void Horizontal(ReadOnlySpan<double> input, int width, ResizeWeights table, Span<double> output, int first, int end, SimdPath path) =>
        RowKernels.ResampleRows(input, width, table.Starts, table.NonZeroIndices, table.NonZeroWeights, output, first, end, path);
}
