using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.ML.OnnxRuntime;
using RestoreBench.Onnx.Import;
using RestoreBench.Onnx.Runtime;

namespace RestoreBench.Onnx.Tests.Import;

/// <summary>
/// Writes small TensorFlow.js graph models (GraphDef JSON in <c>modelTopology.node</c>, Const values in
/// one weight shard, a signature with input <c>xs_0</c> and output <c>Identity</c>) and runs their ONNX
/// conversion, for single-op tests of <see cref="TfjsGraphImporter"/>.
/// </summary>
internal sealed class TinyTfGraph
{
    private readonly JsonArray _nodes = [];
    private readonly JsonArray _weights = [];
    private readonly List<byte> _data = [];
    private int _counter;

    /// <summary>Adds the NHWC float input <c>xs_0</c> with unknown batch, height and width.</summary>
    public TinyTfGraph(int channels)
    {
        _nodes.Add(new JsonObject
        {
            ["name"] = "xs_0",
            ["op"] = "Placeholder",
            ["attr"] = new JsonObject
            {
                ["dtype"] = new JsonObject { ["type"] = "DT_FLOAT" },
                ["shape"] = new JsonObject { ["shape"] = new JsonObject { ["dim"] = new JsonArray(Dim(-1), Dim(-1), Dim(-1), Dim(channels)) } },
            },
        });
    }

    public const string Input = "xs_0";

    /// <summary>A float32 Const (its value in the weight shard).</summary>
    public string Const(float[] values, params int[] shape)
    {
        var name = Next("Const");
        _nodes.Add(new JsonObject { ["name"] = name, ["op"] = "Const", ["attr"] = new JsonObject { ["dtype"] = Type("DT_FLOAT") } });
        _weights.Add(new JsonObject { ["name"] = name, ["shape"] = Shape(shape), ["dtype"] = "float32" });
        foreach (var v in values)
        {
            _data.AddRange(BitConverter.GetBytes(v));
        }

        return name;
    }

    /// <summary>An int32 Const.</summary>
    public string Ints(int[] values, params int[] shape)
    {
        var name = Next("Const");
        _nodes.Add(new JsonObject { ["name"] = name, ["op"] = "Const", ["attr"] = new JsonObject { ["dtype"] = Type("DT_INT32") } });
        _weights.Add(new JsonObject { ["name"] = name, ["shape"] = Shape(shape), ["dtype"] = "int32" });
        foreach (var v in values)
        {
            _data.AddRange(BitConverter.GetBytes(v));
        }

        return name;
    }

    /// <summary>A 1-D int32 Const.</summary>
    public string Vector(params int[] values) => Ints(values, values.Length);

    /// <summary>An int32 scalar Const.</summary>
    public string Scalar(int value) => Ints([value]);

    /// <summary>Adds a node; attribute values are GraphDef JSON objects (see the helpers below). Returns its name.</summary>
    public string Op(string op, string[] inputs, JsonObject? attr = null, string? name = null)
    {
        name ??= Next(op);
        var node = new JsonObject { ["name"] = name, ["op"] = op, ["input"] = new JsonArray([.. inputs.Select(i => (JsonNode)JsonValue.Create(i)!)]) };
        if (attr is not null)
        {
            node["attr"] = attr;
        }

        _nodes.Add(node);
        return name;
    }

    /// <summary>Marks <paramref name="value"/> as the model output (an Identity node named Identity).</summary>
    public void Output(string value) => Op("Identity", [value], new JsonObject { ["T"] = Type("DT_FLOAT") }, "Identity");

    /// <summary>Writes model.json and group1-shard1of1.bin into <paramref name="folder"/>.</summary>
    public string Write(string folder)
    {
        Directory.CreateDirectory(folder);
        var model = new JsonObject
        {
            ["format"] = "graph-model",
            ["generatedBy"] = "RestoreBench tests",
            ["convertedBy"] = "RestoreBench tests",
            ["signature"] = new JsonObject
            {
                ["inputs"] = new JsonObject { ["xs_0"] = new JsonObject { ["name"] = "xs_0:0", ["dtype"] = "DT_FLOAT" } },
                ["outputs"] = new JsonObject { ["output_0"] = new JsonObject { ["name"] = "Identity:0", ["dtype"] = "DT_FLOAT" } },
            },
            ["modelTopology"] = new JsonObject { ["node"] = _nodes.DeepClone(), ["library"] = new JsonObject(), ["versions"] = new JsonObject() },
            ["weightsManifest"] = new JsonArray(new JsonObject { ["paths"] = new JsonArray("group1-shard1of1.bin"), ["weights"] = _weights.DeepClone() }),
        };
        File.WriteAllText(Path.Combine(folder, "model.json"), model.ToJsonString(), Encoding.UTF8);
        File.WriteAllBytes(Path.Combine(folder, "group1-shard1of1.bin"), [.. _data]);
        return Path.Combine(folder, "model.json");
    }

    /// <summary>Converts the graph for an h x w input and runs it on <paramref name="nhwc"/> ([1, h, w, C]); returns the NHWC output and its shape.</summary>
    public (float[] Values, int[] Shape) Run(string folder, int h, int w, float[] nhwc)
    {
        var path = Write(folder);
        var result = TfjsGraphImporter.Import(path, new TfjsGraphImportOptions { Height = h, Width = w });
        var c = nhwc.Length / (h * w);
        using var model = OnnxModel.Load(result.Model, "tiny", new OnnxSessionSettings { Threads = 1 });
        using var x = OrtValue.CreateTensorValueFromMemory(Layout.ToNchw(nhwc, h, w, c), [1, c, h, w]);
        using var y = model.Run(x);
        var shape = y.GetTensorTypeAndShape().Shape;
        int oc = (int)shape[1], oh = (int)shape[2], ow = (int)shape[3];
        return (Layout.ToNhwc(y.GetTensorDataAsSpan<float>().ToArray(), oh, ow, oc), [1, oh, ow, oc]);
    }

    public static JsonObject Type(string type) => new() { ["type"] = type };

    public static JsonObject Int(long value) => new() { ["i"] = value.ToString(CultureInfo.InvariantCulture) };

    public static JsonObject Bool(bool value) => new() { ["b"] = value };

    public static JsonObject Text(string value) => new() { ["s"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(value)) };

    public static JsonObject List(params long[] values) =>
        new() { ["list"] = new JsonObject { ["i"] = new JsonArray([.. values.Select(v => (JsonNode)JsonValue.Create(v.ToString(CultureInfo.InvariantCulture))!)]) } };

    private static JsonObject Dim(int size) => new() { ["size"] = size.ToString(CultureInfo.InvariantCulture) };

    private static JsonArray Shape(int[] shape) => new([.. shape.Select(d => (JsonNode)JsonValue.Create(d)!)]);

    private string Next(string prefix) => string.Create(CultureInfo.InvariantCulture, $"{prefix}_{++_counter}");
}

/// <summary>NHWC ↔ NCHW for batch 1.</summary>
internal static class Layout
{
    public static float[] ToNchw(float[] nhwc, int h, int w, int c)
    {
        var result = new float[nhwc.Length];
        for (var p = 0; p < h * w; p++)
        {
            for (var k = 0; k < c; k++)
            {
                result[(k * h * w) + p] = nhwc[(p * c) + k];
            }
        }

        return result;
    }

    public static float[] ToNhwc(float[] nchw, int h, int w, int c)
    {
        var result = new float[nchw.Length];
        for (var p = 0; p < h * w; p++)
        {
            for (var k = 0; k < c; k++)
            {
                result[(p * c) + k] = nchw[(k * h * w) + p];
            }
        }

        return result;
    }
}
