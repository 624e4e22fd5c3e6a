using RestoreBench.Core.Randomness;
using RestoreBench.Reports.Statistics;
using RestoreBench.Reports.Store;

namespace RestoreBench.Reports.Analysis;

/// <summary>
/// The selected part of a store, indexed for the report: tasks, restorers, metric columns, per-sample
/// scores, and cached bootstrap summaries. Each interval draws from
/// <c>SeededRandom.Derive(seed, "task␟restorer␟metric␟options", "bootstrap/mean")</c> (␟ = U+001F), so a
/// cell's interval does not depend on which other cells are selected.
/// </summary>
internal sealed class ReportData
{
    private static readonly string[] KindOrder = ["full_reference", "no_reference", "consistency", "alignment"];
    private readonly Dictionary<(string Restorer, MetricKey Key), Dictionary<string, ScoreRow>> _scores = [];
    private readonly Dictionary<(string Task, string Restorer, MetricKey Key), MeanInterval> _summaries = [];
    private readonly Lock _gate = new();

    public ReportData(ResultsStore store, ReportOptions options)
    {
        Store = store;
        Options = options;
        Tasks = [.. store.Tasks.Where(t => Glob.Any(options.Tasks, t.Task, t.TaskGroup))];
        Restorers = [.. store.Restorers.Where(r => Glob.Any(options.Restorers, r.Restorer, r.Family))];
        var taskSet = Tasks.Select(t => t.Task).ToHashSet(StringComparer.Ordinal);
        var samples = store.Samples.Where(s => taskSet.Contains(s.Task) && Glob.Any(options.Datasets, s.Dataset)).ToList();
        SampleById = samples.ToDictionary(s => s.SampleId, StringComparer.Ordinal);
        SamplesByTask = Tasks.ToDictionary(t => t.Task, t => (IReadOnlyList<SampleInfo>)[.. samples.Where(s => s.Task == t.Task)], StringComparer.Ordinal);
        var restorerSet = Restorers.Select(r => r.Restorer).ToHashSet(StringComparer.Ordinal);
        Outputs = store.Outputs.Where(o => SampleById.ContainsKey(o.SampleId) && restorerSet.Contains(o.Restorer))
            .ToDictionary(o => (o.SampleId, o.Restorer));
        var keys = new HashSet<MetricKey>();
        foreach (var s in store.Scores)
        {
            if (!SampleById.ContainsKey(s.SampleId) || !restorerSet.Contains(s.Restorer) || !Glob.Any(options.Metrics, s.Key.Metric, s.Key.Label))
            {
                continue;
            }

            keys.Add(s.Key);
            if (!_scores.TryGetValue((s.Restorer, s.Key), out var bySample))
            {
                bySample = new Dictionary<string, ScoreRow>(StringComparer.Ordinal);
                _scores[(s.Restorer, s.Key)] = bySample;
            }

            bySample[s.SampleId] = s;
        }

        foreach (var k in keys)
        {
            if (!store.Metrics.ContainsKey(k.Metric))
            {
                throw new ResultsStoreException($"{store.StorePath}: scores name metric '{k.Metric}', which the metrics table does not describe");
            }
        }

        Keys = [.. keys.OrderBy(k => KindRank(store.Metrics[k.Metric].Kind)).ThenBy(k => k.Metric, StringComparer.Ordinal).ThenBy(k => k.Options, StringComparer.Ordinal)];
        Palette = new Palette(Restorers.Select(r => r.Restorer));
    }

    public ResultsStore Store { get; }

    public ReportOptions Options { get; }

    public IReadOnlyList<TaskInfo> Tasks { get; }

    public IReadOnlyList<RestorerInfo> Restorers { get; }

    /// <summary>Metric columns present in the selected scores: full-reference, no-reference, consistency, alignment; then by name and options.</summary>
    public IReadOnlyList<MetricKey> Keys { get; }

    public IReadOnlyDictionary<string, SampleInfo> SampleById { get; }

    public IReadOnlyDictionary<string, IReadOnlyList<SampleInfo>> SamplesByTask { get; }

    public IReadOnlyDictionary<(string SampleId, string Restorer), OutputInfo> Outputs { get; }

    public Palette Palette { get; }

    public MetricInfo Info(MetricKey key) => Store.Metrics[key.Metric];

    /// <summary>
    /// Whether a restorer competes for "best in column": not the LQ row and not a VAE-only row (the VAE
    /// on the ground truth is a bound, not a restoration; Table 2 compares those separately).
    /// </summary>
    public static bool Competes(Store.RestorerInfo r) => r.Kind is not ("lq" or "vae");

    public bool HigherIsBetter(MetricKey key) => Info(key).Direction == Direction.Higher;

    /// <summary>The arrow of a metric's better direction.</summary>
    public string Arrow(MetricKey key) => HigherIsBetter(key) ? "↑" : "↓";

    /// <summary>Axis label: the metric label and its direction in words.</summary>
    public string AxisLabel(MetricKey key) => $"{key.Label} ({(HigherIsBetter(key) ? "higher" : "lower")} is better)";

    /// <summary>The score of one sample, null when absent or undefined.</summary>
    public double? Score(string sampleId, string restorer, MetricKey key) =>
        _scores.TryGetValue((restorer, key), out var bySample) && bySample.TryGetValue(sampleId, out var row) ? row.Value : null;

