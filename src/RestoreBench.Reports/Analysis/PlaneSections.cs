using RestoreBench.Reports.Rendering;
using RestoreBench.Reports.Statistics;
using RestoreBench.Reports.Store;

namespace RestoreBench.Reports.Analysis;

/// <summary>
/// Planes of two metric means per task, one point per restorer with the Pareto front (points no other
/// competing restorer beats on both axes; the LQ and VAE-only rows are drawn but not ranked): perception–distortion (Fig. 1) and alignment–perception (proposed in
/// the paper's discussion), plus the alignment table in the layout of Table 1.
/// </summary>
internal static class PlaneSections
{
    public static ReportSection? PerceptionDistortion(ReportData data)
    {
        if (data.DistortionKey is not { } x || data.PerceptionKey is not { } y)
        {
            return null;
        }

        var blocks = new List<Block> { new TextBlock($"Fig. 1 of the paper: each point is a restorer's mean over the task's images; the wide grey line joins the Pareto front (circled points) ({x.Label} vs {y.Label}).") };
        foreach (var task in data.Tasks)
        {
            if (Plane(data, task, x, y, "pd", $"Perception–distortion: {task.Task}") is { } figure)
            {
                blocks.Add(figure);
            }
        }

        return blocks.Count > 1 ? new ReportSection("pd", "Perception–distortion plane", blocks) : null;
    }

    public static ReportSection? Alignment(ReportData data)
    {
        var align = data.AlignmentKeys;
        if (align.Count == 0)
        {
            return null;
        }

        var blocks = new List<Block>
        {
            new TextBlock("Table 1 layout: per task, the alignment distance compared with the ground truth (mode=gt) and with the degraded input (mode=lq), " +
                "and SSIM, as means over images; the best per column among the restorers (LQ and VAE-only rows excluded) is marked."),
        };
        var ssim = data.FindKey("ssim_y") ?? data.FindKey("ssim");
        var columns = new List<(MetricKey Key, string Label)>();
        foreach (var k in align)
        {
            columns.Add((k, k.Options.Contains("mode=gt", StringComparison.Ordinal) ? $"{k.Metric}: compared with GT"
                : k.Options.Contains("mode=lq", StringComparison.Ordinal) ? $"{k.Metric}: compared with LQ" : k.Label));
        }

        if (ssim is not null)
        {
            columns.Add((ssim, ssim.Label));
        }

        var group = new List<HeaderCell> { new("") };
        var header = new List<string> { "restorer" };
        foreach (var task in data.Tasks)
        {
            group.Add(new HeaderCell(task.Task, columns.Count));
            header.AddRange(columns.Select(c => $"{c.Label} {data.Arrow(c.Key)}"));
        }

        var rows = data.Restorers.Select(r => new List<Cell> { Cell.Label(r.Restorer) }).ToList();
        var eligible = data.Restorers.Select(ReportData.Competes).ToList();
        foreach (var task in data.Tasks)
        {
            foreach (var (key, _) in columns)
            {
                var means = data.Restorers.Select(r => data.Summary(task.Task, r.Restorer, key).Mean).ToList();
                var best = Fmt.Best(means, data.HigherIsBetter(key), eligible);
                for (var i = 0; i < rows.Count; i++)
                {
                    rows[i].Add(new Cell(Fmt.Num(means[i]), null, best.Contains(i)));
                }
            }
        }

        blocks.Add(new TableBlock("Alignment and SSIM per task", group, header, rows));
        if (data.PerceptionKey is { } perception)
        {
            var x = align.FirstOrDefault(k => k.Options.Contains("mode=auto", StringComparison.Ordinal))
                ?? align.FirstOrDefault(k => k.Options.Contains("mode=lq", StringComparison.Ordinal)) ?? align[0];
            blocks.Add(new TextBlock($"Alignment–perception plane ({x.Label} vs {perception.Label}), with the Pareto front."));
            foreach (var task in data.Tasks)
            {
                if (Plane(data, task, x, perception, "ap", $"Alignment–perception: {task.Task}") is { } figure)
                {
                    blocks.Add(figure);
                }
            }
        }

        return new ReportSection("alignment", "Alignment", blocks);
    }

    private static FigureBlock? Plane(ReportData data, TaskInfo task, MetricKey x, MetricKey y, string kind, string title)
    {
        var series = new List<PlotSeries>();
        var xs = new List<double>();
        var ys = new List<double>();
        var names = new List<string>();
        foreach (var r in data.Restorers)
        {
            var mx = data.Summary(task.Task, r.Restorer, x).Mean;
            var my = data.Summary(task.Task, r.Restorer, y).Mean;
            if (!double.IsFinite(mx) || !double.IsFinite(my))
            {
                continue;
            }

            series.Add(new PlotSeries(r.Restorer, data.Palette.Hex(r.Restorer), data.Palette.Variant(r.Restorer), [mx], [my], false));
            if (ReportData.Competes(r))
            {
                xs.Add(mx);
                ys.Add(my);
                names.Add(r.Restorer);
            }
        }

        if (series.Count == 0)
        {
            return null;
        }

        var front = ParetoFront.Indices(xs, ys, data.HigherIsBetter(x), data.HigherIsBetter(y));
        var spec = new PlotSpec(title, data.AxisLabel(x), data.AxisLabel(y), series)
        {
            Front = ([.. front.Select(i => xs[i])], [.. front.Select(i => ys[i])]),
        };
        var onFront = front.Count == 0 ? "none" : string.Join(", ", front.Select(i => names[i]));
        return new FigureBlock($"{kind}-{task.Task}", spec, $"{title}. Pareto front (LQ and VAE-only rows drawn but not ranked): {onFront}.");
    }
}
