using RestoreBench.Onnx.Graph;
using RestoreBench.Onnx.Zoo;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace RestoreBench.Cli.Tests;

/// <summary><c>restorebench models</c> against a private cache folder ($RESTOREBENCH_HOME) per test.</summary>
public sealed class ModelsCommandTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private string Home => Path.Combine(_temp.Root, "home");

    private CliProcess.Result Models(params string[] args) => CliProcess.RunWith(
        new Dictionary<string, string?>
        {
            [ModelStore.EnvironmentVariable] = Home,
            [NpmClient.EnvironmentVariable] = Path.Combine(_temp.Root, "no-npm-here"),
        },
        ["models", .. args]);

    /// <summary>The slim package in the user's RestoreBench cache (filled by the Onnx tests or 'models pull').</summary>
    internal static string CachedSlimTarball => new ModelStore().PackagePath(ModelCatalog.Get("esrgan-slim-x2").Package);

    [Fact]
    public void List_shows_every_catalog_model_and_what_is_cached()
    {
        var r = Models("list");
        Assert.Equal(0, r.ExitCode);
        foreach (var name in ModelCatalog.Names)
        {
            Assert.Contains(name, r.Stdout, StringComparison.Ordinal);
        }

        Assert.Matches(@"(?m)^esrgan-thick-x4 +super-resolution +x4 +7,260,740 +0-1 +MIT +no$", r.Stdout);
        Assert.Contains("cache: " + Home, r.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Info_describes_a_catalog_model_that_is_not_cached()
    {
        var r = Models("info", "esrgan-slim-x3");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("input range:    0-255", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("package:        @upscalerjs/esrgan-slim@1.0.0", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("cached:         no (run 'restorebench models pull esrgan-slim-x3')", r.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("info", "esrgan-thik-x4")]
    [InlineData("pull", "esrgan-thik-x4")]
    public void Unknown_names_are_usage_errors_with_a_suggestion(string sub, string name)
    {
        var r = Models(sub, name);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("error: unknown model 'esrgan-thik-x4'; did you mean 'esrgan-thick-x4'?", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Pull_without_npm_or_tarball_explains_the_manual_route()
    {
        var r = Models("pull", "esrgan-slim-x2");
        Assert.Equal(1, r.ExitCode);
        var error = Assert.Single(r.StderrLines, l => l.StartsWith("error:", StringComparison.Ordinal));
        Assert.Contains("npm was not found", error, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(Home, "packages", "upscalerjs-esrgan-slim-1.0.0.tgz"), error, StringComparison.Ordinal);
        Assert.Contains("restorebench models import DIR/package/models/x2/model.json --format tfjs-layers --scale 2 --input-range 0-255", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(Home, "models", "esrgan-slim-x2")));
    }

    [Fact]
    public void Pull_refuses_a_placed_tarball_with_the_wrong_hash()
    {
        var packages = Directory.CreateDirectory(Path.Combine(Home, "packages")).FullName;
        File.WriteAllText(Path.Combine(packages, "upscalerjs-esrgan-slim-1.0.0.tgz"), "not the package");
        var r = Models("pull", "esrgan-slim-x2");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("does not match the pinned sha512-DXtwn5SE", r.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(Home, "models", "esrgan-slim-x2")));
    }

    [SlimPackageFact]
    public void Pull_uses_a_placed_tarball_offline_then_list_and_info_show_the_cached_model()
    {
        var tarball = CachedSlimTarball;
        var packages = Directory.CreateDirectory(Path.Combine(Home, "packages")).FullName;
        File.Copy(tarball, Path.Combine(packages, Path.GetFileName(tarball)));
        var r = Models("pull", "esrgan-slim-x2");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal($"esrgan-slim-x2: {Path.Combine(Home, "models", "esrgan-slim-x2", "model.onnx")}", r.Stdout.Trim());
        Assert.Contains("stored 222,075 parameters, scale 2, input 0-255", r.Stderr, StringComparison.Ordinal);

        Assert.Matches(@"(?m)^esrgan-slim-x2 +super-resolution +x2 +222,075 +0-255 +MIT +yes$", Models("list").Stdout);
        var info = Models("info", "esrgan-slim-x2");
        Assert.Contains("inputs:         input: float32[batch,3,height,width]", info.Stdout, StringComparison.Ordinal);
        Assert.Contains("onnx sha256:", info.Stdout, StringComparison.Ordinal);

        var again = Models("pull", "esrgan-slim-x2");
        Assert.Equal(0, again.ExitCode);
        Assert.Contains("already in the cache", again.Stderr, StringComparison.Ordinal);
    }

    [SlimPackageFact]
    public void Import_of_an_extracted_tfjs_model_checks_the_scale_and_stores_it()
    {
        var tarball = CachedSlimTarball;
        var extracted = _temp.Sub("extracted");
        SafeTarExtractor.Extract(tarball, extracted, n => n.StartsWith("package/models/x3/", StringComparison.Ordinal));
        var modelJson = Path.Combine(extracted, "package", "models", "x3", "model.json");

        var wrong = Models("import", modelJson, "--format", "tfjs-layers", "--scale", "2", "--input-range", "0-255", "--name", "my-slim");
        Assert.Equal(2, wrong.ExitCode);
        Assert.Contains("the network upscales by 3, not by the declared --scale 2", wrong.Stderr, StringComparison.Ordinal);

        var r = Models("import", modelJson, "--format", "tfjs-layers", "--scale", "3", "--input-range", "0-255", "--name", "my-slim", "--licence", "MIT");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("my-slim: 226,815 parameters, scale 3, input 0-255, output 0-255", r.Stdout, StringComparison.Ordinal);
        var list = Models("list").Stdout;
        Assert.Contains("imported:", list, StringComparison.Ordinal);
        Assert.Contains("my-slim", list, StringComparison.Ordinal);
        Assert.Contains("origin:         imported from " + modelJson + " (tfjs-layers)", Models("info", "my-slim").Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Import_of_an_onnx_file_probes_its_scale()
    {
        var b = new OnnxGraphBuilder("up2");
        var x = b.AddInput("x", TensorElementType.Float, "n", 3, "h", "w");
        b.AddOutput(b.ResizeNearest(x, 2, 2), "y");
        var path = Path.Combine(_temp.Root, "up2.onnx");
        b.Save(path);

        var r = Models("import", path, "--format", "onnx", "--input-range", "0-1", "--name", "nearest-x2");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("nearest-x2: 0 parameters, scale 2, input 0-1", r.Stdout, StringComparison.Ordinal);
        Assert.Equal(2, Models("import", path, "--format", "onnx", "--input-range", "0-1", "--name", "nearest-x2").ExitCode);
        Assert.Equal(0, Models("import", path, "--format", "onnx", "--input-range", "0-1", "--name", "nearest-x2", "--force").ExitCode);
    }

    [Theory]
    [InlineData("text", "onnx", "not an ONNX model", 1)]
    [InlineData("text", "keras-h5", "--format 'keras-h5' is not supported (accepted: tfjs-layers, tfjs-graph, onnx)", 2)]
    [InlineData("text", "tfjs-layers", "not a TensorFlow.js model.json", 1)]
    [InlineData("range", "onnx", "--input-range: value range '255' is not MIN-MAX", 2)]
    public void Import_errors(string kind, string format, string expected, int exitCode)
    {
        var path = Path.Combine(_temp.Root, "model.onnx");
        File.WriteAllText(path, "hello");
        var r = Models("import", path, "--format", format, "--input-range", kind == "range" ? "255" : "0-1", "--name", "bad");
        Assert.Equal(exitCode, r.ExitCode);
        Assert.Contains(expected, r.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(Home, "models", "bad")));
    }
}

/// <summary>A fact that needs the esrgan-slim tarball in the user's RestoreBench cache; skipped with a message otherwise.</summary>
internal sealed class SlimPackageFactAttribute : FactAttribute
{
    public SlimPackageFactAttribute()
    {
        if (!File.Exists(ModelsCommandTests.CachedSlimTarball))
        {
            Skip = $"{ModelsCommandTests.CachedSlimTarball} is absent (run 'restorebench models pull esrgan-slim-x2' or the Onnx tests once); test skipped";
        }
    }
}
