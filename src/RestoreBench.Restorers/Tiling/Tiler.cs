using RestoreBench.Core.Compute;
using RestoreBench.Core.Imaging;
using RestoreBench.Degradations.Blur;

namespace RestoreBench.Restorers.Tiling;

/// <summary>
/// Runs an image-to-image function tile by tile and blends the tiles with feathered weights, so that
/// large images run in bounded memory: besides the input and the output, only one tile and its
/// result and a window of one tile row of output are held, plus a few rows of weights;
/// <see cref="ApplyRows"/> does without the full output, handing finished rows to a writer.
/// <para>
/// Layout, per axis of length L with tile size T and overlap O: one tile when L ≤ T, else
/// n = ceil((L − O) / (T − O)) tiles spread evenly from 0 to L − T, so that neighbours overlap by at
/// least O. Blending: at each inner tile edge (not at the image border) a tile's weight is 0 over a
/// margin of m = ⌊O/4⌋ input pixels, then ramps linearly to 1 over the next O − 2m pixels
/// (in output pixels: both scaled by the function's scale s); the 2-D weight is the product of the
/// two axes. Each output pixel is the weighted mean of the tiles covering it, accumulated in a fixed
/// tile order as a running mean, so where all contributing tiles agree the output equals their value
/// exactly. Hence with a function whose receptive-field radius is at most m, tiled and whole-image
/// outputs are bit-identical. Results do not depend on the thread count.
/// </para>
/// </summary>
public static class Tiler
{
    /// <summary>Most rows in one band handed over by <see cref="ApplyRows"/> when tiling.</summary>
    public const int BandRows = 32;

    /// <summary>
    /// Applies <paramref name="function"/> to <paramref name="input"/> in tiles (or whole, see
    /// <see cref="TileOptions.IsTiled"/>), padding each call's input to <see cref="TileOptions.PadMultiple"/>.
    /// </summary>
    /// <param name="input">The image.</param>
    /// <param name="scale">Output/input size ratio of the function (integer ≥ 1).</param>
    /// <param name="options">Tile size, overlap and padding.</param>
    /// <param name="function">Maps a C x h x w tile to a C x h·s x w·s result.</param>
    /// <param name="threads">Threads for the blending loops (0 = all cores); the function parallelises itself.</param>
    /// <param name="cancellationToken">Checked between tiles.</param>
    /// <exception cref="RestorerException">The function returned a result of the wrong shape.</exception>
    public static ImageTensor Apply(ImageTensor input, int scale, TileOptions options, Func<ImageTensor, ImageTensor> function, int threads = 0, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(function);
        ArgumentOutOfRangeException.ThrowIfLessThan(scale, 1);
        int h = input.Height, w = input.Width, t = options.TileSize;
        if (!options.IsTiled || (h <= t && w <= t))
        {
            cancellationToken.ThrowIfCancellationRequested();
            return RunPadded(input, scale, options, function);
        }

        var output = new ImageTensor(input.Channels, h * scale, w * scale);
        ApplyRows(input, scale, options, function, (band, firstRow) =>
        {
            for (var c = 0; c < band.Channels; c++)
            {
                band.ReadPlane(c).CopyTo(output.Plane(c).Slice(firstRow * output.Width));
            }
        }, threads, cancellationToken);
        return output;
    }

