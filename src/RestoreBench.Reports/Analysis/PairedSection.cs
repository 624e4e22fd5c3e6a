using RestoreBench.Core.Randomness;
using RestoreBench.Reports.Rendering;
using RestoreBench.Reports.Statistics;

namespace RestoreBench.Reports.Analysis;

/// <summary>
/// Paired comparisons: per image the difference A − B of each metric over the images where both are
/// defined and finite, its mean with a paired bootstrap interval, and the two-sided Wilcoxon signed-rank
/// p-value. "A better" needs both the interval to exclude 0 and p &lt; 1 − level, in A's favour.
/// </summary>
internal static class PairedSection
{
    public static ReportSection? Build(ReportData data)
    {
        var pairs = Pairs(data, out var note);
        var blocks = new List<Block>();
        if (note is not null)
        {
            blocks.Add(new TextBlock(note));
        }

        if (pairs.Count == 0)
        {
            return blocks.Count == 0 ? null : new ReportSection("paired", "Paired comparisons", blocks);
        }

        blocks.Insert(0, new TextBlock($"Difference A − B per image (images where both are defined and finite), mean with a {data.Options.ConfidenceLevel:P0} paired bootstrap interval " +
            "and the two-sided Wilcoxon signed-rank p-value (exact for n ≤ 50 without ties or zeros, else the normal approximation). " +
            "The verdict names the better restorer when the interval excludes 0 and p is below " + Fmt.Num(1 - data.Options.ConfidenceLevel) + "."));
        foreach (var (a, b) in pairs)
        {
            foreach (var task in data.Tasks)
            {
                var rows = new List<IReadOnlyList<Cell>>();
                foreach (var key in data.Keys)
                {
                    var diffs = new List<double>();
                    var skipped = 0;
                    foreach (var s in data.SamplesByTask[task.Task])
                    {
                        if (data.Score(s.SampleId, a, key) is { } va && data.Score(s.SampleId, b, key) is { } vb)
                        {
                            var d = va - vb;
                            if (double.IsFinite(d))
                            {
                                diffs.Add(d);
                            }
                            else
                            {
                                skipped++;
                            }
                        }
                    }

                    if (diffs.Count == 0)
                    {
                        continue;
                    }

                    var random = SeededRandom.Derive(data.Options.Seed, $"{task.Task}\u001f{a}\u001f{b}\u001f{key.Metric}\u001f{key.Options}", "bootstrap/paired");
                    var ci = Bootstrap.MeanInterval([.. diffs], data.Options.BootstrapResamples, data.Options.ConfidenceLevel, random);
                    var w = WilcoxonSignedRank.Test([.. diffs]);
                    var higher = data.HigherIsBetter(key);
                    var alpha = 1 - data.Options.ConfidenceLevel;
                    var verdict = "no evidence";
                    if (w.PValue < alpha && (ci.Low > 0 || ci.High < 0))
                    {
                        verdict = (ci.Low > 0) == higher ? $"{a} better" : $"{b} better";
                    }

                    rows.Add([
                        Cell.Label($"{key.Label} {data.Arrow(key)}"),
                        new Cell(Fmt.Int(diffs.Count), skipped > 0 ? $"{skipped} non-finite skipped" : null),
                        new Cell(Fmt.Num(data.Summary(task.Task, a, key).Mean)),
                        new Cell(Fmt.Num(data.Summary(task.Task, b, key).Mean)),
                        new Cell(Fmt.Num(ci.Mean), Fmt.Interval(ci)),
                        new Cell(Fmt.P(w.PValue), w.Exact ? "exact" : "normal approx."),
                        Cell.Label(verdict),
                    ]);
                }

                if (rows.Count > 0)
                {
                    blocks.Add(new HeadingBlock($"{a} vs {b}: {task.Task}"));
                    blocks.Add(new TableBlock(null, null, ["metric", "n", $"mean {a}", $"mean {b}", "mean A − B", "Wilcoxon p", "verdict"], rows));
                }
            }
        }

        return new ReportSection("paired", "Paired comparisons", blocks);
    }

    private static List<(string A, string B)> Pairs(ReportData data, out string? note)
    {
        note = null;
        var names = data.Restorers.Select(r => r.Restorer).ToHashSet(StringComparer.Ordinal);
        if (data.Options.Pairs.Count > 0)
        {
            foreach (var (a, b) in data.Options.Pairs)
            {
                foreach (var n in new[] { a, b })
                {
                    if (!names.Contains(n))
                    {
                        throw new ArgumentException($"--pairs: restorer '{n}' is not in the selection (restorers: {string.Join(", ", names)})");
                    }
                }

                if (a == b)
                {
                    throw new ArgumentException($"--pairs: '{a}:{b}' pairs a restorer with itself");
                }
            }

            return [.. data.Options.Pairs];
        }

        var models = data.Restorers.Where(ReportData.Competes).Select(r => r.Restorer).ToList();
        if (models.Count > 4)
        {
            note = $"{models.Count} restorers: choose the pairs to compare with --pairs A:B,C:D.";
            return [];
        }

        var pairs = new List<(string, string)>();
        for (var i = 0; i < models.Count; i++)
        {
            for (var j = i + 1; j < models.Count; j++)
            {
                pairs.Add((models[i], models[j]));
            }
        }

        return pairs;
    }
}
