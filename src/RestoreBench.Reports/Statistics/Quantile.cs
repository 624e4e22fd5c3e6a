namespace RestoreBench.Reports.Statistics;

/// <summary>Sample quantiles by linear interpolation between order statistics (Hyndman–Fan type 7, numpy's default).</summary>
public static class Quantile
{
    /// <summary>The p-quantile (p in [0, 1]) of values already sorted ascending; NaN for an empty span.</summary>
    public static double OfSorted(ReadOnlySpan<double> sorted, double p)
    {
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(p, 0.0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(p, 1.0);
        var h = (sorted.Length - 1) * p;
        var lo = (int)Math.Floor(h);
        var hi = Math.Min(lo + 1, sorted.Length - 1);
        var a = sorted[lo];
        var b = sorted[hi];
        return a == b ? a : a + (h - lo) * (b - a);
    }
}
