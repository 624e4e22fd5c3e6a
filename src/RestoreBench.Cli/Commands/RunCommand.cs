using System.CommandLine;
using RestoreBench.Experiments.Running;
using RestoreBench.Experiments.Spec;

namespace RestoreBench.Cli.Commands;

/// <summary><c>restorebench run SPEC [--out DIR] [--shard i/N] [--threads N]</c>: run an experiment spec (docs/experiments.md).</summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var spec = new Argument<string>("SPEC") { Description = "Experiment spec (YAML; docs/experiments.md)." };
        var output = new Option<string?>("--out", "-o") { Description = "Output folder (default: the spec's 'output', else ./restorebench-out). Running again resumes." };
        var shard = new Option<string?>("--shard") { Description = "Run shard i of N (1-based, e.g. 2/4): a deterministic part of the work items, into results-shard-i-of-N.db." };
        var threads = new Option<int>("--threads") { Description = "Work items in parallel (0 = all cores). Results do not depend on it.", DefaultValueFactory = _ => 0 };
        var command = new Command("run", """
            Run an experiment: degrade, restore and score every (image, task, seed, restorer) item into a resumable SQLite
            results store (results.db), then print the summary and write results.csv. Running the same command again
            computes only what is missing; Ctrl-C stops cleanly.

            Examples:
              restorebench run configs/paper-div2k.yaml --out runs/div2k
              restorebench run configs/paper-div2k.yaml --out /shared/div2k --shard 3/8
              restorebench results merge /shared/div2k
            """)
        {
            spec, output, shard, threads,
        };
        command.SetAction((ParseResult r, CancellationToken ct) => CliRun.Guard(() =>
        {
            var parsed = Parse(r.GetRequiredValue(spec));
            var parsedShard = r.GetValue(shard) is { } s ? CliRun.Format(() => Shard.Parse(s)) : null;
            var folder = r.GetValue(output) ?? parsed.Output ?? "restorebench-out";
            return ExperimentConsole.Run(parsed, folder, parsedShard, r.GetValue(threads), ct);
        }));
        return command;
    }

    internal static ExperimentSpec Parse(string path)
    {
        try
        {
            return SpecParser.ParseFile(path);
        }
        catch (SpecException e)
        {
            throw new UsageException(e.Message);
        }
    }
}
