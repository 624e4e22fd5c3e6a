using System.Diagnostics;
using System.Globalization;
using RestoreBench.Experiments.Results;
using RestoreBench.Experiments.Running;
using RestoreBench.Experiments.Spec;
using RestoreBench.Experiments.Store;
using Spectre.Console;

namespace RestoreBench.Cli;

/// <summary>
/// Runs an experiment for <c>run</c> and <c>demo</c>: progress on stderr (a Spectre.Console bar with ETA
/// on a terminal, otherwise one plain line every few seconds), notices, the summary table on stdout,
/// results.csv next to the store. Ctrl-C stops after the items in flight (exit 130; run again to resume).
/// </summary>
internal static class ExperimentConsole
{
    /// <summary>Seconds between plain progress lines when stderr is not a terminal.</summary>
    public const double PlainIntervalSeconds = 5;

    public static int Run(ExperimentSpec spec, string output, Shard? shard, int threads, CancellationToken ct, Action<RunOutcome>? after = null)
    {
        if (threads < 0)
        {
            throw new UsageException($"--threads must be >= 0 (0 = all cores), got {threads}");
        }

        OutputFolder.Ensure(output);
        var interactive = !Console.IsErrorRedirected && AnsiConsole.Profile.Capabilities.Interactive;
        var notices = new List<string>();
        void Notice(string m)
        {
            if (interactive)
            {
                lock (notices)
                {
                    notices.Add(m);
                }
            }
            else
            {
                Console.Error.WriteLine("note: " + m);
            }
        }

        var options = new RunOptions
        {
            OutputFolder = output,
            Factory = new CliRestorerFactory(Notice),
            Shard = shard,
            Threads = threads,
            ToolVersion = CliRun.ToolVersion,
            Notice = Notice,
        };
        var clock = Stopwatch.StartNew();
        RunOutcome outcome;
        try
        {
            outcome = interactive ? RunWithBar(spec, options, ct) : new ExperimentRunner(spec, options with { Progress = new PlainProgress() }).RunAsync(ct).GetAwaiter().GetResult();
        }
        catch (SpecException e)
        {
            throw new UsageException(e.Message);
        }
        catch (StoreException e)
        {
            throw new UsageException(e.Message);
        }
        finally
        {
            foreach (var m in notices)
            {
                Console.Error.WriteLine("note: " + m);
            }
        }

        var seconds = clock.Elapsed.TotalSeconds;
        if (outcome.Cancelled)
        {
            Console.Error.WriteLine($"cancelled after {seconds:0} s; finished items are in {outcome.StorePath}; run the same command again to resume");
            return 130;
        }

        using (var store = ResultsStore.OpenReadOnly(outcome.StorePath))
        {
            Console.Write(ResultsSummary.Render(store));
            if (shard is null)
            {
                var csv = Path.Combine(store.Folder, "results.csv");
                using var writer = new StreamWriter(csv);
                ResultsExport.WriteCsv(ResultsExport.Read(store), writer);
            }
        }

        after?.Invoke(outcome);
        var csvNote = shard is null ? $", tidy CSV {Path.Combine(Path.GetDirectoryName(outcome.StorePath)!, "results.csv")}" : "";
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{outcome.Items} work items ({outcome.Computed} computed, {outcome.Cached} already in the store) in {seconds:0.0} s; store {outcome.StorePath}{csvNote}"));
        if (outcome.Failures.Count > 0)
        {
            Console.Error.WriteLine($"{outcome.Failures.Count} failure(s):");
            foreach (var f in outcome.Failures.Take(20))
            {
                Console.Error.WriteLine("  error: " + f);
            }

            return ExitCodes.SomeFailed;
        }

        return ExitCodes.Ok;
    }

    private static RunOutcome RunWithBar(ExperimentSpec spec, RunOptions options, CancellationToken ct)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        return console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                var bar = new BarProgress(context);
                return await new ExperimentRunner(spec, options with { Progress = bar }).RunAsync(ct).ConfigureAwait(false);
            }).GetAwaiter().GetResult();
    }

    /// <summary>One Spectre.Console task per phase (degrade, then one per restorer).</summary>
    private sealed class BarProgress(ProgressContext context) : IProgress<RunProgress>
    {
        private readonly Dictionary<string, ProgressTask> _tasks = new(StringComparer.Ordinal);
        private readonly Lock _lock = new();

        public void Report(RunProgress value)
        {
            lock (_lock)
            {
                if (!_tasks.TryGetValue(value.Phase, out var task))
                {
                    task = context.AddTask(Markup.Escape(value.Phase), maxValue: Math.Max(1, value.Total));
                    _tasks[value.Phase] = task;
                }

                task.Value = value.Done;
                if (value.Done >= value.Total)
                {
                    task.StopTask();
                }
            }
        }
    }

    /// <summary>One line every <see cref="PlainIntervalSeconds"/> seconds and at the end of each phase.</summary>
    private sealed class PlainProgress : IProgress<RunProgress>
    {
        private readonly Stopwatch _since = Stopwatch.StartNew();
        private readonly Lock _lock = new();
        private string _phase = "";
        private Stopwatch _phaseClock = Stopwatch.StartNew();

        public void Report(RunProgress value)
        {
            lock (_lock)
            {
                if (value.Phase != _phase)
                {
                    _phase = value.Phase;
                    _phaseClock = Stopwatch.StartNew();
                }

                if (value.Done < value.Total && _since.Elapsed.TotalSeconds < PlainIntervalSeconds)
                {
                    return;
                }

                _since.Restart();
                var elapsed = _phaseClock.Elapsed.TotalSeconds;
                var eta = value.Done > 0 ? elapsed / value.Done * (value.Total - value.Done) : double.NaN;
                var etaText = value.Done < value.Total && !double.IsNaN(eta) ? string.Create(CultureInfo.InvariantCulture, $", ETA {eta:0} s") : "";
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"[{DateTime.Now:HH:mm:ss}] {value.Phase}: {value.Done}/{value.Total} items, {value.Failed} failed{etaText}"));
            }
        }
    }
}
