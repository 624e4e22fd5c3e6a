using System.ComponentModel;
using System.Diagnostics;
using RestoreBench.Onnx.Zoo;

namespace RestoreBench.Onnx.Tests.Zoo;

/// <summary>
/// Whether the real catalog packages can be used: all tarballs already in the RestoreBench cache
/// (then everything runs offline), or npm present with its registry reachable (then the first run
/// downloads them into the cache). Otherwise tests that need them are skipped with a message.
/// </summary>
internal static class ZooAvailability
{
    private static readonly Lazy<string?> Reason = new(Probe);

    public static string? SkipReason => Reason.Value;

    private static string? Probe()
    {
        var store = new ModelStore();
        var missing = new List<string>();
        foreach (var entry in ModelCatalog.All)
        {
            var path = store.PackagePath(entry.Package);
            if (!File.Exists(path) && !missing.Contains(entry.Package.Spec))
            {
                missing.Add(entry.Package.Spec);
            }
        }

        if (missing.Count == 0)
        {
            return null;
        }

        var npm = new NpmClient();
        var start = new ProcessStartInfo(npm.Executable) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("ping");
        try
        {
            using var process = Process.Start(start)!;
            var stderr = process.StandardError.ReadToEndAsync();
            _ = process.StandardOutput.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
            {
                process.Kill(entireProcessTree: true);
                return Skip(store, missing, "'npm ping' did not answer within 60 s");
            }

            return process.ExitCode == 0 ? null : Skip(store, missing, "'npm ping' failed: " + stderr.Result.Trim().Split('\n')[^1]);
        }
        catch (Win32Exception e)
        {
            return Skip(store, missing, $"npm is not installed ({e.Message})");
        }
    }

    private static string Skip(ModelStore store, List<string> missing, string why) =>
        $"{string.Join(", ", missing)} not in {store.PackagesFolder} and {why}; test skipped (place the tarballs there or install npm)";
}

/// <summary>A theory over real catalog models; skipped with a message when the packages cannot be obtained.</summary>
internal sealed class ZooTheoryAttribute : TheoryAttribute
{
    public ZooTheoryAttribute()
    {
        if (ZooAvailability.SkipReason is { } reason)
        {
            Skip = reason;
        }
    }
}
