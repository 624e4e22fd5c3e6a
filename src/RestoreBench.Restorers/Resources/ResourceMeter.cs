using System.Diagnostics;
using RestoreBench.Core.Imaging;
using RestoreBench.Restorers.External;
using RestoreBench.Restorers.Folder;

namespace RestoreBench.Restorers.Resources;

/// <summary>
/// Measures a restorer's resources on a sample image: <c>warmup</c> untimed runs, then <c>runs</c>
/// runs timed one by one with <see cref="Stopwatch"/>; latency is their median. Peak memory is the
/// in-process peak RSS over the timed runs minus the RSS before them (<see cref="PeakMemory"/>), or,
/// for an external command, the child processes' peak RSS (<see cref="ProcessOutcome.PeakChildMemoryBytes"/>,
/// which includes the tool's startup and model loading in every run). A folder restorer has no
/// latency or memory of its own (null). This is measurement, not a benchmark: use BenchmarkDotNet
/// for statistics.
/// </summary>
public static class ResourceMeter
{
    /// <summary>Measures <paramref name="restorer"/> on <paramref name="sample"/>.</summary>
    /// <param name="restorer">Any restorer.</param>
    /// <param name="sample">The input image.</param>
    /// <param name="warmupRuns">Untimed runs first (≥ 0).</param>
    /// <param name="runs">Timed runs (≥ 1).</param>
    /// <param name="cancellationToken">Cancels between runs.</param>
    public static async Task<RestorerResources> MeasureAsync(IRestorer restorer, ImageTensor sample, int warmupRuns = 1, int runs = 5, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(restorer);
        ArgumentNullException.ThrowIfNull(sample);
        ArgumentOutOfRangeException.ThrowIfNegative(warmupRuns);
        ArgumentOutOfRangeException.ThrowIfLessThan(runs, 1);
        var info = restorer.Info;
        if (restorer is FolderRestorer)
        {
            return new RestorerResources(info.Name, info.ParameterCount, null, [], 0, null,
                "not measured: outputs were precomputed elsewhere", null, sample.ShapeText);
        }

        var context = new RestoreContext("resource-probe");
        for (var i = 0; i < warmupRuns; i++)
        {
            await restorer.RestoreAsync(sample, context, cancellationToken).ConfigureAwait(false);
        }

        GC.Collect();
        GC.WaitForPendingFinalizers();
        var memory = PeakMemory.Start();
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var latencies = new double[runs];
        for (var i = 0; i < runs; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var clock = Stopwatch.StartNew();
            await restorer.RestoreAsync(sample, context, cancellationToken).ConfigureAwait(false);
            latencies[i] = clock.Elapsed.TotalMilliseconds;
        }

        var allocated = (GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore) / runs;
        long? peak;
        string definition;
        if (restorer is ExternalCommandRestorer)
        {
            peak = ChildMemory.PeakResidentBytes();
            definition = "largest peak RSS of a child process (getrusage RUSAGE_CHILDREN ru_maxrss); the tool starts and loads its model on every run";
        }
        else
        {
            peak = memory.PeakDeltaBytes;
            definition = memory.Definition;
        }

        return new RestorerResources(info.Name, info.ParameterCount, Median(latencies), latencies, warmupRuns, peak, definition, allocated, sample.ShapeText);
    }

    /// <summary>Median (mean of the two middle values for an even count); NaN for none.</summary>
    public static double Median(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var sorted = new double[values.Count];
        for (var i = 0; i < sorted.Length; i++)
        {
            sorted[i] = values[i];
        }

        Array.Sort(sorted);
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : 0.5 * (sorted[mid - 1] + sorted[mid]);
    }
}
