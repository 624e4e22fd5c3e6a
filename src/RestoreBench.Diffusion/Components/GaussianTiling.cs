using System.Numerics;
using System.Runtime.InteropServices;

namespace RestoreBench.Diffusion.Components;

/// <summary>
/// Applies a tensor-to-tensor function tile by tile and blends the results with Gaussian weights
/// (as DiffBIR's and MultiDiffusion's tiled sampling do): w(x) = exp(−(x − (n−1)/2)²/(2·(0.1·n)²))
/// along each axis of an output tile of side n, the 2-D weight the product; each output value is
/// Σ w·f / Σ w over the tiles covering it. Tile layout per axis (length L, tile T, overlap O):
/// one tile when L ≤ T, else ⌈(L − O)/(T − O)⌉ tiles with starts spread evenly over [0, L − T] and
/// rounded down to a multiple of <c>align</c>. Tiles are accumulated in a fixed order (rows of tiles,
/// top to bottom), so results do not depend on thread count.
/// <para>
/// An instance is one layout (input size, tile, size ratio) with its weights and their per-pixel
/// sums computed once, so that a sampler can blend tiles step after step without recomputing or
/// reallocating them (<see cref="Accumulate"/>, <see cref="Normalize"/>).
/// </para>
/// </summary>
public sealed class GaussianTiling
{
    private readonly double[] _weight;
    private readonly double[] _total;

    /// <summary>The layout for an input of <paramref name="height"/> x <paramref name="width"/> (tiled: <paramref name="tile"/>.IsTiled).</summary>
    /// <param name="height">Input height.</param>
    /// <param name="width">Input width.</param>
    /// <param name="tile">Tile size and overlap in input units.</param>
    /// <param name="numerator">Output/input size ratio numerator (8 for a decoder).</param>
    /// <param name="denominator">Ratio denominator (8 for an encoder); tile starts are multiples of it.</param>
    public GaussianTiling(int height, int width, TileSpec tile, int numerator, int denominator)
    {
        ArgumentNullException.ThrowIfNull(tile);
        var ys = Starts(height, tile.Size, tile.Overlap, denominator);
        var xs = Starts(width, tile.Size, tile.Overlap, denominator);
        Tiles = [.. ys.SelectMany(y => xs.Select(x => (y, x)))];
        (TileHeight, TileWidth) = (Math.Min(tile.Size, height), Math.Min(tile.Size, width));
        (Numerator, Denominator) = (numerator, denominator);
        (OutputHeight, OutputWidth) = (height * numerator / denominator, width * numerator / denominator);
        (OutputTileHeight, OutputTileWidth) = (TileHeight * numerator / denominator, TileWidth * numerator / denominator);
        var wy = Weights(OutputTileHeight);
        var wx = Weights(OutputTileWidth);
        _weight = new double[OutputTileHeight * OutputTileWidth];
        for (var y = 0; y < OutputTileHeight; y++)
        {
            for (var x = 0; x < OutputTileWidth; x++)
            {
                _weight[y * OutputTileWidth + x] = wy[y] * wx[x];
            }
        }

        _total = new double[OutputHeight * OutputWidth];
        foreach (var (y0, x0) in Tiles)
        {
            int oy = y0 * numerator / denominator, ox = x0 * numerator / denominator;
            for (var y = 0; y < OutputTileHeight; y++)
            {
                for (var x = 0; x < OutputTileWidth; x++)
                {
                    _total[(oy + y) * OutputWidth + ox + x] += _weight[y * OutputTileWidth + x];
                }
            }
        }
    }

    /// <summary>Tile origins (input units), in accumulation order.</summary>
    public IReadOnlyList<(int Y, int X)> Tiles { get; }

    /// <summary>Input tile height (the tile size, or the input height when smaller).</summary>
    public int TileHeight { get; }

    /// <summary>Input tile width.</summary>
    public int TileWidth { get; }

    /// <summary>Output height.</summary>
    public int OutputHeight { get; }

    /// <summary>Output width.</summary>
    public int OutputWidth { get; }

    private int Numerator { get; }

    private int Denominator { get; }

    private int OutputTileHeight { get; }

    private int OutputTileWidth { get; }

    /// <summary>
    /// Maps <paramref name="input"/> through <paramref name="function"/>, which turns a C x h x w tile
    /// into C' x h·num/den x w·num/den.
    /// </summary>
    /// <param name="input">The tensor.</param>
    /// <param name="tile">Tile size and overlap in input units; not tiled → one call.</param>
    /// <param name="numerator">Output/input size ratio numerator (8 for a decoder).</param>
    /// <param name="denominator">Ratio denominator (8 for an encoder); tile starts are multiples of it.</param>
    /// <param name="function">The map.</param>
    public static LatentTensor Apply(LatentTensor input, TileSpec tile, int numerator, int denominator, Func<LatentTensor, LatentTensor> function)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(tile);
        ArgumentNullException.ThrowIfNull(function);
        if (!tile.IsTiled || (input.Height <= tile.Size && input.Width <= tile.Size))
        {
            return function(input);
        }

