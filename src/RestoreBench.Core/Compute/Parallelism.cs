namespace RestoreBench.Core.Compute;

/// <summary>
/// Degree of parallelism for row-parallel numeric kernels. Every kernel computes each output
/// value independently of the thread split, so results are bit-identical for any thread count.
/// </summary>
public static class Parallelism
{
    /// <summary>Threads used when a caller passes 0: all logical cores.</summary>
    public static int Default => Environment.ProcessorCount;

    /// <summary>Options for <see cref="Parallel.For(int, int, ParallelOptions, Action{int})"/>; 0 means <see cref="Default"/>.</summary>
    public static ParallelOptions Options(int threads)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(threads);
        return new ParallelOptions { MaxDegreeOfParallelism = threads == 0 ? Default : threads };
    }
}
