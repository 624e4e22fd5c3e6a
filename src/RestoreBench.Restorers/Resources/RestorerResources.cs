namespace RestoreBench.Restorers.Resources;

/// <summary>
/// Resources of one restorer, for the parameters/latency vs performance plot (paper Fig. 4).
/// </summary>
/// <param name="Restorer">The restorer's name.</param>
/// <param name="ParameterCount">Learned parameters when known (0 for classical methods), else null.</param>
/// <param name="LatencyMedianMs">Median wall-clock milliseconds per image over the timed runs, or null when not measurable (precomputed folder).</param>
/// <param name="LatenciesMs">Every timed run, milliseconds, in run order.</param>
/// <param name="WarmupRuns">Untimed runs before the timed ones.</param>
/// <param name="PeakMemoryBytes">Peak memory during the timed runs, bytes (see <paramref name="MemoryDefinition"/>), or null.</param>
/// <param name="MemoryDefinition">What <paramref name="PeakMemoryBytes"/> measures.</param>
/// <param name="AllocatedBytesPerRun">Managed bytes allocated per timed run (<see cref="GC.GetTotalAllocatedBytes(bool)"/>), or null.</param>
/// <param name="ImageShape">The measured input, CxHxW.</param>
public sealed record RestorerResources(
    string Restorer,
    long? ParameterCount,
    double? LatencyMedianMs,
    IReadOnlyList<double> LatenciesMs,
    int WarmupRuns,
    long? PeakMemoryBytes,
    string MemoryDefinition,
    long? AllocatedBytesPerRun,
    string ImageShape);
