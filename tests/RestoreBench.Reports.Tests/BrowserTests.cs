using Microsoft.Playwright;
using RestoreBench.Core.Imaging;

namespace RestoreBench.Reports.Tests;

/// <summary>A fact that needs Debian's chromium (/usr/bin/chromium, or $RESTOREBENCH_CHROMIUM); skipped with a message when it is absent.</summary>
internal sealed class ChromiumFactAttribute : FactAttribute
{
    public ChromiumFactAttribute()
    {
        if (!File.Exists(Chromium.Path))
        {
            Skip = $"{Chromium.Path} is absent (install Debian's chromium: apt-get install -y chromium); browser test skipped.";
        }
    }
}

internal static class Chromium
{
    public static string Path => Environment.GetEnvironmentVariable("RESTOREBENCH_CHROMIUM") is { Length: > 0 } p ? p : "/usr/bin/chromium";

    public static async Task<(IPlaywright, IBrowser)> Launch()
    {
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Path,
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu"],
        });
        return (playwright, browser);
    }
}

/// <summary>The HTML report in a real browser (Playwright driving Debian's chromium).</summary>
public sealed class BrowserTests
{
    private sealed record PageResult(List<string> Errors, List<string> Dialogs, List<string> Console, (string Tag, double W, double H, bool Loaded)[] Elements, byte[] Screenshot, int Scripts, int EventAttributes);

    [ChromiumFact]
    public async Task Report_loads_without_errors_every_figure_renders_and_the_screenshot_is_not_blank()
    {
        using var dir = new TempDir();
        var store = TestStores.Small(dir.Sub("store"));
        var page = ReportWriter.Write(store, dir.Sub("out"), new ReportOptions { BootstrapResamples = 200 });
        var result = await Open(new Uri(page).AbsoluteUri, null);
        Assert.Empty(result.Errors);
        Assert.Empty(result.Dialogs);
        Assert.True(result.Elements.Count(e => e.Tag == "svg") >= 10, "plots present");
        Assert.True(result.Elements.Count(e => e.Tag == "img") >= 4, "crop panels present");
        Assert.All(result.Elements, e => Assert.True(e.W > 0 && e.H > 0 && e.Loaded, $"{e.Tag} {e.W}x{e.H} loaded={e.Loaded}"));
        AssertNotBlank(result.Screenshot, dir);
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

        var withCsp = await Open(new Uri(page).AbsoluteUri, null);
        // Without the Content-Security-Policy only the escaping protects the page.
        var withoutCsp = await Open(null, html.Replace("<meta http-equiv=\"Content-Security-Policy\"", "<meta name=\"removed\"", StringComparison.Ordinal));
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
        var control = await Open(null, "<html><body><p>x</p><img src=x onerror=alert(1)></body></html>");
        Assert.Equal(["1"], control.Dialogs);
        Assert.Equal(1, control.EventAttributes);
    }

    private static async Task<PageResult> Open(string? url, string? content)
    {
        var (playwright, browser) = await Chromium.Launch();
        try
        {
            var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
            var errors = new List<string>();
            var dialogs = new List<string>();
            var console = new List<string>();
            page.Console += (_, m) =>
            {
                console.Add(m.Text);
                if (m.Type == "error")
                {
                    errors.Add("console: " + m.Text);
                }
            };
            page.PageError += (_, e) => errors.Add("page error: " + e);
            page.Dialog += async (_, d) =>
            {
                dialogs.Add(d.Message);
                await d.DismissAsync();
            };
            if (url is not null)
            {
                await page.GotoAsync(url, new PageGotoOptions { WaitUntil = WaitUntilState.Load });
            }
            else
            {
                await page.SetContentAsync(content!, new PageSetContentOptions { WaitUntil = WaitUntilState.Load });
            }

            var elements = await page.EvaluateAsync<double[][]>("""
                () => Array.from(document.querySelectorAll('img, svg')).filter(e => !e.parentElement.closest('svg')).map(e => {
                  const r = e.getBoundingClientRect();
                  const loaded = e.tagName.toLowerCase() === 'img' ? (e.complete && e.naturalWidth > 0 ? 1 : 0) : 1;
                  return [e.tagName.toLowerCase() === 'img' ? 0 : 1, r.width, r.height, loaded];
                })
                """);
            var scripts = await page.EvaluateAsync<int>("() => document.querySelectorAll('script').length");
            var handlers = await page.EvaluateAsync<int>("() => Array.from(document.querySelectorAll('*')).filter(e => Array.from(e.attributes).some(a => a.name.toLowerCase().startsWith('on'))).length");
            var shot = await page.ScreenshotAsync(new PageScreenshotOptions { FullPage = false });
            return new PageResult(errors, dialogs, console, [.. elements.Select(e => (e[0] == 0 ? "img" : "svg", e[1], e[2], e[3] == 1))], shot, scripts, handlers);
        }
        finally
        {
            await browser.CloseAsync();
            playwright.Dispose();
        }
    }

    private static void AssertNotBlank(byte[] png, TempDir dir)
    {
        var path = dir.Sub("shot.png");
        File.WriteAllBytes(path, png);
        var image = ImageFile.Read(path).Image;
        var plane = image.ReadPlane(0);
        var distinct = new HashSet<double>();
        double min = 1, max = 0;
        foreach (var v in plane)
        {
            distinct.Add(v);
            min = Math.Min(min, v);
            max = Math.Max(max, v);
        }

        Assert.True(distinct.Count > 16 && max - min > 0.5, $"screenshot looks blank: {distinct.Count} grey levels, range {min:F2}–{max:F2}");
    }
}
