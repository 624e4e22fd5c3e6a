namespace RestoreBench.Reports.Store;

/// <summary>Which way a metric improves (the <c>metrics.direction</c> column).</summary>
public enum Direction
{
    /// <summary>Higher values are better ('higher').</summary>
    Higher,

    /// <summary>Lower values are better ('lower').</summary>
    Lower,
}

/// <summary>A row of <c>metrics</c>: the store describes its own metrics.</summary>
public sealed record MetricInfo(string Metric, string Kind, Direction Direction, string Description);

/// <summary>
/// A column of the report: one metric with one canonical option string (<c>scores.options</c>), e.g.
/// <c>align_dinov2</c> with <c>mode=gt</c>. The empty option string means the metric's defaults.
/// </summary>
public sealed record MetricKey(string Metric, string Options)
{
    /// <summary>The column label: the metric name, followed by the options in parentheses when there are any.</summary>
    public string Label => Options.Length == 0 ? Metric : $"{Metric} ({Options})";
}

/// <summary>A row of <c>tasks</c>. <see cref="SweepValue"/> is the value of <see cref="SweepParameter"/> in a sweep.</summary>
public sealed record TaskInfo(string Task, string TaskGroup, string? Degradation, string? SweepParameter, double? SweepValue);

/// <summary>A row of <c>samples</c>: one degraded input. Alpha, Beta and Gamma are the Eq. 12 terms (γ = (1 − β)/α).</summary>
public sealed record SampleInfo(
    string SampleId, string Dataset, string Image, string Task, long Seed, string? GtFile, string LqFile,
    int Width, int Height, double? Alpha, double? Beta, double? Gamma);

/// <summary>A row of <c>restorers</c>. <see cref="Knobs"/> is <c>knobs_json</c> parsed to name → text (numbers in invariant culture).</summary>
public sealed record RestorerInfo(
    string Restorer, string Kind, string Family, IReadOnlyDictionary<string, string> Knobs, string KnobsJson,
    long? Parameters, string SettingsJson, string ConfigHash);

/// <summary>A row of <c>outputs</c>: one restorer applied to one sample.</summary>
public sealed record OutputInfo(
    string SampleId, string Restorer, bool Ok, string? File, double? LatencyMs, long? PeakMemoryBytes, string? Error);

/// <summary>A row of <c>runs</c>: one invocation of the runner.</summary>
public sealed record RunInfo(
    string RunId, string StartedUtc, string? FinishedUtc, string SpecYaml, string SpecHash, string? Shard,
    string MachineJson, IReadOnlyList<string> Warnings);

/// <summary>A row of <c>scores</c>. <see cref="Value"/> is null when the metric is undefined (with <see cref="Error"/>); +∞ is kept.</summary>
public sealed record ScoreRow(string SampleId, string Restorer, MetricKey Key, double? Value, string? Error);
