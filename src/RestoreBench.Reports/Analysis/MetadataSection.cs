using System.Text.Json;
using RestoreBench.Reports.Rendering;

namespace RestoreBench.Reports.Analysis;

/// <summary>Run metadata: store meta, runs with machine and spec, tasks, restorers, warnings, failed items and undefined scores.</summary>
internal static class MetadataSection
{
    private const int MaxFailures = 100;

    public static ReportSection Build(ReportData data)
    {
        var store = data.Store;
        var o = data.Options;
        var blocks = new List<Block>
        {
            new HeadingBlock("Store"),
            new TableBlock(null, null, ["key", "value"], [.. store.Meta.OrderBy(m => m.Key, StringComparer.Ordinal).Select(m => (IReadOnlyList<Cell>)[Cell.Label(m.Key), Cell.Label(m.Value)])]),
            new TextBlock($"Report settings: bootstrap {o.BootstrapResamples} resamples, level {o.ConfidenceLevel:P0}, seed {o.Seed}; γ bins {o.GammaBins}; " +
                $"selection: tasks [{string.Join(", ", o.Tasks)}], restorers [{string.Join(", ", o.Restorers)}], metrics [{string.Join(", ", o.Metrics)}], datasets [{string.Join(", ", o.Datasets)}] (empty: all)."),
            new HeadingBlock("Runs"),
            new TableBlock(null, null, ["run", "started (UTC)", "finished (UTC)", "shard", "spec hash"],
                [.. store.Runs.Select(r => (IReadOnlyList<Cell>)[Cell.Label(r.RunId), Cell.Label(r.StartedUtc), Cell.Label(r.FinishedUtc ?? "unfinished"), Cell.Label(r.Shard ?? "—"), Cell.Label(Short(r.SpecHash))])]),
        };
        foreach (var machine in store.Runs.Select(r => r.MachineJson).Distinct(StringComparer.Ordinal))
        {
            blocks.Add(new ListBlock(Machine(machine)));
        }

        foreach (var run in store.Runs.GroupBy(r => r.SpecHash).Select(g => g.Last()))
        {
            blocks.Add(new TextBlock($"Spec {Short(run.SpecHash)} (seeds per image: {string.Join(", ", store.Samples.Select(s => s.Seed).Distinct().Order().Take(10))}):"));
            blocks.Add(new PreBlock(run.SpecYaml));
        }

        var warnings = store.Runs.SelectMany(r => r.Warnings).Distinct(StringComparer.Ordinal).ToList();
        blocks.Add(new HeadingBlock("Warnings"));
        blocks.Add(warnings.Count == 0 ? new TextBlock("None.") : new ListBlock(warnings));
        blocks.Add(new HeadingBlock("Tasks"));
        blocks.Add(new TableBlock(null, null, ["task", "group", "degradation", "sweep", "images"],
            [.. data.Tasks.Select(t => (IReadOnlyList<Cell>)[Cell.Label(t.Task), Cell.Label(t.TaskGroup), Cell.Label(t.Degradation ?? "given LQ"),
                Cell.Label(t.SweepParameter is null ? "—" : $"{t.SweepParameter}={Fmt.Inv(t.SweepValue ?? double.NaN)}"), new Cell(Fmt.Int(data.SamplesByTask[t.Task].Count))])]));
        blocks.Add(new HeadingBlock("Restorers"));
        blocks.Add(new TableBlock(null, null, ["restorer", "kind", "family", "knobs", "parameters", "config"],
            [.. data.Restorers.Select(r => (IReadOnlyList<Cell>)[Cell.Label(r.Restorer), Cell.Label(r.Kind), Cell.Label(r.Family), Cell.Label(r.KnobsJson),
                new Cell(r.Parameters is { } p ? Fmt.Int(p) : "unknown"), Cell.Label(Short(r.ConfigHash))])]));

        var failed = data.Outputs.Values.Where(x => !x.Ok).OrderBy(x => data.SampleById[x.SampleId].Task, StringComparer.Ordinal)
            .ThenBy(x => data.SampleById[x.SampleId].Image, StringComparer.Ordinal).ThenBy(x => x.Restorer, StringComparer.Ordinal).ToList();
        blocks.Add(new HeadingBlock($"Failed items ({failed.Count})"));
        if (failed.Count > 0)
        {
            blocks.Add(new TableBlock(null, null, ["task", "image", "restorer", "error"],
                [.. failed.Take(MaxFailures).Select(f => (IReadOnlyList<Cell>)[Cell.Label(data.SampleById[f.SampleId].Task), Cell.Label(data.SampleById[f.SampleId].Image),
                    Cell.Label(f.Restorer), Cell.Label(f.Error ?? "(no message)")])]));
            if (failed.Count > MaxFailures)
            {
                blocks.Add(new TextBlock($"… and {failed.Count - MaxFailures} more."));
            }
        }

        var restorers = data.Restorers.Select(r => r.Restorer).ToHashSet(StringComparer.Ordinal);
        var undefined = store.Scores.Where(s => s.Value is null && data.SampleById.ContainsKey(s.SampleId) && restorers.Contains(s.Restorer))
            .GroupBy(s => (s.Key.Label, s.Error ?? "(no reason)")).OrderBy(g => g.Key.Label, StringComparer.Ordinal).ThenBy(g => g.Key.Item2, StringComparer.Ordinal).ToList();
        blocks.Add(new HeadingBlock($"Undefined scores ({undefined.Sum(g => g.Count())})"));
        if (undefined.Count > 0)
        {
            blocks.Add(new TableBlock(null, null, ["metric", "reason", "count"],
                [.. undefined.Select(g => (IReadOnlyList<Cell>)[Cell.Label(g.Key.Label), Cell.Label(g.Key.Item2), new Cell(Fmt.Int(g.Count()))])]));
        }

        return new ReportSection("metadata", "Run metadata", blocks);
    }

    private static string Short(string hash) => hash.Length > 12 ? hash[..12] : hash;

    private static List<string> Machine(string json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            if (doc.RootElement.ValueKind == JsonValueKind.Object)
            {
                return [.. doc.RootElement.EnumerateObject().Select(p => $"{p.Name}: {(p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() : p.Value.GetRawText())}")];
            }
        }
        catch (JsonException)
        {
        }

        return [$"machine: {json}"];
    }
}
