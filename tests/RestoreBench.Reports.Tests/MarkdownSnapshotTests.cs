namespace RestoreBench.Reports.Tests;

/// <summary>
/// The Markdown report of the small store is compared byte for byte with TestData/golden/small.md.
/// Regenerate only for an intended change: RESTOREBENCH_UPDATE_GOLDEN=1 dotnet test --filter MarkdownSnapshot,
/// then review the diff before committing.
/// </summary>
public sealed class MarkdownSnapshotTests
{
    [Fact]
    public void Small_store_markdown_matches_the_golden_file()
    {
        using var dir = new TempDir();
        var store = TestStores.Small(dir.Sub("store"));
        var page = ReportWriter.Write(store, dir.Sub("out"), new ReportOptions { Format = ReportFormat.Markdown, BootstrapResamples = 1000, Pairs = [("esrgan", "bicubic"), ("cldm[steps=50]", "esrgan")] });
        var actual = File.ReadAllText(page);
        var golden = Path.Combine(SourceFolder(), "TestData", "golden", "small.md");
        if (Environment.GetEnvironmentVariable("RESTOREBENCH_UPDATE_GOLDEN") == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(golden)!);
            File.WriteAllText(golden, actual);
        }

        Assert.True(File.Exists(golden), $"{golden} is missing");
        Assert.Equal(File.ReadAllText(golden), actual);
    }

    private static string SourceFolder([System.Runtime.CompilerServices.CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;
}
