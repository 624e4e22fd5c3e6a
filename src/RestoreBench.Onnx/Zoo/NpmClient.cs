using System.ComponentModel;
using System.Diagnostics;
using System.Text.Json;

namespace RestoreBench.Onnx.Zoo;

/// <summary>
/// Obtains package tarballs with the npm client (<c>npm pack NAME@VERSION</c>), so that the registry is
/// whatever the user's npm is configured to use. The executable is <c>$RESTOREBENCH_NPM</c> or
/// <c>npm</c> on the PATH; it runs with an argument list, never through a shell.
/// </summary>
public sealed class NpmClient
{
    /// <summary>Environment variable naming the npm executable.</summary>
    public const string EnvironmentVariable = "RESTOREBENCH_NPM";

    /// <summary>Uses <paramref name="executable"/>, else <c>$RESTOREBENCH_NPM</c>, else <c>npm</c>.</summary>
    public NpmClient(string? executable = null, TimeSpan? timeout = null)
    {
        Executable = executable
            ?? (Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } env ? env : "npm");
        Timeout = timeout ?? TimeSpan.FromMinutes(15);
    }

    /// <summary>The npm executable.</summary>
    public string Executable { get; }

    /// <summary>Longest time one npm command may take.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>
    /// Runs <c>npm pack SPEC --json --ignore-scripts</c> in <paramref name="folder"/> and returns the path of the
    /// tarball it wrote there.
    /// </summary>
    /// <exception cref="NpmUnavailableException">npm is missing, fails, times out or reports no tarball; one line with npm's last error line.</exception>
    public async Task<string> PackAsync(string spec, string folder, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(spec);
        Directory.CreateDirectory(folder);
        var start = new ProcessStartInfo(Executable)
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("pack");
        start.ArgumentList.Add(spec);
        start.ArgumentList.Add("--json");
        start.ArgumentList.Add("--ignore-scripts");

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new NpmUnavailableException($"npm ('{Executable}') could not be started");
        }
        catch (Win32Exception e)
        {
            throw new NpmUnavailableException($"npm was not found ('{Executable}' could not be started); install Node.js/npm or set {EnvironmentVariable} to the npm executable", e);
        }

        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(Timeout);
            try
            {
                await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                cancellationToken.ThrowIfCancellationRequested();
                throw new NpmUnavailableException($"'npm pack {spec}' did not finish within {Timeout.TotalMinutes:0} minutes");
            }

            var output = await stdout.ConfigureAwait(false);
            var errors = await stderr.ConfigureAwait(false);
            if (process.ExitCode != 0)
            {
                throw new NpmUnavailableException($"'npm pack {spec}' failed with exit code {process.ExitCode}: {LastErrorLine(errors)}");
            }

            var file = TarballName(output) ?? throw new NpmUnavailableException($"'npm pack {spec}' reported no tarball (output: {Tail(output)})");
            var path = Path.Combine(folder, file);
            return File.Exists(path) ? path : throw new NpmUnavailableException($"'npm pack {spec}' reported '{file}' but wrote no such file in {folder}");
        }
    }

    private static string? TarballName(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            var first = root.ValueKind == JsonValueKind.Array && root.GetArrayLength() > 0 ? root[0] : root;
            return first.ValueKind == JsonValueKind.Object && first.TryGetProperty("filename", out var f) ? Path.GetFileName(f.GetString()) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string LastErrorLine(string stderr)
    {
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        for (var i = lines.Length - 1; i >= 0; i--)
        {
            if (lines[i].Contains("ERR", StringComparison.Ordinal))
            {
                return lines[i];
            }
        }

        return lines.Length > 0 ? lines[^1] : "(no error output)";
    }

    private static string Tail(string text) => text.Length <= 200 ? text.Trim() : "…" + text[^200..].Trim();
}
