using System.Text.Json;
using Microsoft.ML.OnnxRuntime.Tensors;
using RestoreBench.Core.Imaging;
using RestoreBench.Metrics.Learned;
using RestoreBench.Onnx.Graph;
using RestoreBench.Onnx.Zoo;
using RestoreBench.Tests;

namespace RestoreBench.Cli.Tests;

/// <summary><c>models import-onnx</c> and <c>eval --lpips</c> against a private cache folder.</summary>
public sealed class LpipsCliTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private static string AlexBackbone => Path.Combine(SharedData.RepositoryRoot, "tests", "RestoreBench.Metrics.Tests", "Data", "lpips", "alex_random_seed1234.onnx");

    private string Home => Path.Combine(_temp.Root, "home");

    private CliProcess.Result Cli(params string[] args) => CliProcess.RunWith(
        new Dictionary<string, string?> { [ModelStore.EnvironmentVariable] = Home }, args);

    private (string Gt, string Restored) Images()
    {
        var gt = _temp.Sub("gt");
        var restored = _temp.Sub("restored");
        foreach (var (name, phase) in new[] { ("a", 0.0), ("b", 1.0) })
        {
            TempFolder.Write(Path.Combine(gt, name + ".png"), TempFolder.Pattern(3, 48, 40, phase));
            TempFolder.Write(Path.Combine(restored, name + ".png"), TempFolder.Pattern(3, 48, 40, phase + 0.3));
        }

        return (gt, restored);
    }

    [Fact]
    public void Imported_backbone_is_used_by_name_and_matches_the_file_and_the_library()
    {
        var r = Cli("models", "import-onnx", AlexBackbone, "--kind", "lpips-backbone", "--name", "lpips-alex");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("lpips-alex: lpips-backbone (AlexNet channels), 2,469,696 parameters", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("kind:           lpips-backbone", Cli("models", "info", "lpips-alex").Stdout, StringComparison.Ordinal);
        var input = _temp.Sub("in");
        TempFolder.Write(Path.Combine(input, "x.png"), TempFolder.Pattern(3, 40, 40));
        var restore = Cli("restore", "--model", "lpips-alex", input, Path.Combine(_temp.Root, "out"));
        Assert.Equal(2, restore.ExitCode);
        Assert.Contains("'lpips-alex' is a lpips-backbone model (a metric's feature network), not a restorer", restore.Stderr, StringComparison.Ordinal);

        var (gt, restored) = Images();
        var byName = Path.Combine(_temp.Root, "by-name.json");
        var byFile = Path.Combine(_temp.Root, "by-file.json");
        Assert.Equal(0, Cli("eval", "--restored", restored, "--gt", gt, "--metrics", "psnr,lpips", "--lpips", "lpips-alex", "--threads", "1", "--json", byName).ExitCode);
        Assert.Equal(0, Cli("eval", "--restored", restored, "--gt", gt, "--metrics", "lpips", "--lpips", AlexBackbone, "--threads", "1", "--json", byFile).ExitCode);

        using var lpips = Lpips.Load(AlexBackbone, threads: 1);
        var expected = lpips.Compute(ImageFile.Read(Path.Combine(restored, "a.png")).Image, ImageFile.Read(Path.Combine(gt, "a.png")).Image);
        foreach (var file in new[] { byName, byFile })
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(file));
            var a = Score(doc.RootElement, "a");
            Assert.Equal(expected, a, 12);
            Assert.True(a > 0);
        }
    }

    [Fact]
    public void Backbone_with_unexpected_outputs_is_refused_at_import()
    {
        var g = new OnnxGraphBuilder("one_output");
        var x = g.AddInput("input", TensorElementType.Float, 1, 3, "h", "w");
        g.AddOutput(g.Relu(x), "y", TensorElementType.Float, 1, 3, "h", "w");
        var path = Path.Combine(_temp.Root, "one_output.onnx");
        g.Save(path);

        var r = Cli("models", "import-onnx", path, "--kind", "lpips-backbone", "--name", "bad");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("Expected: input float32[1,3,H,W]", r.Stderr, StringComparison.Ordinal);
        Assert.Contains("Actual: inputs input: float32[1,3,h,w]; outputs y: float32[1,3,h,w]", r.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(Home, "models", "bad")));

        var (gt, restored) = Images();
        var e = Cli("eval", "--restored", restored, "--gt", gt, "--metrics", "lpips", "--lpips", path);
        Assert.Equal(2, e.ExitCode);
        Assert.Contains("does not meet the LPIPS backbone contract", e.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Encoders_are_stored_with_their_kind_and_preprocessing()
    {
        var g = new OnnxGraphBuilder("enc");
        var x = g.AddInput("pixel_values", TensorElementType.Float, 1, 3, 224, 224);
        g.AddOutput(g.Relu(x), "last_hidden_state", TensorElementType.Float, 1, 3, 224, 224);
        var path = Path.Combine(_temp.Root, "enc.onnx");
        g.Save(path);

        var r = Cli("models", "import-onnx", path, "--kind", "encoder", "--name", "my-enc", "--preprocess", "resize=256,crop=224");
        Assert.Equal(0, r.ExitCode);
        var manifest = ModelManifest.FromJson(File.ReadAllText(Path.Combine(Home, "models", "my-enc", "manifest.json")));
        Assert.Equal(ModelKinds.Encoder, manifest.Kind);
        Assert.Equal("resize=256,crop=224", manifest.Preprocess);
        Assert.Equal(1, manifest.Scale);

        // An encoder is not an LPIPS backbone.
        var (gt, restored) = Images();
        var e = Cli("eval", "--restored", restored, "--gt", gt, "--metrics", "lpips", "--lpips", "my-enc");
        Assert.Equal(2, e.ExitCode);
        Assert.Contains("model 'my-enc' is a encoder model, not a lpips-backbone model", e.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("lpips", null, "lpips needs --lpips NAME|FILE.onnx")]
    [InlineData("lpips", "lpips-alx", "unknown lpips-backbone model 'lpips-alx'; did you mean 'lpips-alex'?")]
    [InlineData("lpips", "missing/net.onnx", "--lpips missing/net.onnx: file not found")]
    public void Eval_usage_errors(string metrics, string? backbone, string expected)
    {
        Assert.Equal(0, Cli("models", "import-onnx", AlexBackbone, "--kind", "lpips-backbone", "--name", "lpips-alex").ExitCode);
        var (gt, restored) = Images();
        string[] args = ["eval", "--restored", restored, "--gt", gt, "--metrics", metrics];
        var r = Cli(backbone is null ? args : [.. args, "--lpips", backbone]);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(expected, r.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--kind", "dinov3", "--kind 'dinov3' is not supported (accepted: dinov2, lpips-backbone, encoder); did you mean 'dinov2'?")]
    [InlineData("--preprocess", "x", "--preprocess is not accepted for lpips-backbone")]
    public void Import_onnx_usage_errors(string option, string value, string expected)
    {
        string[] args = ["models", "import-onnx", AlexBackbone, "--name", "x"];
        var r = Cli(option == "--kind" ? [.. args, "--kind", value] : [.. args, "--kind", "lpips-backbone", option, value]);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(expected, r.Stderr, StringComparison.Ordinal);
    }

    private static double Score(JsonElement root, string name)
    {
        foreach (var image in root.GetProperty("images").EnumerateArray())
        {
            if (image.GetProperty("name").GetString() == name)
            {
                return image.GetProperty("scores").GetProperty("lpips").GetDouble();
            }
        }

        throw new KeyNotFoundException(name);
    }
}
