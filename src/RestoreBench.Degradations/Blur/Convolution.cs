using System.Buffers;
using RestoreBench.Core.Compute;
using RestoreBench.Core.Imaging;

namespace RestoreBench.Degradations.Blur;

/// <summary>
/// Correlation of every channel with a kernel (equal to convolution for the symmetric kernels used
/// here), same-size output, float64, no rounding. Separable kernels filter rows, then columns.
/// </summary>
public static class Convolution
{
    /// <summary>
    /// Filters with a separable kernel: horizontal pass with <paramref name="kx"/>, then vertical with
    /// <paramref name="ky"/>. Output (y, x) = Σ_t ky[t]·H(y + t − ry, x) over taps in order, with
    /// H(r, x) = Σ_s kx[s]·I(r, x + s − rx), r = length / 2, out-of-image indices mapped by
    /// <paramref name="border"/> (zero samples skipped in the vertical sum); every sum starts at 0
    /// and adds the products one by one (no fused multiply-add), so the SIMD and scalar paths and
    /// every thread count give bit-identical results.
    /// </summary>
    /// <param name="image">Input, any value range.</param>
    /// <param name="kx">Horizontal taps (non-empty).</param>
    /// <param name="ky">Vertical taps (non-empty).</param>
    /// <param name="border">How samples outside the image are defined.</param>
    /// <param name="threads">Threads (≥ 0; 0 = all logical cores). Does not change the result.</param>
    public static ImageTensor Separable(ImageTensor image, double[] kx, double[] ky, BorderMode border, int threads = 0) =>
        Separable(image, kx, ky, border, threads, SimdPaths.Best);

    /// <summary>
    /// <see cref="Separable(ImageTensor, double[], double[], BorderMode, int)"/> with the inner loops
    /// chosen explicitly. Rows are streamed in column tiles of <paramref name="tileWidth"/> outputs:
    /// each band of output rows keeps the horizontally filtered tile rows it needs in a ring of
    /// <c>ky.Length</c> rows, so no full-size intermediate plane is allocated and the ring stays in
    /// cache. The tiling does not change any value.
    /// </summary>
    internal static ImageTensor Separable(ImageTensor image, double[] kx, double[] ky, BorderMode border, int threads, SimdPath path, int tileWidth = DefaultTileWidth)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(tileWidth);
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(kx);
        ArgumentNullException.ThrowIfNull(ky);
        if (kx.Length == 0 || ky.Length == 0)
        {
            throw new ArgumentException("Separable kernels need at least one tap each.", kx.Length == 0 ? nameof(kx) : nameof(ky));
        }

        var degree = RowBands.Resolve(threads);
        var result = new ImageTensor(image.Channels, image.Height, image.Width);
        RowBands.Run(image.Height, degree, (first, end) => SeparableBand(image, result, kx, ky, border, first, end, path, tileWidth));
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

    /// <summary>Output columns per tile: the ring of filtered rows of one tile stays in the L1/L2 cache.</summary>
    internal const int DefaultTileWidth = 256;

    /// <summary>Output rows [first, end) of every channel, in column tiles.</summary>
    private static void SeparableBand(ImageTensor image, ImageTensor result, double[] kx, double[] ky, BorderMode border, int first, int end, SimdPath path, int tileWidth)
    {
        int h = image.Height, w = image.Width;
        int rx = kx.Length / 2, ry = ky.Length / 2;
        var tile = Math.Min(w, tileWidth);

        // Ring of horizontally filtered tile rows: source row r lives in slot r mod ringRows. With
        // h > ky.Length the rows one output row needs lie within fewer than ky.Length consecutive
        // source rows (a border reflects at most ry rows), so they never share a slot; otherwise
        // every row has a slot of its own. Checked below anyway.
        var ringRows = Math.Min(h, ky.Length);

        // Per output row: its taps that hit the image (source row, ring slot, weight), in tap order.
        var rows = end - first;
        var tapCount = new int[rows];
        var tapRow = new int[rows * ky.Length];
        var tapSlot = new int[rows * ky.Length];
        var tapWeight = new double[rows * ky.Length];
        for (var y = first; y < end; y++)
        {
            var n = 0;
            var at = (y - first) * ky.Length;
            for (var t = 0; t < ky.Length; t++)
            {
                var sy = Borders.Map(y + t - ry, h, border);
                if (sy >= 0)
                {
                    tapRow[at + n] = sy;
                    tapSlot[at + n] = sy % ringRows;
                    tapWeight[at + n] = ky[t];
                    n++;
                }
            }

            tapCount[y - first] = n;
        }

        var pool = ArrayPool<double>.Shared;
        var ring = pool.Rent(ringRows * tile);
        var window = pool.Rent(tile + kx.Length - 1);
        var owner = new int[ringRows];
        var offsets = new int[ky.Length];
        try
        {
            for (var c = 0; c < image.Channels; c++)
            {
                for (var x0 = 0; x0 < w; x0 += tile)
                {
                    var tw = Math.Min(tile, w - x0);
                    owner.AsSpan().Fill(-1);
                    for (var y = first; y < end; y++)
                    {
                        var at = (y - first) * ky.Length;
                        var taps = tapCount[y - first];
                        for (var i = 0; i < taps; i++)
                        {
                            var sy = tapRow[at + i];
                            var slot = tapSlot[at + i];
                            if (owner[slot] != sy)
                            {
                                // Outputs x0 … x0 + tw − 1 read source columns x0 − rx … x0 + tw − rx + kx.Length − 2.
                                var row = image.ReadPlane(c).Slice(sy * w, w);
                                var from = x0 - rx;
                                var length = tw + kx.Length - 1;
                                ReadOnlySpan<double> input;
                                if (from >= 0 && from + length <= w)
                                {
                                    input = row.Slice(from, length);
                                }
                                else
                                {
                                    for (var j = 0; j < length; j++)
                                    {
                                        var sx = Borders.Map(from + j, w, border);
                                        window[j] = sx < 0 ? 0.0 : row[sx];
                                    }

                                    input = window.AsSpan(0, length);
                                }

                                RowKernels.Correlate(input, kx, ring.AsSpan(slot * tile, tw), path);
                                owner[slot] = sy;
                            }

                            offsets[i] = slot * tile;
                        }

                        for (var i = 0; i < taps; i++)
                        {
                            if (owner[tapSlot[at + i]] != tapRow[at + i])
                            {
                                throw new InvalidOperationException($"Separable filter ring overwrote source row {tapRow[at + i]} needed by output row {y}.");
                            }
                        }

                        RowKernels.WeightedRows(ring.AsSpan(0, ringRows * tile), offsets.AsSpan(0, taps), tapWeight.AsSpan(at, taps), result.Plane(c).Slice(y * w + x0, tw), path);
                    }
                }
            }
        }
        finally
        {
            pool.Return(window);
            pool.Return(ring);
        }
    }
}
