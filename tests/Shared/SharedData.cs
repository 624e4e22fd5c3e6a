using System.Text.Json;

namespace RestoreBench.Tests;

/// <summary>Locates the repository and the reference data in ../shared (beside the repository root).</summary>
internal static class SharedData
{
    private static readonly Lazy<string> Root = new(FindRepositoryRoot);
    private static readonly Lazy<JsonDocument?> Expected = new(() =>
        Exists ? JsonDocument.Parse(File.ReadAllText(Vectors("expected_values.json"))) : null);

    public const string SkipReason = "../shared is absent (reference data and weights live beside the repository); test skipped.";

    /// <summary>The repository root (the folder holding RestoreBench.slnx).</summary>
    public static string RepositoryRoot => Root.Value;

    /// <summary>The shared folder: $RESTOREBENCH_SHARED, else ../shared from the repository root.</summary>
    public static string SharedRoot =>
        Environment.GetEnvironmentVariable("RESTOREBENCH_SHARED") is { Length: > 0 } env
            ? env
            : Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared"));

    public static bool Exists => Directory.Exists(Path.Combine(SharedRoot, "reference"));

    public static string Reference(params string[] parts) => Path.Combine([SharedRoot, "reference", .. parts]);

    public static string Vectors(params string[] parts) => Path.Combine([SharedRoot, "reference", "vectors", .. parts]);

    public static string Models(params string[] parts) => Path.Combine([SharedRoot, "models", .. parts]);

    /// <summary>expected_values.json (only when <see cref="Exists"/>).</summary>
    public static JsonElement ExpectedValues => Expected.Value!.RootElement;

    /// <summary>The four reference image names.</summary>
    public static readonly string[] ImageNames = ["astronaut", "coffee", "chelsea", "camera"];

    private static string FindRepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "RestoreBench.slnx")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("RestoreBench.slnx not found above " + AppContext.BaseDirectory);
    }
}

/// <summary>A fact that is skipped, with a message, when ../shared is absent.</summary>
internal sealed class SharedFactAttribute : FactAttribute
{
    public SharedFactAttribute()
    {
        if (!SharedData.Exists)
        {
            Skip = SharedData.SkipReason;
        }
    }
}

/// <summary>A theory that is skipped, with a message, when ../shared is absent.</summary>
internal sealed class SharedTheoryAttribute : TheoryAttribute
{
    public SharedTheoryAttribute()
    {
        if (!SharedData.Exists)
        {
            Skip = SharedData.SkipReason;
        }
    }
}
