using System.Security.Cryptography;
using System.Text.RegularExpressions;
using RestoreBench.Reports.Store;

namespace RestoreBench.Reports.Tests;

public sealed partial class ReportWriterTests
{
    private static readonly ReportOptions Fast = new() { BootstrapResamples = 400 };

    [Fact]
    public void Html_page_has_every_section_and_no_external_resource()
    {
        using var dir = new TempDir();
        var store = TestStores.Small(dir.Sub("store"));
        var page = ReportWriter.Write(store, dir.Sub("out"), Fast);
        Assert.Equal(Path.Combine(dir.Sub("out"), "report.html"), page);
        var html = File.ReadAllText(page);
        foreach (var id in new[] { "tables", "paired", "pd", "degradation", "alignment", "resources", "vae", "ablation", "visual", "metadata" })
        {
            Assert.Contains($"<section id=\"{id}\">", html, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotMatch(SrcOrHref(), html);
        Assert.Contains("default-src 'none'", html, StringComparison.Ordinal);
        var svgs = Regex.Count(html, "<svg ");
        var pngs = Directory.GetFiles(dir.Sub("out/figures"), "*.png");
        Assert.True(svgs >= 10, $"{svgs} plots");
        Assert.True(pngs.Length >= svgs, "every plot also written as PNG");
    }

    [Fact]
    public void Summary_marks_the_best_restorer_per_column_and_counts_failures()
    {
        using var dir = new TempDir();
        var store = TestStores.Small(dir.Sub("store"));
        var md = File.ReadAllText(ReportWriter.Write(store, dir.Sub("out"), Fast with { Format = ReportFormat.Markdown }));
        // On SR4, cldm[steps=50] has the highest quality among the competing restorers (the VAE on GT is higher but is a bound, not marked).
        var sr4 = Table(md, "### SR4: down(scale=4)");
        var vaeRow = sr4.Single(r => r.StartsWith("| taef2\\[input=gt\\]", StringComparison.Ordinal));
        Assert.Contains("| ∞ |", vaeRow, StringComparison.Ordinal);
        Assert.DoesNotContain("**", vaeRow, StringComparison.Ordinal);
        var cldmRow = sr4.Single(r => r.StartsWith("| cldm\\[steps=50\\]", StringComparison.Ordinal)).Split('|');
        Assert.Matches(@"^ \*\*2\d\.\d{3}\*\* \\\[", cldmRow[5]);
        // NIQE: the CLDM with 50 steps (the perception-oriented restorer) is best.
        Assert.Contains("**", sr4.Single(r => r.StartsWith("| cldm\\[steps=50\\]", StringComparison.Ordinal)).Split('|')[7]);
        // The failed output is counted on the sweep member where it happened; the undefined NIQE shows its own n.
        var sigma4 = Table(md, "### blur\\_sweep\\[sigma=4\\]");
        var failedRow = sigma4.Single(r => r.StartsWith("| cldm\\[steps=10\\]", StringComparison.Ordinal)).Split('|');
        Assert.Equal((" 3 ", " 1 "), (failedRow[2], failedRow[3]));
        Assert.Contains("n=3", sr4.Single(r => r.StartsWith("| lq", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.Contains("Failed items (1)", md, StringComparison.Ordinal);
        Assert.Contains("onnxruntime: out of memory", md, StringComparison.Ordinal);
        Assert.Contains("Undefined scores (4)", md, StringComparison.Ordinal);
    }

    [Fact]
    public void Vae_table_and_ablation_curves_follow_the_restorer_conventions()
    {
        using var dir = new TempDir();
        var store = TestStores.Small(dir.Sub("store"));
        var md = File.ReadAllText(ReportWriter.Write(store, dir.Sub("out"), Fast with { Format = ReportFormat.Markdown }));
        var vae = Table(md, "**VAE information loss: SR4**");
        Assert.Equal(["taef2 (VAE only)", "taef2 (VAE only)", "cldm\\[steps=10\\]", "cldm\\[steps=50,start\\_noise=0.5\\]", "cldm\\[steps=50\\]"],
            vae.Select(r => r.Split('|')[1].Trim()));
        Assert.Equal(["gt", "reg", "lq", "lq", "lq"], vae.Select(r => r.Split('|')[2].Trim()));
        Assert.Contains("### start noise level (Fig. 6)", md, StringComparison.Ordinal);
        Assert.Contains("### number of sampling steps (Fig. 7)", md, StringComparison.Ordinal);
        Assert.Contains("### timestep t of the one-step x0 prediction (Fig. 8)", md, StringComparison.Ordinal);
        Assert.DoesNotContain("(Fig. 9)", md, StringComparison.Ordinal);
        Assert.Contains("figures/ablation-start_noise-SR4-ssim_y-", md, StringComparison.Ordinal);
    }

    [Fact]
    public void Paired_comparison_names_the_better_restorer()
    {
        using var dir = new TempDir();
        var store = TestStores.Small(dir.Sub("store"));
        var md = File.ReadAllText(ReportWriter.Write(store, dir.Sub("out"), Fast with { Format = ReportFormat.Markdown, Pairs = [("esrgan", "bicubic")] }));
        var rows = Table(md, "### esrgan vs bicubic: SR4");
        // 4 images, esrgan better on every one: exact two-sided p = 2/16 = 0.125, so no verdict at 95 %, but the mean difference is positive.
        var ssim = rows.Single(r => r.StartsWith("| ssim\\_y ↑", StringComparison.Ordinal)).Split('|');
        Assert.Equal(" 4 ", ssim[2]);
        Assert.Contains("0.1250 exact", ssim[6], StringComparison.Ordinal);
        Assert.Contains("no evidence", ssim[7], StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => ReportWriter.Write(store, dir.Sub("bad"), Fast with { Pairs = [("esrgan", "nope")] }));
    }

    [Fact]
    public void Selection_limits_tasks_restorers_and_metrics()
    {
        using var dir = new TempDir();
        var store = TestStores.Small(dir.Sub("store"));
        var md = File.ReadAllText(ReportWriter.Write(store, dir.Sub("out"), Fast with
        {
            Format = ReportFormat.Markdown, Tasks = ["blur_sweep"], Restorers = ["lq", "esrgan", "cldm*"], Metrics = ["ssim_y", "niqe"],
        }));
        Assert.DoesNotContain("### SR4", md, StringComparison.Ordinal);
        Assert.DoesNotContain("bicubic", md, StringComparison.Ordinal);
        Assert.DoesNotContain("psnr\\_y ↑", md, StringComparison.Ordinal);
        Assert.Contains("### blur\\_sweep\\[sigma=2\\]", md, StringComparison.Ordinal);
        Assert.Contains("| cldm\\[steps=50\\]", md, StringComparison.Ordinal);
        Assert.DoesNotContain("VAE information loss", md, StringComparison.Ordinal);
    }

    [Fact]
    public void Same_store_and_options_give_the_same_bytes_and_the_store_is_not_modified()
    {
        using var dir = new TempDir();
        var store = TestStores.Small(dir.Sub("store"));
        var before = SHA256.HashData(File.ReadAllBytes(store));
        var a = File.ReadAllBytes(ReportWriter.Write(store, dir.Sub("a"), Fast));
        var b = File.ReadAllBytes(ReportWriter.Write(store, dir.Sub("b"), Fast));
        Assert.Equal(a, b);
        Assert.Equal(before, SHA256.HashData(File.ReadAllBytes(store)));
        var otherSeed = File.ReadAllBytes(ReportWriter.Write(store, dir.Sub("c"), Fast with { Seed = 5 }));
        Assert.NotEqual(a, otherSeed);
    }

    [Fact]
    public void Missing_output_files_are_noted_and_the_rest_is_reported()
    {
        using var dir = new TempDir();
        var store = TestStores.Small(dir.Sub("store"));
        var missing = Directory.GetFiles(Path.Combine(dir.Sub("store"), "t0"), "img.*esrgan*.png").Single();
        File.Delete(missing);
        var md = File.ReadAllText(ReportWriter.Write(store, dir.Sub("out"), Fast with { Format = ReportFormat.Markdown }));
        Assert.Contains(Path.GetFileName(missing).Replace("_", "\\_", StringComparison.Ordinal) + ": file not found", md, StringComparison.Ordinal);
        Assert.Contains("## Visual comparison", md, StringComparison.Ordinal);
    }

    [Fact]
    public void Markdown_escapes_hostile_names()
    {
        using var dir = new TempDir();
        var store = TestStores.Small(dir.Sub("store"), imageName: TestStores.Xss, restorerPrefix: "<script>alert(2)</script>|*[x](y)",
            spec: "name: \"</pre><script>alert(3)</script>\"\n```\n");
        var md = File.ReadAllText(ReportWriter.Write(store, dir.Sub("out"), Fast with { Format = ReportFormat.Markdown, Images = [TestStores.Xss] }));
        Assert.DoesNotContain("<img", md, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", md.Replace("````\nname: \"</pre><script>", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains("&lt;img src=x onerror=alert(1)&gt;", md, StringComparison.Ordinal);
        Assert.Contains("| &lt;script&gt;alert(2)&lt;/script&gt;\\|\\*\\[x\\](y)esrgan |", md, StringComparison.Ordinal);
        // The spec holds ``` so its block is fenced with four backticks and shown verbatim.
        Assert.Contains("````\nname: \"</pre><script>alert(3)</script>\"\n```\n````", md, StringComparison.Ordinal);
    }

    [Fact]
    public void Stored_paths_resolve_against_the_store_folder()
    {
        using var dir = new TempDir();
        var store = ResultsStore.Open(TestStores.Small(dir.Sub("store")));
        Assert.Equal(Path.Combine(dir.Sub("store"), "t0", "img.png"), store.Resolve("t0/img.png"));
        Assert.Equal("/data/gt/x.png", store.Resolve("/data/gt/x.png"));
        Assert.Equal(10, store.Restorers.Count);
        Assert.Equal("lq", store.Restorers[0].Restorer);
        Assert.Equal(["SR4", "blur_sweep[sigma=1]", "blur_sweep[sigma=2]", "blur_sweep[sigma=4]"], store.Tasks.Select(t => t.Task));
        Assert.Contains(store.Scores, s => s.Value is null && s.Error is not null);
        Assert.Contains(store.Scores, s => s.Value is double v && double.IsPositiveInfinity(v));
    }

    [Fact]
    public void Unreadable_stores_fail_with_one_line_naming_the_file()
    {
        using var dir = new TempDir();
        var missing = Assert.Throws<ResultsStoreException>(() => ReportWriter.Write(dir.Sub("none.db"), dir.Sub("out"), Fast));
        Assert.Contains("none.db: no such results store", missing.Message, StringComparison.Ordinal);
        File.WriteAllText(dir.Sub("text.db"), "not a database at all, just text that is long enough to be a header........");
        var notSqlite = Assert.Throws<ResultsStoreException>(() => ReportWriter.Write(dir.Sub("text.db"), dir.Sub("out"), Fast));
        Assert.StartsWith(dir.Sub("text.db") + ": not a readable results store", notSqlite.Message, StringComparison.Ordinal);
        using (new TestStoreBuilder(dir.Sub("v2.db"), schemaVersion: "2"))
        {
        }

        var version = Assert.Throws<ResultsStoreException>(() => ReportWriter.Write(dir.Sub("v2.db"), dir.Sub("out"), Fast));
        Assert.Contains("schema_version 2 is not supported", version.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', version.Message);
    }

    [Fact]
    public void User_crop_is_used_and_panels_are_nearest_neighbour_zoomed()
    {
        using var dir = new TempDir();
        var store = TestStores.Small(dir.Sub("store"));
        var md = File.ReadAllText(ReportWriter.Write(store, dir.Sub("out"), Fast with { Format = ReportFormat.Markdown, Crop = new CropRect(8, 4, 16, 16), Images = ["photo2"] }));
        Assert.Contains("SR4 / photo2 (set): crop x=8, y=4, 16x16 px, ×16 nearest neighbour", md, StringComparison.Ordinal);
        var gtPanel = Regex.Match(md, @"!\[GT\]\((figures/[^)]+)\)").Groups[1].Value;
        var image = Core.Imaging.ImageFile.Read(Path.Combine(dir.Sub("out"), gtPanel)).Image;
        Assert.Equal((256, 256), (image.Width, image.Height));
        // Each source pixel became a 16x16 block.
        var plane = image.ReadPlane(0);
        Assert.Equal(plane[0], plane[15 * 256 + 15]);
    }

    private static List<string> Table(string md, string heading)
    {
        var m = Regex.Match(md, Regex.Escape(heading) + @"[^\n]*\n\n((?:\|[^\n]*\n)+)");
        Assert.True(m.Success, "table under " + heading);
        return [.. m.Groups[1].Value.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(2)];
    }

    [GeneratedRegex("(src|href)=\"(?!data:|#)", RegexOptions.IgnoreCase)]
    private static partial Regex SrcOrHref();
}
