using MathNet.Numerics;

namespace RestoreBench.Metrics.NoReference;

/// <summary>
/// The AGGD shape grid of NIQE (MATLAB <c>gam = 0.2:0.001:10</c>, BasicSR
/// <c>np.arange(0.2, 10.001, 0.001)</c>) with the generalized Gaussian ratio
/// r(γ) = Γ(2/γ)² / (Γ(1/γ) Γ(3/γ)) and the per-shape constants of the fit.
/// </summary>
/// <remarks>
/// The grid is built the way numpy's <c>arange</c> fills a float64 array: g[0] = 0.2,
/// g[1] = 0.2 + 0.001, g[i] = 0.2 + i·(g[1] − g[0]) for i ≥ 2, length ceil((10.001 − 0.2) / 0.001)
/// = 9801. r is computed as numpy does, from the reciprocal: Γ(2·(1/γ))² / (Γ(1/γ)·Γ(3·(1/γ))).
/// </remarks>
internal static class NiqeShapeGrid
{
    private const double Start = 0.2;
    private const double Stop = 10.001;
    private const double Step = 0.001;

    private static readonly Lazy<Tables> Shared = new(Build);

    /// <summary>Number of grid points (9801).</summary>
    public static int Length => Shared.Value.Shape.Length;

    /// <summary>Shape parameter γ at a grid index.</summary>
    public static double Shape(int index) => Shared.Value.Shape[index];

    /// <summary>sqrt(Γ(1/γ) / Γ(3/γ)): multiplies a one-sided standard deviation into the AGGD scale β.</summary>
    public static double ScaleFactor(int index) => Shared.Value.ScaleFactor[index];

    /// <summary>Γ(2/γ) / Γ(1/γ): multiplies (β_r − β_l) into the AGGD mean (NIQE/BRISQUE Eq. 8).</summary>
    public static double MeanFactor(int index) => Shared.Value.MeanFactor[index];

    /// <summary>r(γ) at a grid index.</summary>
    public static double Ratio(int index) => Shared.Value.Ratio[index];

    /// <summary>True when r(γ) is strictly increasing on the grid (then <see cref="ArgMin"/> uses a binary search).</summary>
    public static bool RatioIsIncreasing => Shared.Value.Increasing;

    /// <summary>
    /// The grid index that <c>np.argmin((r_gam − x)²)</c> returns: the first index of the smallest
    /// squared difference; 0 when <paramref name="x"/> is NaN (numpy returns the first NaN).
    /// </summary>
    /// <remarks>
    /// Because r is strictly increasing, d = r − x is increasing, so d² (rounded) is non-increasing
    /// before the crossing point k (first r ≥ x) and non-decreasing from k on. The minimum is at k or
    /// k − 1; numpy's first minimum is k when d²[k] &lt; d²[k−1], otherwise the leftmost index of the
    /// run of values equal to d²[k−1] that ends at k − 1. The result equals a full scan (tested).
    /// </remarks>
    public static int ArgMin(double x)
    {
        var t = Shared.Value;
        if (double.IsNaN(x))
        {
            return 0;
        }

        if (!t.Increasing)
        {
            return ArgMinScan(x);
        }

        var r = t.Ratio;
        int lo = 0, hi = r.Length; // first index with r >= x, in [0, n]
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (r[mid] < x)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        var k = lo;
        if (k == 0)
        {
            return 0;
        }

        var left = Square(r[k - 1] - x);
        if (k < r.Length)
        {
            var right = Square(r[k] - x);
            if (right < left)
            {
                return k;
            }
        }

        var j = k - 1;
        while (j > 0 && Square(r[j - 1] - x) == left)
        {
            j--;
        }

        return j;
    }

    /// <summary>Reference implementation: a full scan for the first minimum of (r − x)², as np.argmin.</summary>
    public static int ArgMinScan(double x)
    {
        if (double.IsNaN(x))
        {
            return 0;
        }

        var r = Shared.Value.Ratio;
        var best = 0;
        var bestValue = Square(r[0] - x);
        for (var i = 1; i < r.Length; i++)
        {
            var v = Square(r[i] - x);
            if (v < bestValue)
            {
                best = i;
                bestValue = v;
            }
        }

        return best;
    }

    private static double Square(double d) => d * d;

    private static Tables Build()
    {
        var length = (int)Math.Ceiling((Stop - Start) / Step);
        var shape = new double[length];
        shape[0] = Start;
        if (length > 1)
        {
            shape[1] = Start + Step;
            var delta = shape[1] - shape[0];
            for (var i = 2; i < length; i++)
            {
                shape[i] = Start + i * delta;
            }
        }

        var ratio = new double[length];
        var scale = new double[length];
        var mean = new double[length];
        var increasing = true;
        for (var i = 0; i < length; i++)
        {
            var g = shape[i];
            var reciprocal = 1.0 / g;
            var g2 = SpecialFunctions.Gamma(reciprocal * 2);
            ratio[i] = g2 * g2 / (SpecialFunctions.Gamma(reciprocal) * SpecialFunctions.Gamma(reciprocal * 3));
            var g1 = SpecialFunctions.Gamma(1 / g);
            scale[i] = Math.Sqrt(g1 / SpecialFunctions.Gamma(3 / g));
            mean[i] = SpecialFunctions.Gamma(2 / g) / g1;
            if (i > 0 && !(ratio[i] > ratio[i - 1]))
            {
                increasing = false;
            }
        }

        return new Tables(shape, ratio, scale, mean, increasing);
    }

    private sealed record Tables(double[] Shape, double[] Ratio, double[] ScaleFactor, double[] MeanFactor, bool Increasing);
}
