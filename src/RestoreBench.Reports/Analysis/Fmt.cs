using System.Globalization;
using RestoreBench.Reports.Statistics;

namespace RestoreBench.Reports.Analysis;

/// <summary>Number formatting of the report (invariant culture): 4 decimals below 10, 3 below 100, 2 below 1000, else 1; ∞ and — for undefined.</summary>
internal static class Fmt
{
    public static string Num(double v)
    {
        if (double.IsNaN(v))
        {
            return "—";
        }

        if (double.IsInfinity(v))
        {
            return v > 0 ? "∞" : "−∞";
        }

        var a = Math.Abs(v);
        var format = a >= 1000 ? "F1" : a >= 100 ? "F2" : a >= 10 ? "F3" : "F4";
        return v.ToString(format, CultureInfo.InvariantCulture);
    }

    public static string Interval(MeanInterval m) => m.N < 2 || !double.IsFinite(m.Low) || !double.IsFinite(m.High) ? "" : $"[{Num(m.Low)}, {Num(m.High)}]";

    public static string P(double p) => double.IsNaN(p) ? "—" : p < 1e-4 ? p.ToString("0.0E+0", CultureInfo.InvariantCulture) : p.ToString("0.0000", CultureInfo.InvariantCulture);

    public static string Int(long v) => v.ToString(CultureInfo.InvariantCulture);

    public static string Inv(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>Indices of the best finite-or-infinite means in a column (ties all marked); NaN never wins.</summary>
    public static HashSet<int> Best(IReadOnlyList<double> means, bool higherIsBetter, IReadOnlyList<bool> eligible)
    {
        var best = new HashSet<int>();
        double? top = null;
        for (var i = 0; i < means.Count; i++)
        {
            if (!eligible[i] || double.IsNaN(means[i]))
            {
                continue;
            }

            if (top is null || (higherIsBetter ? means[i] > top : means[i] < top))
            {
                top = means[i];
                best.Clear();
                best.Add(i);
            }
            else if (means[i] == top)
            {
                best.Add(i);
            }
        }

        return best;
    }
}
