using System.Globalization;
using RestoreBench.Reports.Rendering;
using RestoreBench.Reports.Store;

namespace RestoreBench.Reports.Analysis;

/// <summary>
/// VAE information loss (Table 2: the VAE round trip x̃ = D(E(x)) of Eq. 5 on the ground truth or on the
/// stage-1 output, next to the full CLDM) and CLDM ablation curves (Figs. 6–9: start noise, steps,
/// one-step prediction at t, per-step prediction at step), from the restorer conventions of
/// docs/results-store.md.
/// </summary>
internal static class DiffusionSections
{
    /// <summary>The knobs an ablation may sweep, with the CLDM mode whose rows it uses and its axis label.</summary>
    private static readonly (string Knob, string Mode, string Axis, string Figure)[] Ablations =
    [
        ("start_noise", "sample", "start noise level", "Fig. 6"),
        ("steps", "sample", "number of sampling steps", "Fig. 7"),
        ("cfg", "sample", "classifier-free guidance scale", ""),
        ("eta", "sample", "DDIM eta", ""),
        ("t", "one_step", "timestep t of the one-step x0 prediction", "Fig. 8"),
        ("step", "per_step", "sampling step of the x0 prediction", "Fig. 9"),
    ];

    public static ReportSection? Vae(ReportData data)
    {
        var vae = data.Restorers.Where(r => r.Kind == "vae").ToList();
        if (vae.Count == 0)
        {
            return null;
        }

        var cldm = data.Restorers.Where(r => r.Kind == "cldm" && Mode(r) == "sample").ToList();
        var rows = vae.Concat(cldm).ToList();
        var keys = data.Keys.Where(k => data.Info(k).Kind is "full_reference" or "no_reference").ToList();
        var blocks = new List<Block>
        {
            new TextBlock("Table 2 layout: the VAE alone (encode then decode, Eq. 5) applied to the ground truth (input=gt) or to the stage-1 restoration (input=reg), " +
                "next to the full CLDM pipelines; the loss of the VAE bounds what the diffusion model can recover. Mean with its bootstrap interval."),
        };
        foreach (var task in data.Tasks)
        {
            var header = new List<string> { "model", "input" };
            header.AddRange(keys.Select(k => $"{k.Label} {data.Arrow(k)}"));
            var cells = rows.Select(r => new List<Cell> { Cell.Label(r.Kind == "vae" ? $"{r.Family} (VAE only)" : r.Restorer), Cell.Label(r.Knobs.GetValueOrDefault("input", "lq")) }).ToList();
            var any = false;
            foreach (var key in keys)
            {
                var summaries = rows.Select(r => data.Summary(task.Task, r.Restorer, key)).ToList();
                any |= summaries.Any(s => s.N > 0);
                var best = Fmt.Best([.. summaries.Select(s => s.Mean)], data.HigherIsBetter(key), [.. rows.Select(_ => true)]);
                for (var i = 0; i < rows.Count; i++)
                {
                    var detail = Fmt.Interval(summaries[i]);
                    cells[i].Add(new Cell(summaries[i].N == 0 ? "—" : Fmt.Num(summaries[i].Mean), detail.Length == 0 ? null : detail, best.Contains(i)));
                }
            }

            if (any)
            {
                blocks.Add(new TableBlock($"VAE information loss: {task.Task}", null, header, cells));
            }
        }

        return blocks.Count > 1 ? new ReportSection("vae", "VAE information loss", blocks) : null;
    }

    public static ReportSection? Ablation(ReportData data)
    {
        var cldm = data.Restorers.Where(r => r.Kind == "cldm").ToList();
        var keys = new[] { data.DistortionKey, data.PerceptionKey }.Concat(data.AlignmentKeys.Take(1)).Where(k => k is not null).Distinct().Select(k => k!).ToList();
        var blocks = new List<Block>();
        foreach (var (knob, mode, axis, figure) in Ablations)
        {
            // Lines: restorers of one family in this mode that differ only in the swept knob.
            var lines = cldm.Where(r => Mode(r) == mode && r.Knobs.TryGetValue(knob, out var v) && Number(v) is not null)
                .GroupBy(r => (r.Family, Signature(r, knob)))
                .Where(g => g.Select(r => r.Knobs[knob]).Distinct().Count() >= 2)
                .OrderBy(g => g.Key.Family, StringComparer.Ordinal).ThenBy(g => g.Key.Item2, StringComparer.Ordinal).ToList();
            if (lines.Count == 0)
            {
                continue;
            }

            blocks.Add(new HeadingBlock($"{axis}{(figure.Length > 0 ? $" ({figure})" : "")}"));
            foreach (var task in data.Tasks)
            {
                foreach (var key in keys)
                {
                    var series = new List<PlotSeries>();
                    var variants = new Dictionary<string, int>(StringComparer.Ordinal);
                    foreach (var line in lines)
                    {
                        var points = line.Select(r => (X: Number(r.Knobs[knob])!.Value, Y: data.Summary(task.Task, r.Restorer, key).Mean))
                            .Where(p => double.IsFinite(p.Y)).OrderBy(p => p.X).ToList();
                        if (points.Count == 0)
                        {
                            continue;
                        }

                        var first = line.OrderBy(r => r.Restorer, StringComparer.Ordinal).First();
                        var variant = variants[line.Key.Family] = variants.GetValueOrDefault(line.Key.Family, -1) + 1;
                        var name = line.Key.Item2.Length == 0 ? line.Key.Family : $"{line.Key.Family} [{line.Key.Item2}]";
                        series.Add(new PlotSeries(name, data.Palette.Hex(first.Restorer), variant, [.. points.Select(p => p.X)], [.. points.Select(p => p.Y)], true));
                    }

                    if (series.Count > 0)
                    {
                        blocks.Add(new FigureBlock($"ablation-{knob}-{task.Task}-{key.Label}",
                            new PlotSpec($"{key.Label} vs {knob}: {task.Task}", axis, data.AxisLabel(key), series),
                            $"CLDM ablation: {key.Label} against {axis} on {task.Task} (means over images; other knobs fixed per line)."));
                    }
                }
            }
        }

        return blocks.Count == 0 ? null : new ReportSection("ablation", "CLDM ablations", blocks);
    }

    private static string Mode(RestorerInfo r) => r.Knobs.GetValueOrDefault("mode", "sample");

    private static double? Number(string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v) ? v : null;

    private static string Signature(RestorerInfo r, string knob) =>
        string.Join(",", r.Knobs.Where(k => k.Key != knob && k.Key != "mode").OrderBy(k => k.Key, StringComparer.Ordinal).Select(k => $"{k.Key}={k.Value}"));
}
