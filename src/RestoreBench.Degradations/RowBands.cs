using RestoreBench.Core.Compute;

namespace RestoreBench.Degradations;

/// <summary>
/// Splits output rows into contiguous bands run in parallel. Every kernel that uses it computes each
/// output value with the same arithmetic whatever band it falls in, so results do not depend on the
/// thread count.
/// </summary>
internal static class RowBands
{
    /// <summary>Smallest band worth a thread of its own.</summary>
    private const int MinRowsPerBand = 16;

    /// <summary>Threads for a caller's value: 0 = <see cref="Parallelism.Default"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Negative.</exception>
    public static int Resolve(int threads)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(threads);
        return threads == 0 ? Parallelism.Default : threads;
    }

    /// <summary>
    /// Runs <paramref name="band"/>(first, end) over rows [0, <paramref name="rows"/>) in at most
    /// <paramref name="threads"/> bands (resolved, ≥ 1); one band runs on the calling thread.
    /// </summary>
    public static void Run(int rows, int threads, Action<int, int> band)
    {
        var bands = Math.Min(threads, Math.Max(1, rows / MinRowsPerBand));
        if (bands <= 1)
        {
            band(0, rows);
            return;
        }

        Parallel.For(0, bands, new ParallelOptions { MaxDegreeOfParallelism = threads }, b =>
            band((int)((long)rows * b / bands), (int)((long)rows * (b + 1) / bands)));
    }
}
