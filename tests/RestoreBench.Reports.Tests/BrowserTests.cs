namespace RestoreBench.Reports.Tests;

/// <summary>The HTML report in a real browser (Playwright driving Debian's chromium).</summary>
public sealed class BrowserTests
{
    [ChromiumFact]
    public async Task Report_loads_without_errors_every_figure_renders_and_the_screenshot_is_not_blank()
    {
        using var dir = new TempDir();
        var store = TestStores.Small(dir.Sub("store"));
        var page = ReportWriter.Write(store, dir.Sub("out"), new ReportOptions { BootstrapResamples = 200 });
        var result = await BrowserPage.Open(new Uri(page).AbsoluteUri, null);
        Assert.Empty(result.Errors);
        Assert.Empty(result.Dialogs);
        Assert.True(result.Elements.Count(e => e.Tag == "svg") >= 10, "plots present");
        Assert.True(result.Elements.Count(e => e.Tag == "img") >= 4, "crop panels present");
        Assert.All(result.Elements, e => Assert.True(e.W > 0 && e.H > 0 && e.Loaded, $"{e.Tag} {e.W}x{e.H} loaded={e.Loaded}"));
        BrowserPage.AssertNotBlank(result.Screenshot, dir.Sub("shot.png"));
    }

    [ChromiumFact]
    public async Task Hostile_names_are_shown_as_text_and_no_script_runs()
    {
        using var dir = new TempDir();
        var store = TestStores.Small(dir.Sub("store"), imageName: TestStores.Xss, restorerPrefix: "<script>alert(2)</script>\"'",
            spec: "name: \"</pre><script>alert(3)</script><svg onload=alert(4)>\"\n");
        var page = ReportWriter.Write(store, dir.Sub("out"), new ReportOptions { BootstrapResamples = 100, Images = [TestStores.Xss] });
        var html = await File.ReadAllTextAsync(page);
        Assert.Contains("&lt;img src=x onerror=alert(1)&gt;", html, StringComparison.Ordinal);

        var withCsp = await BrowserPage.Open(new Uri(page).AbsoluteUri, null);
        // Without the Content-Security-Policy only the escaping protects the page.
        var withoutCsp = await BrowserPage.Open(null, html.Replace("<meta http-equiv=\"Content-Security-Policy\"", "<meta name=\"removed\"", StringComparison.Ordinal));
        foreach (var r in new[] { withCsp, withoutCsp })
        {
            Assert.Empty(r.Dialogs);
            Assert.Empty(r.Errors);
            Assert.Equal(0, r.Scripts);
            Assert.Equal(0, r.EventAttributes);
            Assert.DoesNotContain(r.Console, m => m.Contains("alert", StringComparison.Ordinal));
        }

        Assert.All(withCsp.Elements, e => Assert.True(e.W > 0 && e.H > 0 && e.Loaded, $"{e.Tag} {e.W}x{e.H}"));

        // Control: the same harness does see a script that runs, so the checks above can fail.
        var control = await BrowserPage.Open(null, "<html><body><p>x</p><img src=x onerror=alert(1)></body></html>");
        Assert.Equal(["1"], control.Dialogs);
        Assert.Equal(1, control.EventAttributes);
    }
}
