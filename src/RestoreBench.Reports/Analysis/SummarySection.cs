using RestoreBench.Reports.Rendering;

namespace RestoreBench.Reports.Analysis;

/// <summary>Per task × restorer: mean of every metric column with its bootstrap interval and n, arrows, best per column, failures.</summary>
internal static class SummarySection
{
    public static ReportSection Build(ReportData data)
    {
        var blocks = new List<Block>
        {
            new TextBlock($"Mean over images with a {data.Options.ConfidenceLevel:P0} percentile bootstrap interval ({data.Options.BootstrapResamples} resamples, seed {data.Options.Seed}). " +
                "↑: higher is better, ↓: lower is better; the best mean per column among the restorers (the LQ and VAE-only rows excluded) is marked. " +
                "n: images with an output; failed: outputs that failed; a cell's own n is shown when some of its scores are undefined. Restorers not run on a task have no row there."),
        };
        foreach (var task in data.Tasks)
        {
            var header = new List<string> { "restorer", "n", "failed" };
            header.AddRange(data.Keys.Select(k => $"{k.Label} {data.Arrow(k)}"));
            var rows = data.Restorers.Select(r => new List<Cell>()).ToList();
            for (var i = 0; i < data.Restorers.Count; i++)
            {
                var (ok, failed) = data.OutputCounts(task.Task, data.Restorers[i].Restorer);
                rows[i].Add(Cell.Label(data.Restorers[i].Restorer));
                rows[i].Add(new Cell(Fmt.Int(ok)));
                rows[i].Add(new Cell(Fmt.Int(failed)));
            }

            foreach (var key in data.Keys)
            {
                var summaries = data.Restorers.Select(r => data.Summary(task.Task, r.Restorer, key)).ToList();
                var eligible = data.Restorers.Select(ReportData.Competes).ToList();
                var best = Fmt.Best([.. summaries.Select(s => s.Mean)], data.HigherIsBetter(key), eligible);
                for (var i = 0; i < data.Restorers.Count; i++)
                {
                    var s = summaries[i];
                    var (ok, _) = data.OutputCounts(task.Task, data.Restorers[i].Restorer);
                    var detail = Fmt.Interval(s);
                    if (s.N != ok && data.Has(data.Restorers[i].Restorer, key))
                    {
                        detail = (detail + $" n={s.N}").Trim();
                    }

                    rows[i].Add(new Cell(s.N == 0 ? "—" : Fmt.Num(s.Mean), detail.Length == 0 ? null : detail, best.Contains(i)));
                }
            }

            // Restorers that were not run on this task (no output, no score) get no row.
            var shown = Enumerable.Range(0, rows.Count).Where(i =>
                data.OutputCounts(task.Task, data.Restorers[i].Restorer) != (0, 0) || data.Keys.Any(k => data.Summary(task.Task, data.Restorers[i].Restorer, k).N > 0))
                .Select(i => (IReadOnlyList<Cell>)rows[i]).ToList();
            if (shown.Count == 0)
            {
                continue;
            }

            var caption = task.Degradation is null ? task.Task : $"{task.Task}: {task.Degradation}";
            blocks.Add(new HeadingBlock(caption));
            blocks.Add(new TableBlock(null, null, header, shown));
        }

        return new ReportSection("tables", "Results per task", blocks);
    }
}
