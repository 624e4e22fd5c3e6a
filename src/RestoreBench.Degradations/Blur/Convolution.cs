using System.Buffers;
using System.Runtime.CompilerServices;
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
    /// <c>ky.Length + 3</c> rows, so no full-size intermediate plane is allocated and the ring stays in
    /// cache; rows whose taps all fall inside the image are computed four at a time
    /// (<see cref="RowKernels.WeightedRowBlock"/>). Neither changes any value.
    /// </summary>
    internal static ImageTensor Separable(ImageTensor image, double[] kx, double[] ky, BorderMode border, int threads, SimdPath path, int tileWidth = DefaultTileWidth)
    {
        ArgumentNullException.ThrowIfNull(image);

        // Every sample is written, so the array need not be zeroed first.
        var result = new ImageTensor(image.Channels, image.Height, image.Width, GC.AllocateUninitializedArray<double>(image.Channels * image.PlaneSize));
        SeparableInto(image, kx, ky, border, result, threads, path, tileWidth);
        return result;
    }

    /// <summary>
    /// The separable filter written into <paramref name="destination"/> (same shape as
    /// <paramref name="image"/>, another tensor; every sample is overwritten). Lets callers and
    /// benchmarks reuse an output buffer instead of allocating a new image.
    /// </summary>
    internal static void SeparableInto(ImageTensor image, double[] kx, double[] ky, BorderMode border, ImageTensor destination, int threads, SimdPath path, int tileWidth = DefaultTileWidth)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(tileWidth);
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(kx);
        ArgumentNullException.ThrowIfNull(ky);
        ArgumentNullException.ThrowIfNull(destination);
        if (kx.Length == 0 || ky.Length == 0)
        {
            throw new ArgumentException("Separable kernels need at least one tap each.", kx.Length == 0 ? nameof(kx) : nameof(ky));
        }

        if (!destination.SameShape(image) || ReferenceEquals(destination, image))
        {
            throw new ArgumentException($"The destination must be another {image.ShapeText} image (filtering in place is not supported).", nameof(destination));
        }

        var degree = RowBands.Resolve(threads);
        RowBands.Run(image.Height, degree, (first, end) => SeparableBand(image, destination, kx, ky, border, first, end, path, tileWidth));
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

    /// <summary>
    /// Output columns per tile. A ring of <c>ky.Length + 3</c> filtered tile rows (≈ 360 KB for 19 taps)
    /// stays in a core's L2 cache, and whole rows of DIV2K-size images (2040 wide) form one tile, so
    /// the input is read row after row.
    /// </summary>
    internal const int DefaultTileWidth = 2048;

    /// <summary>Output rows [first, end) of every channel, in column tiles.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs once per call: without it the first calls of a process run unoptimised code (several times slower)
    private static void SeparableBand(ImageTensor image, ImageTensor result, double[] kx, double[] ky, BorderMode border, int first, int end, SimdPath path, int tileWidth)
    {
        int h = image.Height, w = image.Width;
        int ry = ky.Length / 2;
        var tile = Math.Min(w, tileWidth);
        const int block = RowKernels.RowBlock;

        // Ring of horizontally filtered tile rows: source row r lives in slot r mod ringRows. With
        // h > ringRows the rows one output row (or one block of rows) needs lie within fewer than
        // ringRows consecutive source rows (a border reflects at most ry rows), so they never share
        // a slot; otherwise every row has a slot of its own. Checked below anyway.
        var ringRows = Math.Min(h, ky.Length + block - 1);

        // Per output row: its taps that hit the image (source row, weight), in tap order.
        var rows = end - first;
        var tapCount = new int[rows];
        var tapRow = new int[rows * ky.Length];
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
        var sources = new int[ky.Length + block - 1];
        var offsets = new int[ky.Length + block - 1];
        try
        {
            for (var c = 0; c < image.Channels; c++)
            {
                var plane = image.ReadPlane(c);
                var output = result.Plane(c);
                for (var x0 = 0; x0 < w; x0 += tile)
                {
                    var tw = Math.Min(tile, w - x0);
                    owner.AsSpan().Fill(-1);

                    // Filters the source rows not already in their slots, checks that none evicted
                    // another of them, and gives their offsets in the ring.
                    Span<int> Load(ReadOnlySpan<double> plane, ReadOnlySpan<int> needed, int y)
                    {
                        foreach (var sy in needed)
                        {
                            var slot = sy % ringRows;
                            if (owner[slot] != sy)
                            {
                                FilterRow(plane.Slice(sy * w, w), x0, kx, border, window, ring.AsSpan(slot * tile, tw), path);
                                owner[slot] = sy;
                            }
                        }

                        for (var i = 0; i < needed.Length; i++)
                        {
                            var slot = needed[i] % ringRows;
                            if (owner[slot] != needed[i])
                            {
                                throw new InvalidOperationException($"Separable filter ring overwrote source row {needed[i]} needed by output row {y}.");
                            }

                            offsets[i] = slot * tile;
                        }

                        return offsets.AsSpan(0, needed.Length);
                    }

                    for (var y = first; y < end;)
                    {
                        // Interior blocks: rows y … y + 3 whose taps all fall inside the image, in order.
                        if (y + block <= end && y - ry >= 0 && y + block - 1 + ky.Length - 1 - ry < h)
                        {
                            for (var t = 0; t < sources.Length; t++)
                            {
                                sources[t] = y - ry + t;
                            }

                            RowKernels.WeightedRowBlock(ring, Load(plane, sources, y), ky, output[(y * w + x0)..], w, tw, path);
                            y += block;
                        }
                        else
                        {
                            var at = (y - first) * ky.Length;
                            var taps = tapCount[y - first];
                            RowKernels.WeightedRows(ring, Load(plane, tapRow.AsSpan(at, taps), y), tapWeight.AsSpan(at, taps), output.Slice(y * w + x0, tw), path);
                            y++;
                        }
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

    /// <summary>
    /// Horizontal pass of one tile of one row: destination[i] = Σ_s kx[s]·I(x0 + i + s − rx). The
    /// outputs whose taps all fall inside the row read it directly; the others read
    /// <paramref name="window"/> (tile + kx.Length − 1 samples), filled with samples mapped by
    /// <paramref name="border"/> (zero samples read as 0).
    /// </summary>
    private static void FilterRow(ReadOnlySpan<double> row, int x0, double[] kx, BorderMode border, double[] window, Span<double> destination, SimdPath path)
    {
        int w = row.Length, rx = kx.Length / 2, tw = destination.Length;

        // Outputs [lo, hi) (tile coordinates) need only samples inside the row.
        var lo = Math.Clamp(rx - x0, 0, tw);
        var hi = Math.Clamp(w - kx.Length + 1 + rx - x0, lo, tw);
        if (hi > lo)
        {
            RowKernels.Correlate(row.Slice(x0 + lo - rx, hi - lo + kx.Length - 1), kx, destination[lo..hi], path);
        }

        foreach (var (start, stop) in new[] { (0, lo), (hi, tw) })
        {
            if (stop > start)
            {
                var length = stop - start + kx.Length - 1;
                for (var j = 0; j < length; j++)
                {
                    var sx = Borders.Map(x0 + start - rx + j, w, border);
                    window[j] = sx < 0 ? 0.0 : row[sx];
                }

                RowKernels.Correlate(window.AsSpan(0, length), kx, destination[start..stop], path);
            }
        }
    }
}
