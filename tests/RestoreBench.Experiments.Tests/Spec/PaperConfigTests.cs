using RestoreBench.Experiments.Spec;
using RestoreBench.Tests;

namespace RestoreBench.Experiments.Tests.Spec;

/// <summary>The shipped configs parse and expand (with their data folders and model files stubbed in a temp tree).</summary>
public sealed class PaperConfigTests
{
    [Theory]
    [InlineData("paper-div2k.yaml", 12, new[] { "data/DIV2K_valid_HR" }, new[] { "models/realesrgan_x2plus.onnx", "models/realesrgan_x4plus.onnx", "models/diffbir/cldm.json" })]
    [InlineData("paper-gopro.yaml", 11, new[] { "data/GOPRO/test/sharp", "data/GOPRO/test/blur" }, new[] { "models/stripformer_gopro.onnx", "models/diffbir/cldm.json" })]
    public void Paper_configs_parse(string file, int tasks, string[] folders, string[] files)
    {
        using var w = new Workspace();
        Directory.CreateDirectory(w.Path("configs"));
        File.Copy(Path.Combine(SharedData.RepositoryRoot, "configs", file), w.Path("configs", file));
        foreach (var f in folders)
        {
            Directory.CreateDirectory(w.Path(f));
        }

        foreach (var f in files)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(w.Path(f))!);
            File.WriteAllText(w.Path(f), "{}");
        }

        var spec = SpecParser.ParseFile(w.Path("configs", file));
        Assert.Equal(tasks, TaskExpansion.ExpandAll(spec).Count);
        Assert.Contains(RestorerExpansion.ExpandAll(spec), r => r.Kind == "cldm");
        RestoreBench.Experiments.Running.RunPlan.CheckMetricNames(spec, RestoreBench.Metrics.Catalog.MetricCatalog.Default.Names);
    }

    [Fact]
    public void A_paper_config_without_its_data_names_the_missing_folder()
    {
        var e = Assert.Throws<SpecException>(() => SpecParser.ParseFile(Path.Combine(SharedData.RepositoryRoot, "configs", "paper-div2k.yaml")));
        Assert.Contains("datasets[0].gt: folder not found", e.Message, StringComparison.Ordinal);
    }
}