        var tiling = new GaussianTiling(input.Height, input.Width, tile, numerator, denominator);
        double[]? sum = null;
        var channels = 0;
        foreach (var (y0, x0) in tiling.Tiles)
        {
            var result = function(input.Crop(y0, x0, tiling.TileHeight, tiling.TileWidth));
            if (sum is null)
            {
                channels = result.Channels;
                sum = new double[channels * tiling.OutputHeight * tiling.OutputWidth];
            }

            tiling.Accumulate(y0, x0, result, sum);
        }

        tiling.Normalize(sum!);
        return new LatentTensor(channels, tiling.OutputHeight, tiling.OutputWidth, sum!);
    }

    /// <summary>Adds w·<paramref name="result"/> (the output of the tile at input origin (y0, x0)) to <paramref name="sum"/> (C x output size).</summary>
    /// <exception cref="InvalidOperationException">The result does not have the output tile's size.</exception>
    public void Accumulate(int y0, int x0, LatentTensor result, double[] sum)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(sum);
        if (result.Height != OutputTileHeight || result.Width != OutputTileWidth || sum.Length != result.Channels * _total.Length)
        {
            throw new InvalidOperationException($"a {TileHeight}x{TileWidth} tile gave a {result.ShapeText} result, expected {OutputTileHeight}x{OutputTileWidth}");
        }

        for (var c = 0; c < result.Channels; c++)
        {
            AddWeighted(y0, x0, result.Data.AsSpan(c * _weight.Length, _weight.Length), sum.AsSpan(c * _total.Length, _total.Length));
        }
    }

    /// <summary>Divides every channel of <paramref name="sum"/> by the summed weights: Σ w·f / Σ w.</summary>
    public void Normalize(double[] sum)
    {
        ArgumentNullException.ThrowIfNull(sum);
        for (var c = 0; c < sum.Length / _total.Length; c++)
        {
            var plane = sum.AsSpan(c * _total.Length, _total.Length);
            var i = 0;
            if (Vector.IsHardwareAccelerated)
            {
                var vs = MemoryMarshal.Cast<double, Vector<double>>(plane);
                var vt = MemoryMarshal.Cast<double, Vector<double>>(_total.AsSpan());
                for (var k = 0; k < vs.Length; k++)
                {
                    vs[k] /= vt[k];
                }

                i = vs.Length * Vector<double>.Count;
            }

            for (; i < plane.Length; i++)
            {
                plane[i] /= _total[i];
            }
        }
    }

    /// <summary>Tile starts along an axis (see the class remarks).</summary>
    public static IReadOnlyList<int> Starts(int length, int tile, int overlap, int align = 1)
    {
        if (length <= tile)
        {
            return [0];
        }

        var n = (int)Math.Ceiling((double)(length - overlap) / (tile - overlap));
        var starts = new List<int>(n);
        for (var i = 0; i < n; i++)
        {
            var s = (int)((long)(length - tile) * i / (n - 1));
            s = i == n - 1 ? length - tile : s / align * align;
            if (starts.Count == 0 || starts[^1] != s)
            {
                starts.Add(s);
            }
        }

        return starts;
    }

    /// <summary>plane[o] += w·f for every pixel of the output tile of the input tile at (y0, x0): o its output index, w its weight, f its value in <paramref name="values"/>.</summary>
    private void AddWeighted(int y0, int x0, ReadOnlySpan<double> values, Span<double> plane)
    {
        int oy = y0 * Numerator / Denominator, ox = x0 * Numerator / Denominator;
        for (var y = 0; y < OutputTileHeight; y++)
        {
            var w = _weight.AsSpan(y * OutputTileWidth, OutputTileWidth);
            var f = values.Slice(y * OutputTileWidth, OutputTileWidth);
            var target = plane.Slice((oy + y) * OutputWidth + ox, OutputTileWidth);
            var x = 0;
            if (Vector.IsHardwareAccelerated)
            {
                var vw = MemoryMarshal.Cast<double, Vector<double>>(w);
                var vf = MemoryMarshal.Cast<double, Vector<double>>(f);
                var vt = MemoryMarshal.Cast<double, Vector<double>>(target);
                for (var k = 0; k < vt.Length; k++)
                {
                    vt[k] += vw[k] * vf[k];
                }

                x = vt.Length * Vector<double>.Count;
            }

            for (; x < target.Length; x++)
            {
                target[x] += w[x] * f[x];
            }
        }
    }

    private static double[] Weights(int n)
    {
        var w = new double[n];
        var mid = (n - 1) / 2.0;
        var sigma = 0.1 * n;
        for (var i = 0; i < n; i++)
        {
            var d = i - mid;
            w[i] = Math.Exp(-d * d / (2 * sigma * sigma));
        }

        return w;
    }
}
