using System.Globalization;
using System.Text;
using RestoreBench.Experiments.Store;

namespace RestoreBench.Experiments.Results;

/// <summary>Resources of one restorer over a store (paper Fig. 4).</summary>
/// <param name="Restorer">Restorer name.</param>
/// <param name="Parameters">Learned parameters, or null when unknown.</param>
/// <param name="Outputs">Successful outputs.</param>
/// <param name="Failed">Failed outputs.</param>
/// <param name="LatencyMedianMs">Median restore-call wall time per image, ms (null without outputs).</param>
/// <param name="LatencyP90Ms">90th percentile (nearest rank), ms.</param>
/// <param name="PeakMemoryBytes">Largest recorded peak RSS increase during its calls, bytes, or null.</param>
public sealed record RestorerResourceSummary(string Restorer, long? Parameters, int Outputs, int Failed, double? LatencyMedianMs, double? LatencyP90Ms, long? PeakMemoryBytes);

/// <summary>
/// <c>restorebench results summary</c>: per task and restorer, the mean of every metric over the
/// images (and seeds) with a value, the mean γ of the task's samples (Eq. 12); per restorer, parameters,
/// latency median / p90 and peak memory; failed items listed.
/// </summary>
public static class ResultsSummary
{
    /// <summary>Renders the summary text.</summary>
    public static string Render(ResultsStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        var scores = ResultsExport.Read(store);
        var metricOrder = store.Query("SELECT metric FROM metrics ORDER BY rowid", r => r.GetString(0));
        var metricColumns = scores.Select(s => (s.Metric, s.Options, s.Direction)).Distinct()
            .OrderBy(m => metricOrder.IndexOf(m.Metric)).ThenBy(m => m.Options, StringComparer.Ordinal).ToList();
        var taskOrder = store.Query("SELECT task FROM tasks ORDER BY rowid", r => r.GetString(0));
        var restorerOrder = store.Query("SELECT restorer FROM restorers ORDER BY rowid", r => r.GetString(0));
        var gammas = store.Query("SELECT task, avg(gamma), count(*) FROM samples GROUP BY task", r => (r.GetString(0), ResultsStore.Dbl(r, 1), r.GetInt32(2)))
            .ToDictionary(t => t.Item1, t => (t.Item2, t.Item3));
        var images = store.Query("SELECT count(DISTINCT dataset || '/' || image) FROM samples", r => r.GetInt32(0)).Single();
        var tw = Math.Max(4, taskOrder.Select(t => t.Length).DefaultIfEmpty(4).Max());
        var rw = Math.Max(8, restorerOrder.Select(t => t.Length).DefaultIfEmpty(8).Max());
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"{images} image(s); mean over images and seeds; γ = (1-β)/α (Eq. 12); ↑ higher is better, ↓ lower");
        var header = new StringBuilder();
        header.Append(CultureInfo.InvariantCulture, $"{Pad("task", tw)} {Pad("restorer", rw)} {"γ",6}");
        foreach (var (m, o, _) in metricColumns)
        {
            var name = o.Length == 0 ? m : $"{m}[{o}]";
            header.Append(CultureInfo.InvariantCulture, $" {name,9}");
        }

        sb.AppendLine(header.ToString());
        var direction = new StringBuilder();
        direction.Append(new string(' ', tw + 1 + rw + 1 + 6));
        foreach (var (_, _, d) in metricColumns)
        {
            direction.Append(CultureInfo.InvariantCulture, $" {(d == "higher" ? "↑" : "↓"),9}");
        }

        sb.AppendLine(direction.ToString());
        var groups = scores.GroupBy(s => (s.Task, s.Restorer)).ToDictionary(g => g.Key, g => g.ToList());
        foreach (var task in taskOrder)
        {
            foreach (var restorer in restorerOrder)
            {
                if (!groups.TryGetValue((task, restorer), out var rows))
                {
                    continue;
                }

                var gamma = gammas.TryGetValue(task, out var g) ? g.Item1 : null;
                sb.Append(CultureInfo.InvariantCulture, $"{Pad(task, tw)} {Pad(restorer, rw)} {(gamma is { } gv ? gv.ToString("0.000", CultureInfo.InvariantCulture) : "-"),6}");
                foreach (var (m, o, _) in metricColumns)
                {
                    var values = rows.Where(r => r.Metric == m && r.Options == o && r.Value is not null).Select(r => r.Value!.Value).ToList();
                    sb.Append(CultureInfo.InvariantCulture, $" {Format(values),9}");
                }

                sb.AppendLine();
            }
        }

