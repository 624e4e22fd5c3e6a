using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using RestoreBench.Restorers.Resources;

namespace RestoreBench.Restorers.External;

/// <summary>How one run of an external command ended.</summary>
/// <param name="Arguments">The argument list that was run (program first).</param>
/// <param name="ExitCode">The exit code, or null when the program did not start or was killed on timeout.</param>
/// <param name="TimedOut">True when the run was killed after the timeout.</param>
/// <param name="StartError">Why the program could not be started (not found, not executable), else null.</param>
/// <param name="StderrTail">The last lines of its standard error (at most the configured count).</param>
/// <param name="StdoutTail">The last lines of its standard output.</param>
/// <param name="Elapsed">Wall-clock time from start to exit.</param>
/// <param name="Timeout">The time limit the run had.</param>
/// <param name="PeakChildMemoryBytes">
/// Linux <c>getrusage(RUSAGE_CHILDREN).ru_maxrss</c> after the run: the largest peak resident set of
/// any terminated child (and waited-for descendant) of this process so far, i.e. this run's peak when
/// it is the largest so far; null where unavailable.
/// </param>
public sealed record ProcessOutcome(
    IReadOnlyList<string> Arguments,
    int? ExitCode,
    bool TimedOut,
    string? StartError,
    IReadOnlyList<string> StderrTail,
    IReadOnlyList<string> StdoutTail,
    TimeSpan Elapsed,
    TimeSpan Timeout,
    long? PeakChildMemoryBytes)
{
    /// <summary>True when the program ran and exited with code 0.</summary>
    public bool Succeeded => StartError is null && !TimedOut && ExitCode == 0;

    /// <summary>One line: why the run failed, with the last stderr lines; null when it succeeded.</summary>
    public string? FailureMessage
    {
        get
        {
            if (Succeeded)
            {
                return null;
            }

            var reason = StartError is not null ? StartError
                : TimedOut ? $"the command exceeded its {Timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s timeout and was killed"
                : $"the command exited with code {ExitCode}";
            var tail = StderrTail.Count > 0 ? StderrTail : StdoutTail;
            var shown = tail.Count > 5 ? tail.Skip(tail.Count - 5) : tail;
            return tail.Count == 0 ? reason + " (no output on stderr)" : $"{reason}; stderr tail: {string.Join(" | ", shown)}";
        }
    }
}

/// <summary>Runs a program with an argument list (no shell), a timeout and bounded output capture.</summary>
internal static class ProcessRunner
{
    public static async Task<ProcessOutcome> RunAsync(IReadOnlyList<string> arguments, string? workingDirectory, TimeSpan timeout, int tailLines, CancellationToken cancellationToken)
    {
        var program = arguments[0];
        var resolved = Resolve(program, workingDirectory);
        if (resolved is null)
        {
            return new ProcessOutcome(arguments, null, false,
                program.Contains('/', StringComparison.Ordinal)
                    ? $"cannot start '{program}': no such file"
                    : $"cannot start '{program}': command not found on PATH",
                [], [], TimeSpan.Zero, timeout, null);
        }

        var start = new ProcessStartInfo(resolved)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            WorkingDirectory = workingDirectory ?? "",
        };
        for (var i = 1; i < arguments.Count; i++)
        {
            start.ArgumentList.Add(arguments[i]);
        }

        var stderr = new Tail(tailLines);
        var stdout = new Tail(tailLines);
        using var process = new Process { StartInfo = start };
        process.ErrorDataReceived += (_, e) => stderr.Add(e.Data);
        process.OutputDataReceived += (_, e) => stdout.Add(e.Data);
        var clock = Stopwatch.StartNew();
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            return new ProcessOutcome(arguments, null, false, $"cannot start '{program}': {e.Message}", [], [], TimeSpan.Zero, timeout, null);
        }

        process.StandardInput.Close();
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var timedOut = false;
        try
        {
            await process.WaitForExitAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Kill(process);
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                // Waits for the streams too; a descendant that escaped the kill could hold them open.
                await process.WaitForExitAsync(grace.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }

            cancellationToken.ThrowIfCancellationRequested();
            timedOut = true;
        }

        clock.Stop();
        return new ProcessOutcome(arguments, timedOut ? null : process.ExitCode, timedOut, null,
            stderr.Lines(), stdout.Lines(), clock.Elapsed, timeout, ChildMemory.PeakResidentBytes());
    }

    /// <summary>The program's path: as given when it contains '/', else the first executable match on PATH.</summary>
    internal static string? Resolve(string program, string? workingDirectory)
    {
        if (program.Contains('/', StringComparison.Ordinal))
        {
            var path = Path.IsPathRooted(program) || workingDirectory is null ? program : Path.Combine(workingDirectory, program);
            return File.Exists(path) ? Path.GetFullPath(path) : null;
        }

        foreach (var folder in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(folder, program);
            if (File.Exists(candidate) && (OperatingSystem.IsWindows() || (File.GetUnixFileMode(candidate) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0))
            {
                return candidate;
            }
        }

        return null;
    }

    private static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
        catch (Win32Exception)
        {
            // A descendant could not be killed; the direct child is gone or going.
        }
    }

    /// <summary>The last N lines of a stream, thread-safe.</summary>
    private sealed class Tail(int capacity)
    {
        private readonly Queue<string> _lines = new();
        private readonly Lock _gate = new();

        public void Add(string? line)
        {
            if (line is null || capacity == 0)
            {
                return;
            }

            lock (_gate)
            {
                if (_lines.Count == capacity)
                {
                    _lines.Dequeue();
                }

                _lines.Enqueue(line.Length > 500 ? line[..500] + "…" : line);
            }
        }

        public IReadOnlyList<string> Lines()
        {
            lock (_gate)
            {
                return [.. _lines];
            }
        }
    }
}