    /// <summary>
    /// Like <see cref="Apply"/>, but hands the output to <paramref name="rows"/> in bands of finished rows,
    /// top to bottom, as soon as no later tile touches them, instead of assembling the whole image: the
    /// bands are bit-identical to the rows of <see cref="Apply"/>'s result. Besides the input, only a
    /// window of one tile row of output (tile height · s rows of the full output width), one tile and its
    /// result are held, so a 4K input at ×4 can be written without a full-size float64 output.
    /// </summary>
    /// <param name="input">The image.</param>
    /// <param name="scale">Output/input size ratio of the function (integer ≥ 1).</param>
    /// <param name="options">Tile size, overlap and padding.</param>
    /// <param name="function">Maps a C x h x w tile to a C x h·s x w·s result.</param>
    /// <param name="rows">
    /// Receives each band (C x k x W·s with k ≤ <see cref="BandRows"/> when tiled; the tensor is reused
    /// for the next band, so copy what must be kept) and the output row of its first row; the bands
    /// cover rows 0 … H·s − 1 once each, in order.
    /// </param>
    /// <param name="threads">Threads for the blending loops (0 = all cores).</param>
    /// <param name="cancellationToken">Checked between tiles.</param>
    /// <exception cref="RestorerException">The function returned a result of the wrong shape.</exception>
    public static void ApplyRows(ImageTensor input, int scale, TileOptions options, Func<ImageTensor, ImageTensor> function, Action<ImageTensor, int> rows, int threads = 0, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentOutOfRangeException.ThrowIfLessThan(scale, 1);
        int h = input.Height, w = input.Width, t = options.TileSize;
        if (!options.IsTiled || (h <= t && w <= t))
        {
            cancellationToken.ThrowIfCancellationRequested();
            rows(RunPadded(input, scale, options, function), 0);
            return;
        }

        var ys = TileStarts(h, t, options.Overlap);
        var xs = TileStarts(w, t, options.Overlap);
        int tileH = Math.Min(t, h), tileW = Math.Min(t, w);
        var window = new Window(input.Channels, tileH * scale, w * scale);

        var columnWeights = new double[xs.Count][];
        var columnTotal = new double[w * scale];
        for (var c = 0; c < xs.Count; c++)
        {
            columnWeights[c] = EdgeWeights(xs[c], tileW, w, options, scale);
            for (var j = 0; j < columnWeights[c].Length; j++)
            {
                columnTotal[xs[c] * scale + j] += columnWeights[c][j];
            }
        }

        var rowsDone = new double[h * scale];
        var columnsDone = new double[w * scale];
        var parallel = Parallelism.Options(threads);
        for (var r = 0; r < ys.Count; r++)
        {
            // Rows above this tile row are final: no later tile reaches them.
            window.MoveTo(ys[r] * scale, rows);
            var rowWeights = EdgeWeights(ys[r], tileH, h, options, scale);
            Array.Clear(columnsDone);
            for (var c = 0; c < xs.Count; c++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var tile = input.Crop(ys[r], xs[c], tileH, tileW);
                var result = RunPadded(tile, scale, options, function);
                var blend = new Blend(window.Buffer, result, ys[r] * scale, window.Start, xs[c] * scale, rowWeights, columnWeights[c], rowsDone, columnTotal, columnsDone);
                Parallel.For(0, result.Height, parallel, blend.Row);
                var x0 = xs[c] * scale;
                for (var j = 0; j < columnWeights[c].Length; j++)
                {
                    columnsDone[x0 + j] += columnWeights[c][j];
                }
            }

            var y0 = ys[r] * scale;
            for (var i = 0; i < rowWeights.Length; i++)
            {
                rowsDone[y0 + i] += rowWeights[i];
            }
        }

        window.MoveTo(h * scale, rows);
    }

    /// <summary>
    /// Tile start positions along an axis: [0] when <paramref name="length"/> ≤ <paramref name="tileSize"/>
    /// (or the tile size is 0); otherwise n = ceil((L − O)/(T − O)) starts rounded from i·(L − T)/(n − 1).
    /// </summary>
    public static IReadOnlyList<int> TileStarts(int length, int tileSize, int overlap)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        ArgumentOutOfRangeException.ThrowIfNegative(tileSize);
        if (tileSize == 0 || length <= tileSize)
        {
            return [0];
        }

        if (overlap < 0 || overlap >= tileSize)
        {
            throw new ArgumentOutOfRangeException(nameof(overlap), overlap, "The overlap must be in [0, tile size).");
        }

        var stride = tileSize - overlap;
        var count = (length - overlap + stride - 1) / stride;
        var span = (long)(length - tileSize);
        var starts = new int[count];
        for (var i = 0; i < count; i++)
        {
            // round(i·span / (count − 1)), halves up, in integers.
            starts[i] = (int)((2 * i * span + (count - 1)) / (2L * (count - 1)));
        }

