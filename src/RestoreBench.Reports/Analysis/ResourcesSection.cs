using RestoreBench.Reports.Rendering;
using RestoreBench.Reports.Statistics;

namespace RestoreBench.Reports.Analysis;

/// <summary>
/// Resources (Fig. 4): learned parameters and median latency per restorer against performance, on a
/// log-scaled x axis. Performance is the mean over the selected tasks of each task's mean (every task
/// weighs the same); classical restorers (0 parameters) are drawn at 1.
/// </summary>
internal static class ResourcesSection
{
    public static ReportSection? Build(ReportData data)
    {
        var rows = new List<IReadOnlyList<Cell>>();
        var latency = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var r in data.Restorers)
        {
            var times = new List<double>();
            long? peak = null;
            foreach (var task in data.Tasks)
            {
                foreach (var s in data.SamplesByTask[task.Task])
                {
                    if (data.Outputs.TryGetValue((s.SampleId, r.Restorer), out var o) && o.Ok)
                    {
                        if (o.LatencyMs is { } ms && double.IsFinite(ms))
                        {
                            times.Add(ms);
                        }

                        if (o.PeakMemoryBytes is { } p)
                        {
                            peak = Math.Max(peak ?? 0, p);
                        }
                    }
                }
            }

            times.Sort();
            var median = Quantile.OfSorted([.. times], 0.5);
            if (times.Count > 0)
            {
                latency[r.Restorer] = median;
            }

            rows.Add([
                Cell.Label(r.Restorer), Cell.Label(r.Kind),
                new Cell(r.Parameters is { } n ? Fmt.Int(n) : "unknown"),
                new Cell(times.Count > 0 ? Fmt.Num(median) : "—", times.Count > 0 ? $"n={times.Count}" : null),
                new Cell(peak is { } b ? Fmt.Num(b / 1048576.0) : "—"),
            ]);
        }

        if (latency.Count == 0 && data.Restorers.All(r => r.Parameters is null))
        {
            return null;
        }

        var blocks = new List<Block>
        {
            new TextBlock("Fig. 4 of the paper: parameters and latency against performance. Latency: median wall time of a restore call over the selected outputs; " +
                "performance: the mean over tasks of each task's mean; log-scaled x; restorers with 0 parameters (classical) are drawn at 1."),
            new TableBlock(null, null, ["restorer", "kind", "parameters", "median latency (ms)", "peak memory (MiB)"], rows),
        };
        foreach (var key in new[] { data.DistortionKey, data.PerceptionKey }.Where(k => k is not null).Distinct())
        {
            var performance = data.Restorers.ToDictionary(r => r.Restorer, r =>
            {
                var means = data.Tasks.Select(t => data.Summary(t.Task, r.Restorer, key!).Mean).Where(double.IsFinite).ToArray();
                return means.Length == 0 ? double.NaN : Bootstrap.Mean(means);
            }, StringComparer.Ordinal);
            var byParams = data.Restorers.Where(r => r.Parameters is not null && double.IsFinite(performance[r.Restorer]))
                .Select(r => new PlotSeries(r.Restorer, data.Palette.Hex(r.Restorer), data.Palette.Variant(r.Restorer), [Math.Max(1, r.Parameters!.Value)], [performance[r.Restorer]], false)).ToList();
            if (byParams.Count > 0)
            {
                blocks.Add(new FigureBlock($"params-{key!.Label}", new PlotSpec($"Parameters vs {key.Label}", "learned parameters (log scale)", data.AxisLabel(key), byParams) { LogX = true },
                    $"Parameters vs {key.Label} (mean over tasks)."));
            }

            var byLatency = data.Restorers.Where(r => latency.TryGetValue(r.Restorer, out var ms) && ms > 0 && double.IsFinite(performance[r.Restorer]))
                .Select(r => new PlotSeries(r.Restorer, data.Palette.Hex(r.Restorer), data.Palette.Variant(r.Restorer), [latency[r.Restorer]], [performance[r.Restorer]], false)).ToList();
            if (byLatency.Count > 0)
            {
                blocks.Add(new FigureBlock($"latency-{key!.Label}", new PlotSpec($"Latency vs {key.Label}", "median latency per image, ms (log scale)", data.AxisLabel(key), byLatency) { LogX = true },
                    $"Latency vs {key.Label} (mean over tasks)."));
            }
        }

        return new ReportSection("resources", "Resources", blocks);
    }
}
