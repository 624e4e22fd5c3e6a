using RestoreBench.Onnx.Zoo;

namespace RestoreBench.Onnx.Tests.Zoo;

/// <summary>
/// The real MAXIM packages for tests: the tarball from the RestoreBench cache (or npm, through
/// <see cref="ModelStore.EnsurePackageAsync(NpmPackage, IProgress{string}?, CancellationToken)"/>), its
/// <c>package/models</c> folder extracted once per test run into a temporary folder.
/// </summary>
internal static class MaximPackages
{
    private static readonly Dictionary<string, Lazy<Task<string>>> Folders = new(StringComparer.Ordinal);
    private static readonly Lazy<string?> Reason = new(Probe);

    /// <summary>Why the deblurring package cannot be had (no cached tarball and no npm), or null.</summary>
    public static string? SkipReason => Reason.Value;

    /// <summary>The folder holding model.json of catalog entry <paramref name="name"/>.</summary>
    public static Task<string> ModelFolderAsync(string name)
    {
        lock (Folders)
        {
            if (!Folders.TryGetValue(name, out var lazy))
            {
                lazy = new Lazy<Task<string>>(() => ExtractAsync(ModelCatalog.Get(name)));
                Folders[name] = lazy;
            }

            return lazy.Value;
        }
    }

    private static async Task<string> ExtractAsync(CatalogModel entry)
    {
        var tarball = await new ModelStore().EnsurePackageAsync(entry.Package);
        var folder = Path.Combine(Path.GetTempPath(), $"rb-maxim-test-{Environment.ProcessId}", entry.Package.Name.Replace('/', '-'));
        if (!File.Exists(Path.Combine(folder, "package", entry.ModelPath, "model.json")))
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }

            var prefix = "package/" + entry.ModelPath + "/";
            SafeTarExtractor.Extract(tarball, folder, n => n.StartsWith(prefix, StringComparison.Ordinal));
        }

        return Path.Combine(folder, "package", entry.ModelPath);
    }

    private static string? Probe()
    {
        var entry = ModelCatalog.Get("maxim-deblurring");
        var store = new ModelStore();
        if (File.Exists(store.PackagePath(entry.Package)))
        {
            return null;
        }

        return ZooAvailability.SkipReason is { } reason ? $"{entry.Package.Spec}: {reason}" : null;
    }
}

/// <summary>A fact that needs ../shared and the MAXIM deblurring package (cache or npm); skipped with a message otherwise.</summary>
internal sealed class MaximFactAttribute : FactAttribute
{
    public MaximFactAttribute()
    {
        if (!RestoreBench.Tests.SharedData.Exists)
        {
            Skip = RestoreBench.Tests.SharedData.SkipReason;
        }
        else if (MaximPackages.SkipReason is { } reason)
        {
            Skip = reason;
        }
    }
}