        return starts;
    }

    /// <summary>
    /// Blending weights along one axis of a tile, per output pixel (length·scale values): the product
    /// of a ramp at the leading edge (when start &gt; 0) and at the trailing edge (when the tile ends
    /// before the image), each 0 over the margin and linear over the rest of the overlap.
    /// </summary>
    public static double[] EdgeWeights(int start, int length, int total, TileOptions options, int scale)
    {
        ArgumentNullException.ThrowIfNull(options);
        var weights = new double[length * scale];
        var margin = (double)options.Margin * scale;
        var ramp = (double)(options.Overlap - 2 * options.Margin) * scale;
        var leading = start > 0 && options.Overlap > 0;
        var trailing = start + length < total && options.Overlap > 0;
        for (var i = 0; i < weights.Length; i++)
        {
            var weight = 1.0;
            if (leading)
            {
                weight *= Ramp(i, margin, ramp);
            }

            if (trailing)
            {
                weight *= Ramp(weights.Length - 1 - i, margin, ramp);
            }

            weights[i] = weight;
        }

        return weights;
    }

    private static double Ramp(int distance, double margin, double ramp) =>
        Math.Clamp((distance + 0.5 - margin) / ramp, 0.0, 1.0);

    /// <summary>Pads to the multiple, runs the function, checks the shape and crops the padding away.</summary>
    private static ImageTensor RunPadded(ImageTensor tile, int scale, TileOptions options, Func<ImageTensor, ImageTensor> function)
    {
        var m = options.PadMultiple;
        int h = tile.Height, w = tile.Width;
        int ph = (h + m - 1) / m * m, pw = (w + m - 1) / m * m;
        var padded = ph == h && pw == w ? tile : Pad(tile, ph, pw, options.PadMode);
        var result = function(padded) ?? throw new RestorerException("the tile function returned no image");
        if (result.Channels != tile.Channels || result.Height != ph * scale || result.Width != pw * scale)
        {
            throw new RestorerException($"the model returned {result.ShapeText} for a {padded.ShapeText} input; expected {tile.Channels}x{ph * scale}x{pw * scale} (scale {scale})");
        }

        return ph == h && pw == w ? result : result.Crop(0, 0, h * scale, w * scale);
    }

    /// <summary>Extends the tile at its bottom and right to ph x pw.</summary>
    internal static ImageTensor Pad(ImageTensor tile, int ph, int pw, BorderMode mode)
    {
        int h = tile.Height, w = tile.Width;
        var padded = new ImageTensor(tile.Channels, ph, pw);
        for (var c = 0; c < tile.Channels; c++)
        {
            var src = tile.ReadPlane(c);
            var dst = padded.Plane(c);
            for (var y = 0; y < ph; y++)
            {
                var sy = Borders.Map(y, h, mode);
                for (var x = 0; x < pw; x++)
                {
                    var sx = Borders.Map(x, w, mode);
                    dst[y * pw + x] = sy < 0 || sx < 0 ? 0.0 : src[sy * w + sx];
                }
            }
        }

        return padded;
    }

    /// <summary>
    /// Merges one tile result into the output as a running weighted mean. Before this tile, the weight
    /// already accumulated at output pixel (Y, X) is rowsDone[Y]·columnTotal[X] (finished tile rows)
    /// plus wy[Y]·columnsDone[X] (earlier tiles of the current row), because the 2-D weights are products.
    /// </summary>
    /// <remarks><paramref name="output"/> holds the output rows from <paramref name="bufferStart"/> on (the window).</remarks>
    private sealed class Blend(ImageTensor output, ImageTensor tile, int y0, int bufferStart, int x0, double[] wy, double[] wx,
        double[] rowsDone, double[] columnTotal, double[] columnsDone)
    {
        public void Row(int i)
        {
            var rowWeight = wy[i];
            if (rowWeight == 0.0)
            {
                return;
            }

            int tw = tile.Width, ow = output.Width, y = y0 + i;
            var before = rowsDone[y];
            for (var c = 0; c < tile.Channels; c++)
            {
                var src = tile.ReadPlane(c).Slice(i * tw, tw);
                var dst = output.Plane(c).Slice((y - bufferStart) * ow + x0, tw);
                for (var j = 0; j < tw; j++)
                {
                    var weight = rowWeight * wx[j];
                    if (weight == 0.0)
                    {
                        continue;
                    }

                    var accumulated = before * columnTotal[x0 + j] + rowWeight * columnsDone[x0 + j];
                    if (accumulated == 0.0)
                    {
                        dst[j] = src[j];
                    }
                    else
                    {
                        dst[j] += weight / (accumulated + weight) * (src[j] - dst[j]);
                    }
                }
            }
        }
    }

    /// <summary>
    /// The rows of the output that tiles may still change: output rows [Start, Start + Buffer.Height)
    /// (zero until a tile writes them). Moving it down hands the rows it leaves to the receiver in bands
    /// of at most <see cref="BandRows"/> rows, copied into one reused tensor (so that no large array is
    /// allocated per tile row), then shifts the remaining rows up.
    /// </summary>
    private sealed class Window(int channels, int height, int width)
    {
        private ImageTensor? _band;

        public ImageTensor Buffer { get; } = new(channels, height, width);

        public int Start { get; private set; }

        public void MoveTo(int newStart, Action<ImageTensor, int> rows)
        {
            var leaving = Math.Min(newStart - Start, Buffer.Height);
            if (leaving <= 0)
            {
                return;
            }

            int w = Buffer.Width, kept = Buffer.Height - leaving;
            for (var first = 0; first < leaving; first += BandRows)
            {
                var count = Math.Min(BandRows, leaving - first);
                var band = count == BandRows ? _band ??= new ImageTensor(Buffer.Channels, BandRows, w) : new ImageTensor(Buffer.Channels, count, w);
                for (var c = 0; c < Buffer.Channels; c++)
                {
                    Buffer.ReadPlane(c).Slice(first * w, count * w).CopyTo(band.Plane(c));
                }

                rows(band, Start + first);
            }

            for (var c = 0; c < Buffer.Channels; c++)
            {
                var plane = Buffer.Plane(c);
                plane.Slice(leaving * w, kept * w).CopyTo(plane);
                plane[(kept * w)..].Clear();
            }

            Start += leaving;
            if (Start < newStart)
            {
                MoveTo(newStart, rows);
            }
        }
    }
}
