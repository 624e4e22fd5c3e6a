using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace RestoreBench.Onnx.Tests.Import;

/// <summary>Writes small TensorFlow.js layers models (model.json + shards) for importer tests.</summary>
internal sealed class TinyTfjsModel
{
    private readonly List<JsonObject> _layers = [];
    private readonly List<(JsonObject Entry, byte[] Bytes)> _weights = [];

    public Dictionary<string, float[]> Values { get; } = new(StringComparer.Ordinal);

    public string ClassName { get; set; } = "Functional";

    /// <summary>Put the topology directly under modelTopology (the 0.9.0 layout) instead of under model_config.</summary>
    public bool Flat { get; set; }

    public string Format { get; set; } = "layers-model";

    /// <summary>Split the weight bytes into shards of this size (a tensor may cross a boundary).</summary>
    public int ShardSize { get; set; } = 1 << 20;

    public string Input { get; set; } = "input_1";

    public string Output { get; set; } = "";

    public JsonObject Layer(string cls, string name, JsonObject config, params string[] inbound)
    {
        config["name"] = name;
        config["trainable"] = true;
        config["dtype"] = "float32";
        var nodes = new JsonArray();
        if (inbound.Length > 0)
        {
            var call = new JsonArray();
            foreach (var i in inbound)
            {
                call.Add(new JsonArray(i, 0, 0, new JsonObject()));
            }

            nodes.Add(call);
        }

        var layer = new JsonObject { ["class_name"] = cls, ["name"] = name, ["config"] = config, ["inbound_nodes"] = nodes };
        _layers.Add(layer);
        Output = name;
        return layer;
    }

    public void InputLayer(string name, int channels, int? height = null, int? width = null)
    {
        Layer("InputLayer", name, new JsonObject
        {
            ["batch_input_shape"] = new JsonArray(null, height, width, channels),
            ["sparse"] = false,
            ["ragged"] = false,
        });
        Input = name;
    }

    public static JsonObject ConvConfig(int filters, int kernel, string padding = "same", string activation = "linear") => new()
    {
        ["filters"] = filters,
        ["kernel_size"] = new JsonArray(kernel, kernel),
        ["strides"] = new JsonArray(1, 1),
        ["padding"] = padding,
        ["data_format"] = "channels_last",
        ["dilation_rate"] = new JsonArray(1, 1),
        ["groups"] = 1,
        ["activation"] = activation,
        ["use_bias"] = true,
        ["kernel_initializer"] = new JsonObject { ["class_name"] = "RandomUniform", ["config"] = new JsonObject { ["minval"] = -0.05, ["maxval"] = 0.05, ["seed"] = null } },
        ["bias_initializer"] = new JsonObject { ["class_name"] = "Zeros", ["config"] = new JsonObject() },
        ["kernel_regularizer"] = null,
        ["bias_regularizer"] = null,
        ["activity_regularizer"] = null,
        ["kernel_constraint"] = null,
        ["bias_constraint"] = null,
    };

    /// <summary>Adds a Conv2D with deterministic pseudo-random weights (float32 unless a quantization is named).</summary>
    public void Conv(string name, string input, int inChannels, int filters, int kernel, string padding = "same", string activation = "linear", string? kernelQuant = null, string? biasQuant = null)
    {
        Layer("Conv2D", name, ConvConfig(filters, kernel, padding, activation), input);
        AddWeight(name + "/kernel", [kernel, kernel, inChannels, filters], kernelQuant, seed: name.Length * 7 + filters);
        AddWeight(name + "/bias", [filters], biasQuant, seed: name.Length * 3 + 1);
    }

    /// <summary>Adds a weight; quantized weights store bytes q and record min/scale; <see cref="Values"/> gets the dequantized values.</summary>
    public void AddWeight(string name, int[] shape, string? quantization, int seed)
    {
        var count = 1;
        foreach (var d in shape)
        {
            count *= d;
        }

        var entry = new JsonObject { ["name"] = name, ["shape"] = new JsonArray([.. Array.ConvertAll(shape, d => (JsonNode?)d)]), ["dtype"] = "float32" };
        var values = new float[count];
        byte[] bytes;
        if (quantization is null)
        {
            bytes = new byte[count * 4];
            for (var i = 0; i < count; i++)
            {
                values[i] = (float)Math.Sin(seed + i * 0.37) * 0.3f;
                BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), values[i]);
            }
        }
        else
        {
            const double min = -0.31, scale = 0.0027;
            var size = quantization == "uint8" ? 1 : 2;
            bytes = new byte[count * size];
            for (var i = 0; i < count; i++)
            {
                var q = (seed * 31 + i * 17) % (size == 1 ? 256 : 300);
                if (size == 1)
                {
                    bytes[i] = (byte)q;
                }
                else
                {
                    BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(i * 2), (ushort)q);
                }

                values[i] = (float)(min + scale * q);
            }

            entry["quantization"] = new JsonObject { ["dtype"] = quantization, ["min"] = min, ["scale"] = scale, ["original_dtype"] = "float32" };
        }

        Values[name] = values;
        _weights.Add((entry, bytes));
    }

    /// <summary>Adds a manifest entry with raw bytes (for malformed-weight tests).</summary>
    public void AddRawWeight(JsonObject entry, byte[] bytes) => _weights.Add((entry, bytes));

    public string Write(string folder)
    {
        Directory.CreateDirectory(folder);
        var all = new List<byte>();
        var entries = new JsonArray();
        foreach (var (entry, bytes) in _weights)
        {
            all.AddRange(bytes);
            entries.Add(entry);
        }

        var paths = new JsonArray();
        var data = all.ToArray();
        var shards = Math.Max(1, (data.Length + ShardSize - 1) / ShardSize);
        for (var s = 0; s < shards; s++)
        {
            var file = string.Create(CultureInfo.InvariantCulture, $"group1-shard{s + 1}of{shards}.bin");
            var start = s * ShardSize;
            File.WriteAllBytes(Path.Combine(folder, file), data.AsSpan(start, Math.Min(ShardSize, data.Length - start)).ToArray());
            paths.Add("./" + file);
        }

        var layers = new JsonArray();
        foreach (var l in _layers)
        {
            layers.Add(l.DeepClone());
        }

        JsonNode config = ClassName == "Sequential"
            ? new JsonObject { ["name"] = "sequential", ["layers"] = layers }
            : new JsonObject
            {
                ["name"] = "tiny",
                ["layers"] = layers,
                ["input_layers"] = new JsonArray(new JsonArray(Input, 0, 0)),
                ["output_layers"] = new JsonArray(new JsonArray(Output, 0, 0)),
            };
        var modelConfig = new JsonObject { ["class_name"] = ClassName, ["config"] = config };
        var topology = Flat
            ? new JsonObject { ["class_name"] = ClassName, ["config"] = config.DeepClone(), ["keras_version"] = "2.4.0", ["backend"] = "tensorflow" }
            : new JsonObject { ["keras_version"] = "2.10.0", ["backend"] = "tensorflow", ["model_config"] = modelConfig };
        var root = new JsonObject
        {
            ["format"] = Format,
            ["generatedBy"] = "keras v2.10.0",
            ["convertedBy"] = "TensorFlow.js Converter v1.2.6",
            ["modelTopology"] = topology,
            ["weightsManifest"] = new JsonArray(new JsonObject { ["paths"] = paths, ["weights"] = entries }),
        };
        var path = Path.Combine(folder, "model.json");
        // Encoding.UTF8 writes a byte-order mark, which the importer must accept.
        File.WriteAllText(path, root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }), Encoding.UTF8);
        return path;
    }
}

