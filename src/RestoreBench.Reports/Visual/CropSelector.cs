namespace RestoreBench.Reports.Visual;

/// <summary>
/// Chooses the crop where restorers disagree most: the square window of side <c>size</c> with the largest
/// sum of per-pixel variance across the restorer outputs (luma 0.299 R + 0.587 G + 0.114 B, population
/// variance), found with an integral image over window positions on a grid of step max(1, size/8); the
/// first maximum in row-major order wins. With a single output the squared error against the reference is used.
/// </summary>
public static class CropSelector
{
    /// <summary>The default window side: a quarter of the smaller image side, clamped to [16, 96] and to the image.</summary>
    public static int DefaultSize(int width, int height) => Math.Min(Math.Min(width, height), Math.Clamp(Math.Min(width, height) / 4, 16, 96));

    /// <summary>Top-left corner (x, y) of the window of maximal disagreement.</summary>
    /// <param name="lumas">Per-output luma planes, row-major, all width × height.</param>
    /// <param name="reference">Used when there is a single output: its squared error against this plane.</param>
    public static (int X, int Y) Select(IReadOnlyList<double[]> lumas, double[]? reference, int width, int height, int size)
    {
        ArgumentNullException.ThrowIfNull(lumas);
        if (lumas.Count == 0 || size > width || size > height || size <= 0)
        {
            throw new ArgumentException("Need at least one output and a window inside the image.");
        }

        var n = width * height;
        var score = new double[n];
        if (lumas.Count == 1)
        {
            var single = lumas[0];
            for (var i = 0; i < n; i++)
            {
                var d = reference is null ? 0 : single[i] - reference[i];
                score[i] = d * d;
            }
        }
        else
        {
            for (var i = 0; i < n; i++)
            {
                double sum = 0, sq = 0;
                foreach (var l in lumas)
                {
                    sum += l[i];
                    sq += l[i] * l[i];
                }

                var mean = sum / lumas.Count;
                score[i] = Math.Max(0, sq / lumas.Count - mean * mean);
            }
        }

        var integral = new double[(width + 1) * (height + 1)];
        for (var y = 0; y < height; y++)
        {
            double row = 0;
            for (var x = 0; x < width; x++)
            {
                row += score[y * width + x];
                integral[(y + 1) * (width + 1) + x + 1] = integral[y * (width + 1) + x + 1] + row;
            }
        }

        var step = Math.Max(1, size / 8);
        var best = double.NegativeInfinity;
        (int, int) at = (0, 0);
        for (var y = 0; y + size <= height; y += step)
        {
            for (var x = 0; x + size <= width; x += step)
            {
                var s = integral[(y + size) * (width + 1) + x + size] - integral[y * (width + 1) + x + size]
                    - integral[(y + size) * (width + 1) + x] + integral[y * (width + 1) + x];
                if (s > best)
                {
                    best = s;
                    at = (x, y);
                }
            }
        }

        return at;
    }
}
