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

/// <summary>What a page showed in chromium: errors, dialogs, console lines, the size of every img/svg, a screenshot, scripts and on* attributes.</summary>
internal sealed record PageResult(List<string> Errors, List<string> Dialogs, List<string> Console, (string Tag, double W, double H, bool Loaded)[] Elements, byte[] Screenshot, int Scripts, int EventAttributes);

/// <summary>Opens a page in chromium and collects a <see cref="PageResult"/> (shared with the CLI tests of the demo report).</summary>
internal static class BrowserPage
{
    public static async Task<PageResult> Open(string? url, string? content)
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

    public static void AssertNotBlank(byte[] png, string path)
    {
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
