using System.Text.Json.Nodes;
using RestoreBench.Core.Imaging;
using RestoreBench.Onnx.Tests.Import;
using RestoreBench.Onnx.Zoo;

namespace RestoreBench.Cli.Tests;

/// <summary><c>models import --format tfjs-graph</c> and <c>restore</c> with the result, on graphs built here, against a private cache.</summary>
public sealed class GraphModelCliTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private CliProcess.Result Run(params string[] args) => CliProcess.RunWith(
        new Dictionary<string, string?>
        {
            [ModelStore.EnvironmentVariable] = Path.Combine(_temp.Root, "home"),
            [NpmClient.EnvironmentVariable] = Path.Combine(_temp.Root, "no-npm-here"),
        },
        args);

    [Fact]
    public void Imported_graph_model_restores_an_image_whose_sides_are_not_multiples_of_64_with_a_warning()
    {
        // x + Conv2D(x): a same-size network in [0, 1] (an identity plus a small 3x3 filter).
        var g = new TinyTfGraph(3);
        var weights = new float[3 * 3 * 3 * 3];
        weights[(((1 * 3) + 1) * 9) + 0] = 0.01f;
        var filter = g.Const(weights, 3, 3, 3, 3);
        g.Output(g.Op("AddV2", [TinyTfGraph.Input, g.Op("Conv2D", [TinyTfGraph.Input, filter], new JsonObject
        {
            ["T"] = TinyTfGraph.Type("DT_FLOAT"),
            ["padding"] = TinyTfGraph.Text("SAME"),
            ["strides"] = TinyTfGraph.List(1, 1, 1, 1),
        })]));
        var model = g.Write(_temp.Sub("graph"));

        var import = Run("models", "import", model, "--format", "tfjs-graph", "--input-range", "0-1", "--name", "tiny-graph");
        Assert.True(import.ExitCode == 0, import.Stderr);
        Assert.Contains("op census AddV2×1, Const×1, Conv2D×1, Identity×1, Placeholder×1", import.Stderr, StringComparison.Ordinal);

        var input = Path.Combine(_temp.Sub("in"), "photo.png");
        TempFolder.Write(input, TempFolder.Pattern(3, 70, 100));
        var output = _temp.Sub("out");
        var r = Run("restore", "--model", "tiny-graph", input, output, "--threads", "1");
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("warning: tiny-graph: input 70x100 padded (reflect101) to 256x256", r.Stderr, StringComparison.Ordinal);
        var restored = ImageFile.Read(Path.Combine(output, "photo.png")).Image;
        Assert.Equal((3, 70, 100), (restored.Channels, restored.Height, restored.Width));
    }

    [Fact]
    public void Unknown_op_fails_the_import_naming_op_and_node()
    {
        var g = new TinyTfGraph(3);
        g.Output(g.Op("MirrorPad", [TinyTfGraph.Input, g.Ints([0, 0, 1, 1, 1, 1, 0, 0], 4, 2)], name: "net/pad_3"));
        var model = g.Write(_temp.Sub("bad"));
        var r = Run("models", "import", model, "--format", "tfjs-graph", "--input-range", "0-1", "--name", "bad-graph");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("unsupported op 'MirrorPad' (node 'net/pad_3')", r.Stderr, StringComparison.Ordinal);
        Assert.Single(r.StderrLines, l => l.StartsWith("error:", StringComparison.Ordinal));
    }
}
