using System.Text.Json.Nodes;
using Microsoft.ML.OnnxRuntime;
using RestoreBench.Onnx.Import;
using RestoreBench.Onnx.Runtime;
using static RestoreBench.Onnx.Tests.Import.NhwcReference;

namespace RestoreBench.Onnx.Tests.Import;

public sealed class TfjsLayersImporterTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "rb-tfjs-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    /// <summary>
    /// Every supported layer once: Conv2D 3x3 same + relu (uint8-quantized bias), Conv2D 1x1 valid
    /// (uint16-quantized kernel) + Activation(relu), Concatenate, Conv2D 5x5 → PixelShuffle2x →
    /// MultiplyBeta, UpSampling2D of the input, Add. Shards of 100 bytes, so tensors cross shard boundaries.
    /// </summary>
    internal static TinyTfjsModel AllLayers(bool flat = false, string cls = "Functional")
    {
        var m = new TinyTfjsModel { ShardSize = 100, Flat = flat, ClassName = cls };
        m.InputLayer("input_1", 3);
        m.Conv("c1", "input_1", 3, 4, 3, activation: "relu", biasQuant: "uint8");
        m.Conv("c2", "c1", 4, 4, 1, padding: "valid", kernelQuant: "uint16");
        m.Layer("Activation", "a2", new JsonObject { ["activation"] = "relu" }, "c2");
        m.Layer("Concatenate", "cat", new JsonObject { ["axis"] = -1 }, "c1", "a2");
        m.Conv("c3", "cat", 8, 12, 5);
        m.Layer("PixelShuffle2x", "ps", new JsonObject { ["scale"] = 2 }, "c3");
        m.Layer("MultiplyBeta", "beta", new JsonObject { ["beta"] = 0.2 }, "ps");
        m.Layer("UpSampling2D", "up", new JsonObject { ["size"] = new JsonArray(2, 2), ["data_format"] = "channels_last", ["interpolation"] = "nearest" }, "input_1");
        m.Layer("Add", "sum", new JsonObject(), "beta", "up");
        return m;
    }

    private static T Reference(TinyTfjsModel m, T x)
    {
        var v = m.Values;
        var c1 = Conv(x, v["c1/kernel"], v["c1/bias"], 3, 4, same: true, relu: true);
        var a2 = Relu(Conv(c1, v["c2/kernel"], v["c2/bias"], 1, 4, same: false, relu: false));
        var c3 = Conv(Concat(c1, a2), v["c3/kernel"], v["c3/bias"], 5, 12, same: true, relu: false);
        return Add(Scale(DepthToSpace(c3, 2), 0.2), Upsample(x, 2));
    }

    private static double[] RunNchw(byte[] model, T x, out long[] shape)
    {
        var nchw = new float[x.D.Length];
        for (var y = 0; y < x.H; y++)
        {
            for (var xx = 0; xx < x.W; xx++)
            {
                for (var c = 0; c < x.C; c++)
                {
                    nchw[(c * x.H + y) * x.W + xx] = (float)x[y, xx, c];
                }
            }
        }

        using var onnx = OnnxModel.Load(model, "tiny", new OnnxSessionSettings { Threads = 1 });
        using var input = OrtValue.CreateTensorValueFromMemory(nchw, [1, x.C, x.H, x.W]);
        using var output = onnx.Run(input);
        shape = output.GetTensorTypeAndShape().Shape;
        return Array.ConvertAll(output.GetTensorDataAsSpan<float>().ToArray(), f => (double)f);
    }

    private static T Input(int h, int w)
    {
        var d = new double[h * w * 3];
        for (var i = 0; i < d.Length; i++)
        {
            d[i] = Math.Cos(i * 0.71) * 0.8;
        }

        return new T(h, w, 3, d);
    }

    [Theory]
    [InlineData(false, "Functional")]
    [InlineData(true, "Model")]
    public void Every_supported_layer_matches_a_direct_NHWC_computation(bool flat, string cls)
    {
        var m = AllLayers(flat, cls);
        var result = TfjsLayersImporter.Import(m.Write(_dir));
        Assert.Equal(2, result.Scale);
        Assert.Equal(3, result.InputChannels);
        Assert.Equal(3, result.OutputChannels);
        Assert.Equal(cls, result.TopologyClass);
        long expectedParameters = 0;
        foreach (var w in m.Values.Values)
        {
            expectedParameters += w.Length;
        }

        Assert.Equal(expectedParameters, result.ParameterCount);
        Assert.Equal(1, result.LayerCounts["PixelShuffle2x"]);
        Assert.Equal(3, result.LayerCounts["Conv2D"]);

        var x = Input(5, 4);
        var expected = Reference(m, x);
        var actual = RunNchw(result.Model, x, out var shape);
        Assert.Equal([1L, 3, 10, 8], shape);
        for (var y = 0; y < expected.H; y++)
        {
            for (var xx = 0; xx < expected.W; xx++)
            {
                for (var c = 0; c < 3; c++)
                {
                    Assert.Equal(expected[y, xx, c], actual[(c * expected.H + y) * expected.W + xx], 4);
                }
            }
        }

        using var onnx = OnnxModel.Load(result.Model);
        Assert.Equal(expectedParameters, onnx.ParameterCount);
        Assert.Equal("[batch,3,height,width]", onnx.Inputs[0].ShapeText);
        Assert.Equal("tfjs-layers", onnx.Metadata["restorebench.importer"]);
    }

    [Fact]
    public void Conversion_is_deterministic()
    {
        var path = AllLayers().Write(_dir);
        Assert.Equal(TfjsLayersImporter.Import(path).Model, TfjsLayersImporter.Import(path).Model);
    }

    [Fact]
    public void Sequential_model_without_an_input_layer()
    {
        var m = new TinyTfjsModel { ClassName = "Sequential", Flat = true };
        var up = m.Layer("UpSampling2D", "up", new JsonObject { ["size"] = new JsonArray(4, 4), ["data_format"] = "channels_last" });
        ((JsonObject)up["config"]!)["batch_input_shape"] = new JsonArray(null, null, null, 3);
        up.Remove("inbound_nodes");
        var result = TfjsLayersImporter.Import(m.Write(_dir));
        Assert.Equal(4, result.Scale);
        Assert.Equal(0, result.ParameterCount);
        var x = Input(2, 3);
        var actual = RunNchw(result.Model, x, out var shape);
        Assert.Equal([1L, 3, 8, 12], shape);
        Assert.Equal(x[1, 2, 0], actual[7 * 12 + 11], 6);
    }

    private static readonly Dictionary<string, (Action<TinyTfjsModel> Spoil, string Expected)> Bad = new()
    {
        ["unknown class"] = (m => m.Layer("BatchNormalization", "bn", new JsonObject(), "c1"), "layer 'bn' has class 'BatchNormalization', which is not supported"),
        ["strides"] = (m => ((JsonObject)m.Layer("Conv2D", "s2", TinyTfjsModel.ConvConfig(4, 3), "c1")["config"]!)["strides"] = new JsonArray(2, 2), "layer 's2' (Conv2D): option strides=[2,2] is not supported"),
        ["unknown option"] = (m => ((JsonObject)m.Layer("Activation", "act", new JsonObject { ["activation"] = "relu" }, "c1")["config"]!)["fancy"] = 1, "layer 'act' (Activation): option 'fancy' is not supported"),
        ["activation"] = (m => m.Layer("Activation", "act", new JsonObject { ["activation"] = "sigmoid" }, "c1"), "option activation='sigmoid' is not supported (supported: relu)"),
        ["kernel 7"] = (m => m.Layer("Conv2D", "k7", TinyTfjsModel.ConvConfig(4, 7), "c1"), "kernel_size [7,7] is not supported"),
        ["bilinear"] = (m => m.Layer("UpSampling2D", "bi", new JsonObject { ["size"] = 2, ["interpolation"] = "bilinear" }, "c1"), "interpolation 'bilinear' is not supported"),
        ["missing weight"] = (m => m.Layer("Conv2D", "nw", TinyTfjsModel.ConvConfig(4, 3), "c1"), "needs weight 'nw/kernel', which is not in the weights manifest"),
        ["unused weight"] = (m => m.AddWeight("ghost/kernel", [2], null, 1), "1 weight(s) in the manifest belong to no converted layer: ghost/kernel"),
        ["concat axis"] = (m => m.Layer("Concatenate", "cat1", new JsonObject { ["axis"] = 1 }, "c1", "c1"), "axis 1 is not supported"),
        ["quantization"] = (m => m.AddRawWeight(new JsonObject { ["name"] = "q/kernel", ["shape"] = new JsonArray(1), ["dtype"] = "float32", ["quantization"] = new JsonObject { ["dtype"] = "float16" } }, [0, 0]), "uses quantization 'float16'"),
    };

    public static TheoryData<string> BadModels => [.. Bad.Keys];

    [Theory]
    [MemberData(nameof(BadModels))]
    public void Unsupported_layers_options_and_weights_are_named(string what)
    {
        var (spoil, expected) = Bad[what];
        var m = new TinyTfjsModel();
        m.InputLayer("input_1", 3);
        m.Conv("c1", "input_1", 3, 4, 3);
        spoil(m);
        var path = m.Write(_dir);
        var e = Assert.Throws<ModelImportException>(() => TfjsLayersImporter.Import(path));
        Assert.True(e.Message.Contains(expected, StringComparison.Ordinal), e.Message);
        Assert.StartsWith(path, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Short_shards_and_shard_paths_outside_the_folder_are_refused()
    {
        var m = AllLayers();
        var path = m.Write(_dir);
        var json = File.ReadAllText(path);
        File.WriteAllText(path, json.Replace("./group1-shard2of", "../group1-shard2of", StringComparison.Ordinal));
        Assert.Contains("is not a file inside the model folder", Assert.Throws<ModelImportException>(() => TfjsLayersImporter.Import(path)).Message, StringComparison.Ordinal);

        File.WriteAllText(path, json);
        var last = Directory.GetFiles(_dir, "group1-shard*.bin").Max()!;
        File.WriteAllBytes(last, File.ReadAllBytes(last)[..^4]);
        Assert.Contains("but the shards hold only", Assert.Throws<ModelImportException>(() => TfjsLayersImporter.Import(path)).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("graph-model", "format 'graph-model' is not supported")]
    [InlineData("not json", "not a TensorFlow.js model.json")]
    [InlineData("no topology", "no 'modelTopology' object")]
    public void Other_files_are_refused(string kind, string expected)
    {
        var path = kind == "graph-model" ? new TinyTfjsModel { Format = "graph-model" }.Write(_dir) : Path.Combine(_dir, "model.json");
        Directory.CreateDirectory(_dir);
        if (kind == "not json")
        {
            File.WriteAllText(path, "<html>");
        }
        else if (kind == "no topology")
        {
            File.WriteAllText(path, "{\"format\": \"layers-model\"}");
        }

        Assert.Contains(expected, Assert.Throws<ModelImportException>(() => TfjsLayersImporter.Import(path)).Message, StringComparison.Ordinal);
    }
}