/// <summary>Direct NHWC float64 evaluation of the layers, independent of the importer and of ONNX.</summary>
internal static class NhwcReference
{
    public sealed record T(int H, int W, int C, double[] D)
    {
        public double this[int y, int x, int c] => D[(y * W + x) * C + c];
    }

    public static T Conv(T x, float[] kernel, float[] bias, int k, int filters, bool same, bool relu)
    {
        var p = same ? (k - 1) / 2 : 0;
        int h = same ? x.H : x.H - k + 1, w = same ? x.W : x.W - k + 1;
        var d = new double[h * w * filters];
        for (var y = 0; y < h; y++)
        {
            for (var xx = 0; xx < w; xx++)
            {
                for (var o = 0; o < filters; o++)
                {
                    double acc = bias[o];
                    for (var ky = 0; ky < k; ky++)
                    {
                        for (var kx = 0; kx < k; kx++)
                        {
                            int sy = y + ky - p, sx = xx + kx - p;
                            if (sy < 0 || sy >= x.H || sx < 0 || sx >= x.W)
                            {
                                continue;
                            }

                            for (var i = 0; i < x.C; i++)
                            {
                                acc += x[sy, sx, i] * kernel[((ky * k + kx) * x.C + i) * filters + o];
                            }
                        }
                    }

                    d[(y * w + xx) * filters + o] = relu ? Math.Max(acc, 0) : acc;
                }
            }
        }

        return new T(h, w, filters, d);
    }

    public static T Relu(T x) => new(x.H, x.W, x.C, Array.ConvertAll(x.D, v => Math.Max(v, 0)));

    public static T Concat(T a, T b)
    {
        var c = a.C + b.C;
        var d = new double[a.H * a.W * c];
        for (var p = 0; p < a.H * a.W; p++)
        {
            Array.Copy(a.D, p * a.C, d, p * c, a.C);
            Array.Copy(b.D, p * b.C, d, p * c + a.C, b.C);
        }

        return new T(a.H, a.W, c, d);
    }

    public static T Add(T a, T b)
    {
        var d = new double[a.D.Length];
        for (var i = 0; i < d.Length; i++)
        {
            d[i] = a.D[i] + b.D[i];
        }

        return a with { D = d };
    }

    public static T Scale(T a, double beta) => a with { D = Array.ConvertAll(a.D, v => v * (float)beta) };

    public static T Upsample(T x, int s)
    {
        var d = new double[x.H * s * x.W * s * x.C];
        for (var y = 0; y < x.H * s; y++)
        {
            for (var xx = 0; xx < x.W * s; xx++)
            {
                for (var c = 0; c < x.C; c++)
                {
                    d[(y * x.W * s + xx) * x.C + c] = x[y / s, xx / s, c];
                }
            }
        }

        return new T(x.H * s, x.W * s, x.C, d);
    }

    /// <summary>TensorFlow depth_to_space (NHWC, DCR): out[y·s+i, x·s+j, c] = in[y, x, (i·s+j)·C' + c].</summary>
    public static T DepthToSpace(T x, int s)
    {
        var c2 = x.C / (s * s);
        var d = new double[x.H * s * x.W * s * c2];
        for (var y = 0; y < x.H; y++)
        {
            for (var xx = 0; xx < x.W; xx++)
            {
                for (var i = 0; i < s; i++)
                {
                    for (var j = 0; j < s; j++)
                    {
                        for (var c = 0; c < c2; c++)
                        {
                            d[((y * s + i) * x.W * s + xx * s + j) * c2 + c] = x[y, xx, (i * s + j) * c2 + c];
                        }
                    }
                }
            }
        }

        return new T(x.H * s, x.W * s, c2, d);
    }
}
