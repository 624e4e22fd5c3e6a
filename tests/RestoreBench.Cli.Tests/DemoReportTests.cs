using RestoreBench.Reports.Tests;

namespace RestoreBench.Cli.Tests;

/// <summary><c>restorebench demo</c> ends with the HTML report, and that page works in a real browser.</summary>
public sealed class DemoReportTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [ChromiumFact]
    public async Task The_demo_ends_with_a_report_that_loads_in_chromium_with_every_figure_rendered()
    {
        // The two smallest bundled photos with the demo's full spec (every task, restorer and metric).
        var samples = _temp.Sub("samples");
        foreach (var name in new[] { "coffee", "chelsea" })
        {
            File.Copy(Path.Combine(SamplesFolder(), name + ".png"), Path.Combine(samples, name + ".png"));
        }

        var output = Path.Combine(_temp.Root, "demo");
        var run = CliProcess.Run("demo", "--samples", samples, "--out", output);
        Assert.True(run.ExitCode == 0, run.Stderr);
        var page = Path.Combine(output, "report", "report.html");
        Assert.Contains("report: " + page, run.Stderr, StringComparison.Ordinal);

        var result = await BrowserPage.Open(new Uri(page).AbsoluteUri, null);
        Assert.Empty(result.Errors);
        Assert.Empty(result.Dialogs);
        Assert.Equal(0, result.Scripts);
        Assert.True(result.Elements.Count(e => e.Tag == "svg") >= 4, "plots present");
        Assert.True(result.Elements.Count(e => e.Tag == "img") >= 4, "crop panels present");
        Assert.All(result.Elements, e => Assert.True(e.W > 0 && e.H > 0 && e.Loaded, $"{e.Tag} {e.W}x{e.H} loaded={e.Loaded}"));
        BrowserPage.AssertNotBlank(result.Screenshot, Path.Combine(_temp.Root, "shot.png"));
    }

    private static string SamplesFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "samples");
            if (File.Exists(Path.Combine(candidate, "LICENSES.md")))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException("samples/ not found above " + AppContext.BaseDirectory);
    }
}
