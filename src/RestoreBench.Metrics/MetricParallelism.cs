namespace RestoreBench.Metrics;

/// <summary>
/// Row-band parallelism shared by the metric kernels. Work is split into contiguous row bands; each
/// output row is computed the same way whatever band it falls in, per-row results go to a per-row
/// array and are summed in row order, so results are bit-identical for every degree of parallelism.
/// </summary>
public static class MetricParallelism
{
    /// <summary>The default degree: <see cref="Environment.ProcessorCount"/>.</summary>
    public static int DefaultDegree => Environment.ProcessorCount;

    /// <summary>Throws unless <paramref name="degree"/> ≥ 1.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Less than 1.</exception>
    public static void Validate(int degree)
    {
        if (degree < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(degree), degree, "Degree of parallelism must be at least 1 (1 = single thread).");
        }
    }

    /// <summary>
    /// Runs <paramref name="band"/>(first, end) over rows [0, <paramref name="rows"/>) split into at
    /// most <paramref name="degree"/> contiguous bands of at least <paramref name="minRowsPerBand"/> rows.
    /// Degree 1 runs on the calling thread.
    /// </summary>
    internal static void ForBands(int rows, int degree, int minRowsPerBand, Action<int, int> band)
    {
        Validate(degree);
        var bands = Math.Min(degree, Math.Max(1, rows / Math.Max(1, minRowsPerBand)));
        if (bands <= 1)
        {
            band(0, rows);
            return;
        }

        Parallel.For(0, bands, new ParallelOptions { MaxDegreeOfParallelism = degree }, b =>
        {
            var first = (int)((long)rows * b / bands);
            var end = (int)((long)rows * (b + 1) / bands);
            band(first, end);
        });
    }

    /// <summary>Sums <paramref name="values"/> in index order (the fixed order that makes results thread-independent).</summary>
    internal static double SumInOrder(ReadOnlySpan<double> values)
    {
        var sum = 0.0;
        for (var i = 0; i < values.Length; i++)
        {
            sum += values[i];
        }

        return sum;
    }
}