        sb.AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture, $"{"restorer",-22} {"params",10} {"outputs",7} {"failed",6} {"latency median",14} {"p90",9} {"peak memory",11}");
        foreach (var r in Resources(store))
        {
            sb.AppendLine(CultureInfo.InvariantCulture,
                $"{Clip(r.Restorer, 22),-22} {(r.Parameters is { } p ? p.ToString("N0", CultureInfo.InvariantCulture) : "?"),10} {r.Outputs,7} {r.Failed,6} {Ms(r.LatencyMedianMs),14} {Ms(r.LatencyP90Ms),9} {Mib(r.PeakMemoryBytes),11}");
        }

        var failed = store.Query("""
            SELECT s.task || '/' || s.dataset || '/' || s.image || '/s' || s.seed, o.restorer, o.error FROM outputs o JOIN samples s ON s.sample_id = o.sample_id
            WHERE o.status = 'failed' ORDER BY 1, 2
            """, r => $"{r.GetString(0)} × {r.GetString(1)}: {ResultsStore.Str(r, 2)}");
        var scoreErrors = scores.Where(s => s.Error is not null).Select(s => $"{s.Task}/{s.Dataset}/{s.Image}/s{s.Seed} × {s.Restorer}: {s.Metric}: {s.Error}").ToList();
        if (failed.Count + scoreErrors.Count > 0)
        {
            sb.AppendLine();
            sb.AppendLine(CultureInfo.InvariantCulture, $"failed items: {failed.Count}, score errors: {scoreErrors.Count}");
            foreach (var line in failed.Concat(scoreErrors).Take(50))
            {
                sb.AppendLine("  " + line);
            }
        }

        return sb.ToString();
    }

    /// <summary>Resources per restorer, in restorer order.</summary>
    public static List<RestorerResourceSummary> Resources(ResultsStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        var result = new List<RestorerResourceSummary>();
        foreach (var (name, parameters) in store.Query("SELECT restorer, parameters FROM restorers ORDER BY rowid", r => (r.GetString(0), r.IsDBNull(1) ? (long?)null : r.GetInt64(1))))
        {
            var latencies = store.Query("SELECT latency_ms FROM outputs WHERE restorer=$r AND status='ok' AND latency_ms IS NOT NULL ORDER BY latency_ms", r => r.GetDouble(0), ("$r", name));
            var failed = store.Query("SELECT count(*) FROM outputs WHERE restorer=$r AND status='failed'", r => r.GetInt32(0), ("$r", name)).Single();
            var ok = store.Query("SELECT count(*) FROM outputs WHERE restorer=$r AND status='ok'", r => r.GetInt32(0), ("$r", name)).Single();
            var peak = store.Query("SELECT max(peak_memory_bytes) FROM outputs WHERE restorer=$r", r => r.IsDBNull(0) ? (long?)null : r.GetInt64(0), ("$r", name)).Single();
            result.Add(new RestorerResourceSummary(name, parameters, ok, failed, Percentile(latencies, 0.5), Percentile(latencies, 0.9), peak));
        }

        return result;
    }

    /// <summary>Percentile of sorted values: median = mean of the middle two for even counts; others nearest rank (⌈p·n⌉).</summary>
    public static double? Percentile(IReadOnlyList<double> sorted, double p)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        if (sorted.Count == 0)
        {
            return null;
        }

        if (p == 0.5)
        {
            var mid = sorted.Count / 2;
            return sorted.Count % 2 == 1 ? sorted[mid] : 0.5 * (sorted[mid - 1] + sorted[mid]);
        }

        var rank = (int)Math.Ceiling(p * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }

    private static string Format(List<double> values)
    {
        if (values.Count == 0)
        {
            return "n/a";
        }

        var mean = values.Average();
        return double.IsPositiveInfinity(mean) ? "inf" : mean.ToString(Math.Abs(mean) >= 10 ? "0.00" : "0.0000", CultureInfo.InvariantCulture);
    }

    private static string Ms(double? ms) => ms is { } v ? v.ToString(v >= 100 ? "0" : v >= 1 ? "0.0" : "0.00", CultureInfo.InvariantCulture) + " ms" : "-";

    private static string Mib(long? bytes) => bytes is { } b ? (b / 1048576.0).ToString("0.0", CultureInfo.InvariantCulture) + " MiB" : "-";

    private static string Pad(string s, int n) => s.PadRight(n);

    private static string Clip(string s, int n) => s.Length <= n ? s : s[..(n - 1)] + "…";
}
