namespace RestoreBench.Reports.Statistics;

/// <summary>Outcome of a two-sided Wilcoxon signed-rank test.</summary>
/// <param name="Statistic">T = min(R+, R−), the smaller signed-rank sum.</param>
/// <param name="PValue">Two-sided p-value; NaN when no non-zero difference remains.</param>
/// <param name="N">Number of non-zero differences ranked.</param>
/// <param name="Exact">True when the p-value comes from the exact null distribution, false for the normal approximation.</param>
public readonly record struct WilcoxonResult(double Statistic, double PValue, int N, bool Exact);

/// <summary>
/// Two-sided Wilcoxon signed-rank test of paired differences d = a − b against a median of 0. Zero
/// differences are dropped ("wilcox" zero method); |d| is ranked with average ranks for ties. The p-value
/// is exact (the distribution of R+ over all 2^n sign patterns, p = 2·min(P(R+ ≤ r), P(R+ ≥ r)), 1 at the
/// centre) when n ≤ 50 with no zeros and no ties; otherwise the normal approximation with the tie
/// correction of the variance and no continuity correction. This matches
/// <c>scipy.stats.wilcoxon(d, zero_method='wilcox', correction=False)</c> with <c>method='exact'</c> and
/// <c>'approx'</c> respectively (scipy 1.10's 'auto' also picks 'exact' for n ≤ 50 with ties, where it
/// truncates the tied rank sum; this class uses the approximation there instead).
/// </summary>
public static class WilcoxonSignedRank
{
    /// <summary>Largest n for the exact distribution.</summary>
    public const int ExactLimit = 50;

    /// <summary>Runs the test on paired differences (NaN differences are not allowed).</summary>
    public static WilcoxonResult Test(ReadOnlySpan<double> differences)
    {
        var zeros = 0;
        var nonZero = new List<double>(differences.Length);
        foreach (var d in differences)
        {
            if (double.IsNaN(d))
            {
                throw new ArgumentException("A difference is NaN.", nameof(differences));
            }

            if (d == 0)
            {
                zeros++;
            }
            else
            {
                nonZero.Add(d);
            }
        }

        var n = nonZero.Count;
        if (n == 0)
        {
            return new WilcoxonResult(0, double.NaN, 0, false);
        }

        var order = new int[n];
        var magnitude = new double[n];
        for (var i = 0; i < n; i++)
        {
            order[i] = i;
            magnitude[i] = Math.Abs(nonZero[i]);
        }

        Array.Sort((double[])magnitude.Clone(), order);
        var ranks = new double[n];
        var tieTerm = 0.0;
        for (var i = 0; i < n;)
        {
            var j = i;
            while (j + 1 < n && magnitude[order[j + 1]] == magnitude[order[i]])
            {
                j++;
            }

            var average = (i + j + 2) / 2.0;
            for (var k = i; k <= j; k++)
            {
                ranks[order[k]] = average;
            }

            var t = j - i + 1.0;
            tieTerm += t * (t * t - 1);
            i = j + 1;
        }

        double rPlus = 0, rMinus = 0;
        for (var i = 0; i < n; i++)
        {
            if (nonZero[i] > 0)
            {
                rPlus += ranks[i];
            }
            else
            {
                rMinus += ranks[i];
            }
        }

        var statistic = Math.Min(rPlus, rMinus);
        if (n <= ExactLimit && zeros == 0 && tieTerm == 0)
        {
            return new WilcoxonResult(statistic, ExactPValue(n, (int)rPlus), n, true);
        }

        var mean = n * (n + 1) / 4.0;
        var variance = (n * (n + 1.0) * (2.0 * n + 1) - 0.5 * tieTerm) / 24.0;
        var z = (statistic - mean) / Math.Sqrt(variance);
        var p = variance > 0 ? MathNet.Numerics.SpecialFunctions.Erfc(Math.Abs(z) / Math.Sqrt(2)) : 1.0;
        return new WilcoxonResult(statistic, Math.Min(1.0, p), n, false);
    }

    /// <summary>Exact two-sided p-value from the counts of sign patterns with each R+ (dynamic programming over ranks 1..n).</summary>
    private static double ExactPValue(int n, int rPlus)
    {
        var max = n * (n + 1) / 2;
        var counts = new double[max + 1];
        counts[0] = 1;
        for (var k = 1; k <= n; k++)
        {
            for (var s = k * (k + 1) / 2; s >= k; s--)
            {
                counts[s] += counts[s - k];
            }
        }

        if (2 * rPlus == max)
        {
            return 1.0;
        }

        var total = Math.Pow(2, n);
        double less = 0, greater = 0;
        for (var s = 0; s <= max; s++)
        {
            if (s <= rPlus)
            {
                less += counts[s];
            }

            if (s >= rPlus)
            {
                greater += counts[s];
            }
        }

        return Math.Min(1.0, 2 * Math.Min(less, greater) / total);
    }
}