    /// <summary>Whether any score exists for the restorer and column.</summary>
    public bool Has(string restorer, MetricKey key) => _scores.ContainsKey((restorer, key));

    /// <summary>Defined values of a task × restorer × column, in sample order.</summary>
    public double[] Values(string task, string restorer, MetricKey key)
    {
        if (!_scores.TryGetValue((restorer, key), out var bySample))
        {
            return [];
        }

        var values = new List<double>();
        foreach (var s in SamplesByTask[task])
        {
            if (bySample.TryGetValue(s.SampleId, out var row) && row.Value is { } v && !double.IsNaN(v))
            {
                values.Add(v);
            }
        }

        return [.. values];
    }

    /// <summary>Number of undefined (NULL) scores of a task × restorer × column.</summary>
    public int Undefined(string task, string restorer, MetricKey key)
    {
        if (!_scores.TryGetValue((restorer, key), out var bySample))
        {
            return 0;
        }

        var count = 0;
        foreach (var s in SamplesByTask[task])
        {
            if (bySample.TryGetValue(s.SampleId, out var row) && row.Value is null)
            {
                count++;
            }
        }

        return count;
    }

    /// <summary>Mean with its bootstrap interval for a task × restorer × column (cached).</summary>
    public MeanInterval Summary(string task, string restorer, MetricKey key)
    {
        lock (_gate)
        {
            if (_summaries.TryGetValue((task, restorer, key), out var cached))
            {
                return cached;
            }
        }

        var values = Values(task, restorer, key);
        var random = SeededRandom.Derive(Options.Seed, $"{task}\u001f{restorer}\u001f{key.Metric}\u001f{key.Options}", "bootstrap/mean");
        var summary = Bootstrap.MeanInterval(values, Options.BootstrapResamples, Options.ConfidenceLevel, random);
        lock (_gate)
        {
            _summaries[(task, restorer, key)] = summary;
        }

        return summary;
    }

    /// <summary>Outputs of a task × restorer: ok and failed counts.</summary>
    public (int Ok, int Failed) OutputCounts(string task, string restorer)
    {
        int ok = 0, failed = 0;
        foreach (var s in SamplesByTask[task])
        {
            if (Outputs.TryGetValue((s.SampleId, restorer), out var o))
            {
                if (o.Ok)
                {
                    ok++;
                }
                else
                {
                    failed++;
                }
            }
        }

        return (ok, failed);
    }

    /// <summary>Finds a column by metric name or label; the metric's default options first.</summary>
    public MetricKey? FindKey(string nameOrLabel) =>
        Keys.FirstOrDefault(k => k.Label == nameOrLabel) ?? Keys.Where(k => k.Metric == nameOrLabel).OrderBy(k => k.Options.Length).FirstOrDefault();

    /// <summary>The distortion column of the perception–distortion plane (see <see cref="ReportOptions.DistortionMetric"/>).</summary>
    public MetricKey? DistortionKey => Pick(Options.DistortionMetric, ["ssim_y", "ssim", "psnr_y", "psnr", "lpips"], "full_reference");

    /// <summary>The perception column (see <see cref="ReportOptions.PerceptionMetric"/>).</summary>
    public MetricKey? PerceptionKey => Pick(Options.PerceptionMetric, ["niqe", "brisque"], "no_reference");

    /// <summary>Alignment columns (kind 'alignment').</summary>
    public IReadOnlyList<MetricKey> AlignmentKeys => [.. Keys.Where(k => Info(k).Kind == "alignment")];

    private MetricKey? Pick(string? requested, string[] preferred, string kind)
    {
        if (requested is not null)
        {
            return FindKey(requested) ?? throw new ArgumentException($"metric '{requested}' has no scores in the selection (columns: {string.Join(", ", Keys.Select(k => k.Label))})");
        }

        foreach (var name in preferred)
        {
            if (FindKey(name) is { } key)
            {
                return key;
            }
        }

        return Keys.FirstOrDefault(k => Info(k).Kind == kind);
    }

    private static int KindRank(string kind)
    {
        var i = Array.IndexOf(KindOrder, kind);
        return i < 0 ? KindOrder.Length : i;
    }
}

/// <summary>Name patterns: exact, or with <c>*</c> matching any run of characters (ordinal, case-sensitive).</summary>
internal static class Glob
{
    /// <summary>True when the pattern list is empty or any pattern matches any of the names.</summary>
    public static bool Any(IReadOnlyList<string> patterns, params string[] names)
    {
        if (patterns.Count == 0)
        {
            return true;
        }

        foreach (var p in patterns)
        {
            foreach (var n in names)
            {
                if (Matches(p, n))
                {
                    return true;
                }
            }
        }

        return false;
    }

    public static bool Matches(string pattern, string name)
    {
        var parts = pattern.Split('*');
        if (parts.Length == 1)
        {
            return pattern == name;
        }

        if (!name.StartsWith(parts[0], StringComparison.Ordinal) || !name.EndsWith(parts[^1], StringComparison.Ordinal) ||
            name.Length < parts[0].Length + parts[^1].Length)
        {
            return false;
        }

        var position = parts[0].Length;
        var end = name.Length - parts[^1].Length;
        for (var i = 1; i < parts.Length - 1; i++)
        {
            var at = name.IndexOf(parts[i], position, StringComparison.Ordinal);
            if (at < 0 || at + parts[i].Length > end)
            {
                return false;
            }

            position = at + parts[i].Length;
        }

        return true;
    }
}
