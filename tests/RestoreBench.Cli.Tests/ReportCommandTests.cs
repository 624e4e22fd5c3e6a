using RestoreBench.Cli.Commands;
using RestoreBench.Reports.Tests;

namespace RestoreBench.Cli.Tests;

public sealed class ReportCommandTests
{
    [Fact]
    public void Writes_markdown_and_prints_the_page_path()
    {
        using var temp = new TempFolder();
        var store = TestStores.Small(temp.Sub("store"));
        var outDir = Path.Combine(temp.Root, "out");
        var r = CliProcess.Run("report", store, "--out", outDir, "--format", "md", "--bootstrap", "200",
            "--select", "task=SR4", "--select", "restorer=lq,esrgan,cldm*", "--pairs", "cldm[steps=50]:esrgan");
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Equal("", r.Stderr);
        var page = Path.Combine(outDir, "report.md");
        Assert.Equal(page, r.Stdout.Trim());
        var md = File.ReadAllText(page);
        Assert.Contains("### cldm\\[steps=50\\] vs esrgan: SR4", md, StringComparison.Ordinal);
        Assert.DoesNotContain("blur\\_sweep\\[sigma=1\\]: blur", md, StringComparison.Ordinal);
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(outDir, "figures"), "*.png"));
    }

    [Fact]
    public void Default_output_is_an_html_page_beside_the_store()
    {
        using var temp = new TempFolder();
        var store = TestStores.Small(temp.Sub("store"));
        var r = CliProcess.Run("report", store, "--bootstrap", "100");
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Equal(Path.Combine(temp.Root, "store", "report", "report.html"), r.Stdout.Trim());
    }

    [Theory]
    [InlineData("--format", "pdf", "--format must be html or md")]
    [InlineData("--select", "colour=red", "--select 'colour=red'")]
    [InlineData("--pairs", "esrgan", "--pairs 'esrgan': expected A:B")]
    [InlineData("--pairs", "esrgan:nope", "restorer 'nope' is not in the selection")]
    [InlineData("--crop", "1,2,3", "--crop '1,2,3'")]
    public void Bad_options_are_usage_errors(string option, string value, string message)
    {
        using var temp = new TempFolder();
        var store = TestStores.Small(temp.Sub("store"));
        var r = CliProcess.Run("report", store, "--out", Path.Combine(temp.Root, "out"), option, value);
        Assert.Equal(2, r.ExitCode);
        Assert.Single(r.StderrLines);
        Assert.Contains(message, r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_store_is_a_one_line_usage_error()
    {
        using var temp = new TempFolder();
        var r = CliProcess.Run("report", Path.Combine(temp.Root, "nope.db"), "--out", Path.Combine(temp.Root, "out"));
        Assert.Equal(2, r.ExitCode);
        Assert.Equal($"error: {Path.Combine(temp.Root, "nope.db")}: no such results store", r.Stderr.Trim());
    }

    [Fact]
    public void Lists_split_outside_brackets()
    {
        Assert.Equal(["a", "cldm[steps=50,start_noise=0.5]", "b"], ReportCommand.SplitList("a, cldm[steps=50,start_noise=0.5],b,"));
        var o = ReportCommand.Options("md", ["task=SR*", "metric=psnr_y,align_dinov2 (mode=gt)"], "cldm[a=1,b=2]:x", "i1,i2", "1,2,3,4", 10, 3, null, null);
        Assert.Equal([("cldm[a=1,b=2]", "x")], o.Pairs);
        Assert.Equal(["psnr_y", "align_dinov2 (mode=gt)"], o.Metrics);
        Assert.Equal(new Reports.CropRect(1, 2, 3, 4), o.Crop);
    }
}
