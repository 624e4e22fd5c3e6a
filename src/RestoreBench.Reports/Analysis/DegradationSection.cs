using RestoreBench.Core.Randomness;
using RestoreBench.Reports.Rendering;
using RestoreBench.Reports.Statistics;
using RestoreBench.Reports.Store;

namespace RestoreBench.Reports.Analysis;

/// <summary>
/// Metric versus degradation level (Fig. 2): for each sweep (tasks sharing a task group and a sweep
/// parameter), each metric's mean against the swept parameter and against the mean information
/// retention rate γ = (1 − β)/α (Eq. 12) of the sweep member; and a table of means per γ quantile bin
/// over every selected image with a γ.
/// </summary>
internal static class DegradationSection
{
    public static ReportSection? Build(ReportData data)
    {
        var blocks = new List<Block>();
        var sweeps = data.Tasks.Where(t => t.SweepParameter is not null && t.SweepValue is not null)
            .GroupBy(t => (t.TaskGroup, t.SweepParameter!)).Where(g => g.Count() >= 2).ToList();
        foreach (var sweep in sweeps)
        {
            var members = sweep.OrderBy(t => t.SweepValue).ToList();
            var (group, parameter) = sweep.Key;
            blocks.Add(new HeadingBlock($"Sweep {group} over {parameter}"));
            var gammas = members.Select(t => MeanGamma(data, t.Task)).ToList();
            foreach (var key in data.Keys)
            {
                var bySweep = new List<PlotSeries>();
                var byGamma = new List<PlotSeries>();
                foreach (var r in data.Restorers)
                {
                    var xs = new List<double>();
                    var gs = new List<double>();
                    var ys = new List<double>();
                    for (var i = 0; i < members.Count; i++)
                    {
                        var m = data.Summary(members[i].Task, r.Restorer, key).Mean;
                        if (double.IsFinite(m))
                        {
                            xs.Add(members[i].SweepValue!.Value);
                            gs.Add(gammas[i]);
                            ys.Add(m);
                        }
                    }

                    if (ys.Count == 0)
                    {
                        continue;
                    }

                    bySweep.Add(new PlotSeries(r.Restorer, data.Palette.Hex(r.Restorer), data.Palette.Variant(r.Restorer), xs, ys, true));
                    var finite = Enumerable.Range(0, gs.Count).Where(i => double.IsFinite(gs[i])).ToList();
                    if (finite.Count > 0)
                    {
                        byGamma.Add(new PlotSeries(r.Restorer, data.Palette.Hex(r.Restorer), data.Palette.Variant(r.Restorer),
                            [.. finite.Select(i => gs[i])], [.. finite.Select(i => ys[i])], true));
                    }
                }

                if (bySweep.Count == 0)
                {
                    continue;
                }

                blocks.Add(new FigureBlock($"sweep-{group}-{key.Label}", new PlotSpec($"{key.Label} vs {parameter}: {group}", $"{parameter} (swept degradation parameter)", data.AxisLabel(key), bySweep),
                    $"{key.Label} against {parameter} over the sweep {group} (means over images)."));
                if (byGamma.Count > 0)
                {
                    blocks.Add(new FigureBlock($"gamma-{group}-{key.Label}", new PlotSpec($"{key.Label} vs γ: {group}", "γ = (1 − β)/α, information retention (Eq. 12)", data.AxisLabel(key), byGamma),
                        $"{key.Label} against the mean γ of each sweep member of {group}."));
                }
            }
        }

        blocks.AddRange(GammaBins(data));
        return blocks.Count == 0 ? null : new ReportSection("degradation", "Metric vs degradation level", blocks);
    }

    private static double MeanGamma(ReportData data, string task)
    {
        var gs = data.SamplesByTask[task].Where(s => s.Gamma is not null).Select(s => s.Gamma!.Value).ToArray();
        return gs.Length == 0 ? double.NaN : Bootstrap.Mean(gs);
    }

    private static List<Block> GammaBins(ReportData data)
    {
        var samples = data.Tasks.SelectMany(t => data.SamplesByTask[t.Task]).Where(s => s.Gamma is { } g && double.IsFinite(g)).ToList();
        var sorted = samples.Select(s => s.Gamma!.Value).Order().ToArray();
        if (sorted.Length < 2 || sorted[0] == sorted[^1] || data.Options.GammaBins < 2)
        {
            return [];
        }

        var edges = new List<double>();
        for (var i = 0; i <= data.Options.GammaBins; i++)
        {
            var e = Quantile.OfSorted(sorted, (double)i / data.Options.GammaBins);
            if (edges.Count == 0 || e > edges[^1])
            {
                edges.Add(e);
            }
        }

        var bins = edges.Count - 1;
        var binOf = new Dictionary<string, int>(StringComparer.Ordinal);
        var binCount = new int[bins];
        foreach (var s in samples)
        {
            var g = s.Gamma!.Value;
            var b = 0;
            while (b < bins - 1 && g >= edges[b + 1])
            {
                b++;
            }

            binOf[s.SampleId] = b;
            binCount[b]++;
        }

        var blocks = new List<Block>
        {
            new HeadingBlock("Results per γ bin"),
            new TextBlock($"Images of every selected task pooled and split at the γ quantiles into {bins} bins (the last bin includes its upper edge); " +
                $"mean with a {data.Options.ConfidenceLevel:P0} bootstrap interval per restorer and bin. Low γ: heavy degradation."),
        };
        var header = new List<string> { "restorer" };
        for (var b = 0; b < bins; b++)
        {
            header.Add($"γ ∈ [{Fmt.Num(edges[b])}, {Fmt.Num(edges[b + 1])}{(b == bins - 1 ? "]" : ")")} (images {binCount[b]})");
        }

        foreach (var key in data.Keys)
        {
            var rows = data.Restorers.Select(r => new List<Cell> { Cell.Label(r.Restorer) }).ToList();
            for (var b = 0; b < bins; b++)
            {
                var summaries = new List<MeanInterval>();
                foreach (var r in data.Restorers)
                {
                    var values = new List<double>();
                    foreach (var s in samples)
                    {
                        if (binOf[s.SampleId] == b && data.Score(s.SampleId, r.Restorer, key) is { } v && !double.IsNaN(v))
                        {
                            values.Add(v);
                        }
                    }

                    var random = SeededRandom.Derive(data.Options.Seed, $"{b}\u001f{r.Restorer}\u001f{key.Metric}\u001f{key.Options}", "bootstrap/gamma");
                    summaries.Add(Bootstrap.MeanInterval([.. values], data.Options.BootstrapResamples, data.Options.ConfidenceLevel, random));
                }

                var best = Fmt.Best([.. summaries.Select(s => s.Mean)], data.HigherIsBetter(key), [.. data.Restorers.Select(ReportData.Competes)]);
                for (var i = 0; i < rows.Count; i++)
                {
                    var detail = Fmt.Interval(summaries[i]);
                    rows[i].Add(new Cell(summaries[i].N == 0 ? "—" : Fmt.Num(summaries[i].Mean), detail.Length == 0 ? null : detail, best.Contains(i)));
                }
            }

            var shown = rows.Where(r => r.Skip(1).Any(c => c.Text != "—")).Select(r => (IReadOnlyList<Cell>)r).ToList();
            if (shown.Count > 0)
            {
                blocks.Add(new TableBlock($"{key.Label} {data.Arrow(key)} per γ bin", null, header, shown));
            }
        }

        return blocks;
    }
}
