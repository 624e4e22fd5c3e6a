using System.CommandLine;
using RestoreBench.Experiments.Results;
using RestoreBench.Experiments.Store;

namespace RestoreBench.Cli.Commands;

/// <summary><c>restorebench results summary|export|merge</c>: read and combine results stores (docs/results-store.md).</summary>
internal static class ResultsCommand
{
    public static Command Create() => new("results", "Read results stores: summary table, tidy CSV/JSON export, merge shards.")
    {
        Summary(), Export(), Merge(),
    };

    private static Command Summary()
    {
        var store = StoreArgument();
        var command = new Command("summary", "Mean of every metric per task and restorer, γ per task, resources per restorer, failed items.") { store };
        command.SetAction((ParseResult r, CancellationToken _) => CliRun.Guard(() =>
        {
            using var s = Open(r.GetRequiredValue(store));
            Console.Write(ResultsSummary.Render(s));
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command Export()
    {
        var store = StoreArgument();
        var csv = new Option<bool>("--csv") { Description = "Tidy CSV: one row per score." };
        var json = new Option<bool>("--json") { Description = "Tidy JSON: an array with one object per score." };
        var output = new Option<string?>("--output", "-o") { Description = "Write to this file instead of stdout." };
        var command = new Command("export", """
            Export every score in tidy form (one row per score, with dataset, image, task, sweep value, seed, α, β, γ,
            restorer, knobs, metric, options, direction, value, error).

            Examples:
              restorebench results export restorebench-demo --csv -o scores.csv
              restorebench results export runs/div2k/results.db --json
            """)
        {
            store, csv, json, output,
        };
        command.SetAction((ParseResult r, CancellationToken _) => CliRun.Guard(() =>
        {
            if (r.GetValue(csv) == r.GetValue(json))
            {
                throw new UsageException("give exactly one of --csv or --json");
            }

            using var s = Open(r.GetRequiredValue(store));
            var rows = ResultsExport.Read(s);
            var path = r.GetValue(output);
            try
            {
                using var stream = path is null ? Console.OpenStandardOutput() : File.Create(path);
                if (r.GetValue(csv))
                {
                    using var writer = new StreamWriter(stream);
                    ResultsExport.WriteCsv(rows, writer);
                }
                else
                {
                    ResultsExport.WriteJson(rows, stream);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new UsageException($"{path}: cannot write ({e.Message})");
            }

            if (path is not null)
            {
                Console.Error.WriteLine($"wrote {rows.Count} score row(s) to {path}");
            }

            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command Merge()
    {
        var inputs = new Argument<string[]>("STORES") { Description = "Stores (files) or folders; a folder contributes its results-shard-*.db files (and results.db unless it is the target).", Arity = ArgumentArity.OneOrMore };
        var into = new Option<string?>("--into") { Description = "Target store file or folder (default: DIR/results.db when one folder is given)." };
        var command = new Command("merge", """
            Merge results stores (e.g. the shards of 'run --shard i/N') into one, idempotently: merging twice, or
            overlapping stores, never duplicates a row. Files of stores in other folders are copied under the target.

            Examples:
              restorebench results merge /shared/div2k
              restorebench results merge shard1/ shard2/ shard3/ --into merged/
            """)
        {
            inputs, into,
        };
        command.SetAction((ParseResult r, CancellationToken _) => CliRun.Guard(() =>
        {
            var given = r.GetRequiredValue(inputs);
            var target = r.GetValue(into);
            if (target is null)
            {
                if (given.Length != 1 || !Directory.Exists(given[0]))
                {
                    throw new UsageException("give --into TARGET, or a single folder holding results-shard-*.db files");
                }

                target = given[0];
            }

            var targetFile = Path.GetFullPath(Directory.Exists(target) || !target.EndsWith(".db", StringComparison.OrdinalIgnoreCase)
                ? Path.Combine(target, ResultsStore.DefaultFileName) : target);
            var files = new List<string>();
            foreach (var g in given)
            {
                if (Directory.Exists(g))
                {
                    var found = Directory.GetFiles(g, "results-shard-*.db").Order(StringComparer.Ordinal).ToList();
                    var main = Path.GetFullPath(Path.Combine(g, ResultsStore.DefaultFileName));
                    if (File.Exists(main) && main != targetFile)
                    {
                        found.Insert(0, main);
                    }

                    if (found.Count == 0)
                    {
                        throw new UsageException($"{g}: no results store in this folder");
                    }

                    files.AddRange(found);
                }
                else if (File.Exists(g))
                {
                    files.Add(g);
                }
                else
                {
                    throw new UsageException($"{g}: no such store or folder");
                }
            }

            try
            {
                var outcome = StoreMerge.Merge(targetFile, files, CliRun.ToolVersion);
                foreach (var w in outcome.Warnings)
                {
                    Console.Error.WriteLine("warning: " + w);
                }

                Console.Error.WriteLine($"merged {files.Count} store(s) into {targetFile}" + (outcome.FilesCopied > 0 ? $"; copied {outcome.FilesCopied} file(s)" : ""));
            }
            catch (StoreException e)
            {
                throw new UsageException(e.Message);
            }

            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Argument<string> StoreArgument() => new("STORE")
    {
        Description = "A results store (results.db) or the folder holding it.",
        DefaultValueFactory = _ => ".",
    };

    private static ResultsStore Open(string path)
    {
        try
        {
            return ResultsStore.OpenReadOnly(path);
        }
        catch (StoreException e)
        {
            throw new UsageException(e.Message);
        }
    }
}
