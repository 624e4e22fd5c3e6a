namespace RestoreBench.Reports.Statistics;

/// <summary>
/// The Pareto front of points in a plane where each axis has a better direction: a point is on the front
/// when no other point is at least as good on both axes and strictly better on one.
/// </summary>
public static class ParetoFront
{
    /// <summary>Indices of the non-dominated points, sorted by x ascending (points with a non-finite coordinate are never on the front).</summary>
    public static IReadOnlyList<int> Indices(IReadOnlyList<double> x, IReadOnlyList<double> y, bool higherXBetter, bool higherYBetter)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        var front = new List<int>();
        for (var i = 0; i < x.Count; i++)
        {
            if (!double.IsFinite(x[i]) || !double.IsFinite(y[i]))
            {
                continue;
            }

            var dominated = false;
            for (var j = 0; j < x.Count && !dominated; j++)
            {
                if (j == i || !double.IsFinite(x[j]) || !double.IsFinite(y[j]))
                {
                    continue;
                }

                var gx = higherXBetter ? x[j] - x[i] : x[i] - x[j];
                var gy = higherYBetter ? y[j] - y[i] : y[i] - y[j];
                dominated = gx >= 0 && gy >= 0 && (gx > 0 || gy > 0);
            }

            if (!dominated)
            {
                front.Add(i);
            }
        }

        front.Sort((a, b) => x[a].CompareTo(x[b]));
        return front;
    }
}
