namespace RestoreBench.Diffusion.Components;

/// <summary>
/// Applies a tensor-to-tensor function tile by tile and blends the results with Gaussian weights
/// (as DiffBIR's and MultiDiffusion's tiled sampling do): w(x) = exp(−(x − (n−1)/2)²/(2·(0.1·n)²))
/// along each axis of an output tile of side n, the 2-D weight the product; each output value is
/// Σ w·f / Σ w over the tiles covering it. Tile layout per axis (length L, tile T, overlap O):
/// one tile when L ≤ T, else ⌈(L − O)/(T − O)⌉ tiles with starts spread evenly over [0, L − T] and
/// rounded down to a multiple of <c>align</c>. Results do not depend on thread count (tiles are
/// accumulated in a fixed order).
/// </summary>
public static class GaussianTiling
{
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

        var ys = Starts(input.Height, tile.Size, tile.Overlap, denominator);
        var xs = Starts(input.Width, tile.Size, tile.Overlap, denominator);
        int th = Math.Min(tile.Size, input.Height), tw = Math.Min(tile.Size, input.Width);
        int oh = input.Height * numerator / denominator, ow = input.Width * numerator / denominator;
        int oth = th * numerator / denominator, otw = tw * numerator / denominator;
        var wy = Weights(oth);
        var wx = Weights(otw);
        double[]? sum = null;
        var total = new double[oh * ow];
        var channels = 0;
        foreach (var y0 in ys)
        {
            foreach (var x0 in xs)
            {
                var result = function(input.Crop(y0, x0, th, tw));
                if (result.Height != oth || result.Width != otw)
                {
                    throw new InvalidOperationException($"a {th}x{tw} tile gave a {result.ShapeText} result, expected {oth}x{otw}");
                }

                if (sum is null)
                {
                    channels = result.Channels;
                    sum = new double[channels * oh * ow];
                }

                int oy = y0 * numerator / denominator, ox = x0 * numerator / denominator;
                for (var y = 0; y < oth; y++)
                {
                    for (var x = 0; x < otw; x++)
                    {
                        var w = wy[y] * wx[x];
                        var o = (oy + y) * ow + ox + x;
                        total[o] += w;
                        for (var c = 0; c < channels; c++)
                        {
                            sum[c * oh * ow + o] += w * result.Data[(c * oth + y) * otw + x];
                        }
                    }
                }
            }
        }

        for (var c = 0; c < channels; c++)
        {
            for (var i = 0; i < total.Length; i++)
            {
                sum![c * oh * ow + i] /= total[i];
            }
        }

        return new LatentTensor(channels, oh, ow, sum!);
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
