using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.ML.OnnxRuntime.Tensors;
using RestoreBench.Onnx.Graph;
using RestoreBench.Onnx.Runtime;

namespace RestoreBench.Onnx.Import;

/// <summary>
/// Converts a TensorFlow.js <em>layers</em> model (<c>model.json</c> + weight shards) to ONNX. The
/// Keras topology (class <c>Functional</c>, <c>Model</c> or <c>Sequential</c>, under
/// <c>modelTopology.model_config</c> or directly under <c>modelTopology</c>) becomes an NCHW graph:
/// <list type="bullet">
/// <item><c>InputLayer</c>: NHWC <c>batch_input_shape</c> → ONNX input <c>[batch, C, height, width]</c>.</item>
/// <item><c>Conv2D</c> (channels_last, square kernel 1/3/5, stride 1, dilation 1, one group, padding
/// <c>same</c>/<c>valid</c>, activation <c>linear</c>/<c>relu</c>, with or without bias): kernel
/// <c>[kh, kw, in, out]</c> → <c>[out, in, kh, kw]</c>, <c>same</c> → symmetric pads of (k − 1)/2.</item>
/// <item><c>Activation(relu)</c> → Relu; <c>Add</c> → Add/Sum; <c>Concatenate</c> on the channel axis → Concat(axis 1).</item>
/// <item><c>UpSampling2D</c> (nearest) → Resize nearest with integer scales (floor, asymmetric coordinates).</item>
/// <item>custom <c>MultiplyBeta</c> (config <c>beta</c>) → Mul by a constant; custom <c>PixelShuffle</c>,
/// <c>PixelShuffle2x</c>… (config <c>scale</c>) → DepthToSpace in DCR order (TensorFlow's depth_to_space).</item>
/// </list>
/// Any other layer class, option or value is refused with an error naming the layer and the option.
/// Options that only matter for training (initializers, regularizers, constraints, <c>trainable</c>)
/// are ignored.
/// </summary>
public static partial class TfjsLayersImporter
{
    private static readonly HashSet<string> TrainingOnly = new(StringComparer.Ordinal)
    {
        "name", "trainable", "kernel_initializer", "bias_initializer", "kernel_regularizer", "bias_regularizer",
        "activity_regularizer", "kernel_constraint", "bias_constraint",
    };

    /// <summary>Layer classes the importer converts (PixelShuffle also with an <c>Nx</c> suffix).</summary>
    public static IReadOnlyList<string> SupportedLayers { get; } =
        ["InputLayer", "Conv2D", "Activation", "Concatenate", "Add", "UpSampling2D", "MultiplyBeta", "PixelShuffle"];

    /// <summary>Imports <paramref name="modelJsonPath"/> (or a folder holding <c>model.json</c>).</summary>
    /// <exception cref="ModelImportException">
    /// The file is missing or not a TensorFlow.js layers model, a weight is missing/unused/mis-shaped, or the
    /// model uses a layer class or option outside the supported set; one line naming it.
    /// </exception>
    public static TfjsImportResult Import(string modelJsonPath, TfjsImportOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelJsonPath);
        options ??= new TfjsImportOptions();
        var path = Directory.Exists(modelJsonPath) ? Path.Combine(modelJsonPath, "model.json") : modelJsonPath;
        JsonDocument document;
        try
        {
            var bytes = File.ReadAllBytes(path);
            var bom = bytes.AsSpan().StartsWith("\uFEFF"u8) ? 3 : 0;
            document = JsonDocument.Parse(bytes.AsMemory(bom), new JsonDocumentOptions { MaxDepth = 256 });
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModelImportException($"{path}: cannot read the file ({e.Message})", e);
        }
        catch (JsonException e)
        {
            throw new ModelImportException($"{path}: not a TensorFlow.js model.json (invalid JSON: {e.Message})", e);
        }

        using (document)
        {
            try
            {
                return Convert(document.RootElement, Path.GetDirectoryName(Path.GetFullPath(path))!, path, options);
            }
            catch (Exception e) when (e is InvalidOperationException or FormatException or KeyNotFoundException)
            {
                // JsonElement accessors throw these for a value of the wrong JSON kind.
                throw new ModelImportException($"{path}: malformed model.json ({e.Message})", e);
            }
        }
    }

    private static TfjsImportResult Convert(JsonElement root, string folder, string source, TfjsImportOptions options)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("modelTopology", out var topology) || topology.ValueKind != JsonValueKind.Object)
        {
            throw new ModelImportException($"{source}: not a TensorFlow.js layers model (no 'modelTopology' object)");
        }

        if (root.TryGetProperty("format", out var format) && format.GetString() is { } f && f != "layers-model")
        {
            throw new ModelImportException($"{source}: format '{f}' is not supported (only TensorFlow.js 'layers-model')");
        }

        var modelConfig = topology.TryGetProperty("model_config", out var mc) ? mc : topology;
        var className = modelConfig.TryGetProperty("class_name", out var cn) ? cn.GetString() ?? "" : "";
        if (!modelConfig.TryGetProperty("config", out var config))
        {
            throw new ModelImportException($"{source}: the model topology has no 'config'");
        }

        if (!root.TryGetProperty("weightsManifest", out var manifest))
        {
            throw new ModelImportException($"{source}: no 'weightsManifest'");
        }

        var weights = TfjsWeights.Load(manifest, folder, source);
        var layers = className switch
        {
            "Functional" or "Model" => FunctionalLayers(config, source),
            "Sequential" => SequentialLayers(config, source),
            _ => throw new ModelImportException($"{source}: model class '{className}' is not supported (supported: Functional, Model, Sequential)"),
        };

        var graphName = options.GraphName ?? (config.ValueKind == JsonValueKind.Object && config.TryGetProperty("name", out var gn) ? gn.GetString() : null) ?? "model";
        var builder = new OnnxGraphBuilder(graphName, options.Opset);
        var context = new Context(builder, weights, source);
        var order = TopologicalOrder(layers.Layers, source);
        foreach (var layer in order)
        {
            context.Convert(layer, options.InputName);
        }

        if (!context.Values.TryGetValue(layers.Output, out var output))
        {
            throw new ModelImportException($"{source}: output layer '{layers.Output}' was not produced");
        }

        var unused = new List<string>();
        foreach (var name in weights.Keys)
        {
            if (!context.UsedWeights.Contains(name))
            {
                unused.Add(name);
            }
        }

        if (unused.Count > 0)
        {
            throw new ModelImportException($"{source}: {unused.Count} weight(s) in the manifest belong to no converted layer: {string.Join(", ", unused.Take(5))}{(unused.Count > 5 ? ", …" : "")}");
        }

        if (!context.Values.TryGetValue(layers.Input, out var input))
        {
            throw new ModelImportException($"{source}: input layer '{layers.Input}' was not converted");
        }

        builder.AddOutput(output.Name, options.OutputName, TensorElementType.Float, "batch", output.Channels, "out_height", "out_width");
        builder.SetMetadata("restorebench.importer", "tfjs-layers");
        builder.SetMetadata("restorebench.layout", "NCHW");
        if (root.TryGetProperty("generatedBy", out var generatedBy) && generatedBy.GetString() is { } g)
        {
            builder.SetMetadata("tfjs.generated_by", g);
        }

        if (options.Metadata is not null)
        {
            foreach (var (key, value) in options.Metadata)
            {
                builder.SetMetadata(key, value);
            }
        }

        int? scale = output.ScaleH == output.ScaleW && output.ScaleH > 0 ? output.ScaleH : null;
        var counts = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var layer in order)
        {
            counts[layer.ClassName] = counts.GetValueOrDefault(layer.ClassName) + 1;
        }

        return new TfjsImportResult(builder.ToBytes(), builder.ParameterCount, scale, input.Channels, output.Channels, className, counts,
            root.TryGetProperty("generatedBy", out var gb) ? gb.GetString() : null);
    }

    /// <summary>One Keras layer: class, name, config and the names of the layers feeding it.</summary>
    private sealed record Layer(int Index, string ClassName, string Name, JsonElement Config, IReadOnlyList<string> Inbound);

    private sealed record LayerGraph(IReadOnlyList<Layer> Layers, string Input, string Output);

    private static LayerGraph FunctionalLayers(JsonElement config, string source)
    {
        var layers = new List<Layer>();
        foreach (var item in config.GetProperty("layers").EnumerateArray())
        {
            var cls = item.GetProperty("class_name").GetString() ?? "";
            var name = item.TryGetProperty("name", out var n) ? n.GetString() : null;
            var layerConfig = item.GetProperty("config");
            name ??= layerConfig.TryGetProperty("name", out var cn2) ? cn2.GetString() : null;
            if (string.IsNullOrEmpty(name))
            {
                throw new ModelImportException($"{source}: a {cls} layer has no name");
            }

            var inbound = new List<string>();
            if (item.TryGetProperty("inbound_nodes", out var nodes) && nodes.ValueKind == JsonValueKind.Array)
            {
                var calls = nodes.GetArrayLength();
                if (calls > 1)
                {
                    throw new ModelImportException($"{source}: layer '{name}' ({cls}) is called {calls} times; shared layers are not supported");
                }

                if (calls == 1)
                {
                    var call = nodes[0];
                    if (call.ValueKind != JsonValueKind.Array)
                    {
                        throw new ModelImportException($"{source}: layer '{name}' ({cls}): unsupported 'inbound_nodes' format (expected Keras 2 lists of [layer, node, tensor, kwargs])");
                    }

                    foreach (var reference in call.EnumerateArray())
                    {
                        inbound.Add(InboundName(reference, name, cls, source));
                    }
                }
            }

            layers.Add(new Layer(layers.Count, cls, name, layerConfig, inbound));
        }

        return new LayerGraph(layers, SingleEndpoint(config, "input_layers", source), SingleEndpoint(config, "output_layers", source));
    }

    private static string InboundName(JsonElement reference, string layer, string cls, string source)
    {
        if (reference.ValueKind != JsonValueKind.Array || reference.GetArrayLength() < 3 || reference[0].ValueKind != JsonValueKind.String)
        {
            throw new ModelImportException($"{source}: layer '{layer}' ({cls}): unsupported inbound reference {reference.GetRawText()}");
        }

        if (reference[1].GetInt32() != 0 || reference[2].GetInt32() != 0)
        {
            throw new ModelImportException($"{source}: layer '{layer}' ({cls}) takes output {reference[2].GetInt32()} of call {reference[1].GetInt32()} of '{reference[0].GetString()}'; only single-call, single-output layers are supported");
        }

        if (reference.GetArrayLength() > 3 && reference[3].ValueKind == JsonValueKind.Object && reference[3].EnumerateObject().Any())
        {
            throw new ModelImportException($"{source}: layer '{layer}' ({cls}) is called with keyword arguments {reference[3].GetRawText()}; not supported");
        }

        return reference[0].GetString()!;
    }

    private static string SingleEndpoint(JsonElement config, string key, string source)
    {
        if (!config.TryGetProperty(key, out var list) || list.ValueKind != JsonValueKind.Array || list.GetArrayLength() == 0)
        {
            throw new ModelImportException($"{source}: the model config has no '{key}'");
        }

        // Either [[name, node, tensor], ...] or a single [name, node, tensor].
        if (list[0].ValueKind == JsonValueKind.String)
        {
            return list[0].GetString()!;
        }

        if (list.GetArrayLength() != 1)
        {
            throw new ModelImportException($"{source}: the model has {list.GetArrayLength()} {key.Replace("_layers", "s", StringComparison.Ordinal)}; only single-input, single-output models are supported");
        }

        return list[0][0].GetString()!;
    }

    private static LayerGraph SequentialLayers(JsonElement config, string source)
    {
        var items = config.ValueKind == JsonValueKind.Array ? config : config.GetProperty("layers");
        var layers = new List<Layer>();
        string? previous = null;
        string? input = null;
        foreach (var item in items.EnumerateArray())
        {
            var cls = item.GetProperty("class_name").GetString() ?? "";
            var layerConfig = item.GetProperty("config");
            var name = layerConfig.TryGetProperty("name", out var n) ? n.GetString() : null;
            if (string.IsNullOrEmpty(name))
            {
                throw new ModelImportException($"{source}: a {cls} layer has no name");
            }

            if (previous is null && cls != "InputLayer")
            {
                // The first layer carries the input shape: make an explicit input layer for it.
                if (!layerConfig.TryGetProperty("batch_input_shape", out var shape))
                {
                    throw new ModelImportException($"{source}: the first layer '{name}' of the Sequential model has no batch_input_shape");
                }

                input = name + "_input";
                using var synthetic = JsonDocument.Parse($"{{\"batch_input_shape\":{shape.GetRawText()},\"dtype\":\"float32\",\"name\":\"{input}\"}}");
                layers.Add(new Layer(layers.Count, "InputLayer", input, synthetic.RootElement.Clone(), []));
                previous = input;
            }

            layers.Add(new Layer(layers.Count, cls, name, layerConfig, previous is null ? [] : [previous]));
            input ??= name;
            previous = name;
        }

        if (previous is null || input is null)
        {
            throw new ModelImportException($"{source}: the Sequential model has no layers");
        }

        return new LayerGraph(layers, input, previous);
    }

    /// <summary>Kahn's algorithm; ties go to the layer listed first, so the order is deterministic.</summary>
    private static List<Layer> TopologicalOrder(IReadOnlyList<Layer> layers, string source)
    {
        var byName = new Dictionary<string, Layer>(StringComparer.Ordinal);
        foreach (var layer in layers)
        {
            if (!byName.TryAdd(layer.Name, layer))
            {
                throw new ModelImportException($"{source}: two layers are named '{layer.Name}'");
            }
        }

        var pending = new int[layers.Count];
        var consumers = new List<int>[layers.Count];
        for (var i = 0; i < layers.Count; i++)
        {
            consumers[i] = [];
        }

        foreach (var layer in layers)
        {
            foreach (var inbound in layer.Inbound)
            {
                if (!byName.TryGetValue(inbound, out var producer))
                {
                    throw new ModelImportException($"{source}: layer '{layer.Name}' ({layer.ClassName}) takes input from unknown layer '{inbound}'");
                }

                pending[layer.Index]++;
                consumers[producer.Index].Add(layer.Index);
            }
        }

        var ready = new SortedSet<int>();
        for (var i = 0; i < layers.Count; i++)
        {
            if (pending[i] == 0)
            {
                ready.Add(i);
            }
        }

        var order = new List<Layer>(layers.Count);
        while (ready.Count > 0)
        {
            var next = ready.Min;
            ready.Remove(next);
            order.Add(layers[next]);
            foreach (var c in consumers[next])
            {
                if (--pending[c] == 0)
                {
                    ready.Add(c);
                }
            }
        }

        if (order.Count != layers.Count)
        {
            throw new ModelImportException($"{source}: the layer graph has a cycle");
        }

        return order;
    }

    /// <summary>An ONNX value with its channel count and spatial scale relative to the input (0 = not an integer multiple).</summary>
    private sealed record Tensor(string Name, int Channels, int ScaleH, int ScaleW);

    [GeneratedRegex("^PixelShuffle(?<n>[0-9]+x)?$", RegexOptions.CultureInvariant)]
    private static partial Regex PixelShuffleName();

    private sealed class Context(OnnxGraphBuilder builder, Dictionary<string, TfjsWeight> weights, string source)
    {
        public Dictionary<string, Tensor> Values { get; } = new(StringComparer.Ordinal);

        public HashSet<string> UsedWeights { get; } = new(StringComparer.Ordinal);

        public void Convert(Layer layer, string inputName)
        {
            var options = new LayerOptions(layer, source);
            var inputs = new List<Tensor>(layer.Inbound.Count);
            foreach (var name in layer.Inbound)
            {
                inputs.Add(Values[name]);
            }

            Tensor result;
            switch (layer.ClassName)
            {
                case "InputLayer":
                    result = Input(layer, options, inputName);
                    break;
                case "Conv2D":
                    result = Conv2D(layer, options, Single(layer, inputs));
                    break;
                case "Activation":
                    {
                        var x = Single(layer, inputs);
                        options.Require("activation", "relu");
                        result = x with { Name = builder.Relu(x.Name) };
                        break;
                    }

                case "Concatenate":
                    result = Concatenate(layer, options, inputs);
                    break;
                case "Add":
                    result = AddLayer(layer, inputs);
                    break;
                case "UpSampling2D":
                    result = UpSampling(layer, options, Single(layer, inputs));
                    break;
                case "MultiplyBeta":
                    {
                        var x = Single(layer, inputs);
                        var beta = options.Number("beta");
                        result = x with { Name = builder.Mul(x.Name, builder.Constant((float)beta)) };
                        break;
                    }

                default:
                    var match = PixelShuffleName().Match(layer.ClassName);
                    if (!match.Success)
                    {
                        throw new ModelImportException($"{source}: layer '{layer.Name}' has class '{layer.ClassName}', which is not supported (supported: {string.Join(", ", SupportedLayers)})");
                    }

                    result = PixelShuffle(layer, options, Single(layer, inputs), match.Groups["n"]);
                    break;
            }

            options.RejectUnread();
            Values[layer.Name] = result;
        }

        private Tensor Single(Layer layer, List<Tensor> inputs) => inputs.Count == 1
            ? inputs[0]
            : throw new ModelImportException($"{source}: layer '{layer.Name}' ({layer.ClassName}) has {inputs.Count} inputs; it takes one");

        private Tensor Input(Layer layer, LayerOptions options, string inputName)
        {
            var shape = options.Has("batch_input_shape") ? options.Array("batch_input_shape") : options.Array("batch_shape");
            options.Require("sparse", false);
            options.Require("ragged", false);
            if (shape.Length != 4 || shape[3] is null)
            {
                throw new ModelImportException($"{source}: input layer '{layer.Name}' has shape [{string.Join(",", shape.Select(d => d?.ToString(CultureInfo.InvariantCulture) ?? "null"))}]; an NHWC image input [batch, height, width, channels] with known channels is needed");
            }

            var channels = shape[3]!.Value;
            OnnxDimension h = shape[1] is { } fh ? fh : "height";
            OnnxDimension w = shape[2] is { } fw ? fw : "width";
            return new Tensor(builder.AddInput(inputName, TensorElementType.Float, "batch", channels, h, w), channels, 1, 1);
        }

        private Tensor Conv2D(Layer layer, LayerOptions options, Tensor x)
        {
            options.Require("data_format", "channels_last");
            options.RequirePair("strides", 1);
            options.RequirePair("dilation_rate", 1);
            options.Require("groups", 1L);
            var kernelSize = options.Pair("kernel_size");
            if (kernelSize.H != kernelSize.W || kernelSize.H is not (1 or 3 or 5))
            {
                throw new ModelImportException($"{source}: layer '{layer.Name}' (Conv2D): kernel_size [{kernelSize.H},{kernelSize.W}] is not supported (supported: 1, 3, 5, square)");
            }

            var padding = options.Text("padding");
            if (padding is not ("same" or "valid"))
            {
                throw new ModelImportException($"{source}: layer '{layer.Name}' (Conv2D): padding '{padding}' is not supported (supported: same, valid)");
            }

            var activation = options.Text("activation");
            if (activation is not ("linear" or "relu"))
            {
                throw new ModelImportException($"{source}: layer '{layer.Name}' (Conv2D): activation '{activation}' is not supported (supported: linear, relu)");
            }

            var filters = (int)options.Integer("filters");
            var useBias = !options.Has("use_bias") || options.Boolean("use_bias");
            var k = kernelSize.H;
            var kernel = Weight(layer, "kernel", [k, k, x.Channels, filters]);
            var weight = new float[kernel.Data.Length];
            var cin = x.Channels;
            for (var ky = 0; ky < k; ky++)
            {
                for (var kx = 0; kx < k; kx++)
                {
                    for (var i = 0; i < cin; i++)
                    {
                        var src = ((ky * k + kx) * cin + i) * filters;
                        for (var o = 0; o < filters; o++)
                        {
                            weight[((o * cin + i) * k + ky) * k + kx] = kernel.Data[src + o];
                        }
                    }
                }
            }

            var w = builder.AddInitializer(layer.Name + "/kernel", weight, filters, cin, k, k);
            string? b = null;
            if (useBias)
            {
                b = builder.AddInitializer(layer.Name + "/bias", Weight(layer, "bias", [filters]).Data, filters);
            }

            long pad = padding == "same" ? (k - 1) / 2 : 0;
            var y = builder.Conv(x.Name, w, b, pads: [pad, pad, pad, pad]);
            if (activation == "relu")
            {
                y = builder.Relu(y);
            }

            // 'valid' with k > 1 shrinks the image: the output is no longer an integer multiple of the input.
            var exact = padding == "same" || k == 1;
            return new Tensor(y, filters, exact ? x.ScaleH : 0, exact ? x.ScaleW : 0);
        }

        private Tensor Concatenate(Layer layer, LayerOptions options, List<Tensor> inputs)
        {
            var axis = options.Has("axis") ? options.Integer("axis") : -1;
            if (axis is not (3 or -1))
            {
                throw new ModelImportException($"{source}: layer '{layer.Name}' (Concatenate): axis {axis} is not supported (only the channel axis, 3 or -1)");
            }

            if (inputs.Count < 2)
            {
                throw new ModelImportException($"{source}: layer '{layer.Name}' (Concatenate) has {inputs.Count} input(s)");
            }

            var names = new string[inputs.Count];
            var channels = 0;
            for (var i = 0; i < inputs.Count; i++)
            {
                names[i] = inputs[i].Name;
                channels += inputs[i].Channels;
            }

            return new Tensor(builder.Concat(1, names), channels, inputs[0].ScaleH, inputs[0].ScaleW);
        }

        private Tensor AddLayer(Layer layer, List<Tensor> inputs)
        {
            if (inputs.Count < 2)
            {
                throw new ModelImportException($"{source}: layer '{layer.Name}' (Add) has {inputs.Count} input(s)");
            }

            var names = new string[inputs.Count];
            for (var i = 0; i < inputs.Count; i++)
            {
                if (inputs[i].Channels != inputs[0].Channels)
                {
                    throw new ModelImportException($"{source}: layer '{layer.Name}' (Add) adds tensors with {inputs[0].Channels} and {inputs[i].Channels} channels");
                }

                names[i] = inputs[i].Name;
            }

            var y = names.Length == 2 ? builder.Add(names[0], names[1]) : builder.Sum(names);
            return inputs[0] with { Name = y };
        }

        private Tensor UpSampling(Layer layer, LayerOptions options, Tensor x)
        {
            options.Require("data_format", "channels_last");
            if (options.Has("interpolation"))
            {
                var interpolation = options.Text("interpolation");
                if (interpolation != "nearest")
                {
                    throw new ModelImportException($"{source}: layer '{layer.Name}' (UpSampling2D): interpolation '{interpolation}' is not supported (supported: nearest)");
                }
            }

            options.Ignore("batch_input_shape");
            var size = options.Pair("size");
            if (size.H < 1 || size.W < 1)
            {
                throw new ModelImportException($"{source}: layer '{layer.Name}' (UpSampling2D): size [{size.H},{size.W}] must be positive");
            }

            return new Tensor(builder.ResizeNearest(x.Name, size.H, size.W), x.Channels, x.ScaleH * size.H, x.ScaleW * size.W);
        }

        private Tensor PixelShuffle(Layer layer, LayerOptions options, Tensor x, Group suffix)
        {
            var scale = (int)options.Integer("scale");
            if (scale < 1)
            {
                throw new ModelImportException($"{source}: layer '{layer.Name}' ({layer.ClassName}): scale {scale} must be positive");
            }

            if (suffix.Success && suffix.Value != scale.ToString(CultureInfo.InvariantCulture) + "x")
            {
                throw new ModelImportException($"{source}: layer '{layer.Name}' ({layer.ClassName}) has scale {scale}, which contradicts its class name");
            }

            if (x.Channels % (scale * scale) != 0)
            {
                throw new ModelImportException($"{source}: layer '{layer.Name}' ({layer.ClassName}): {x.Channels} channels are not a multiple of scale² = {scale * scale}");
            }

            return new Tensor(builder.DepthToSpace(x.Name, scale, "DCR"), x.Channels / (scale * scale), x.ScaleH * scale, x.ScaleW * scale);
        }

        private TfjsWeight Weight(Layer layer, string kind, int[] expected)
        {
            var name = layer.Name + "/" + kind;
            if (!weights.TryGetValue(name, out var weight))
            {
                throw new ModelImportException($"{source}: layer '{layer.Name}' ({layer.ClassName}) needs weight '{name}', which is not in the weights manifest");
            }

            if (!weight.Shape.AsSpan().SequenceEqual(expected))
            {
                throw new ModelImportException($"{source}: weight '{name}' has shape [{string.Join(",", weight.Shape)}]; layer '{layer.Name}' needs [{string.Join(",", expected)}]");
            }

            UsedWeights.Add(name);
            return weight;
        }
    }

    /// <summary>
    /// Reads a layer's config and remembers which keys were read; any key left unread (other than
    /// training-only ones) is an unsupported option.
    /// </summary>
    private sealed class LayerOptions
    {
        private readonly Layer _layer;
        private readonly string _source;
        private readonly HashSet<string> _read = new(StringComparer.Ordinal);

        public LayerOptions(Layer layer, string source)
        {
            _layer = layer;
            _source = source;
            if (layer.Config.ValueKind != JsonValueKind.Object)
            {
                throw Error("config is not an object");
            }

            if (Has("dtype"))
            {
                var dtype = layer.Config.GetProperty("dtype");
                if (dtype.ValueKind != JsonValueKind.String || dtype.GetString() != "float32")
                {
                    throw Error($"dtype {dtype.GetRawText()} is not supported (supported: float32)");
                }
            }
        }

        public bool Has(string key)
        {
            _read.Add(key);
            return _layer.Config.TryGetProperty(key, out var v) && v.ValueKind != JsonValueKind.Null;
        }

        public void Ignore(string key) => _read.Add(key);

        public string Text(string key) => Get(key) is { ValueKind: JsonValueKind.String } v ? v.GetString()! : throw Error($"option '{key}' is not a string");

        public double Number(string key) => Get(key) is { ValueKind: JsonValueKind.Number } v ? v.GetDouble() : throw Error($"option '{key}' is not a number");

        public long Integer(string key) => Get(key) is { ValueKind: JsonValueKind.Number } v && v.TryGetInt64(out var i) ? i : throw Error($"option '{key}' is not an integer");

        public bool Boolean(string key) => Get(key).ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Error($"option '{key}' is not true/false"),
        };

        public int?[] Array(string key)
        {
            var v = Get(key);
            if (v.ValueKind != JsonValueKind.Array)
            {
                throw Error($"option '{key}' is not a list");
            }

            var result = new int?[v.GetArrayLength()];
            var i = 0;
            foreach (var item in v.EnumerateArray())
            {
                result[i++] = item.ValueKind == JsonValueKind.Null ? null : item.GetInt32();
            }

            return result;
        }

        /// <summary>An (h, w) option given as one integer or a list of two.</summary>
        public (int H, int W) Pair(string key)
        {
            var v = Get(key);
            if (v.ValueKind == JsonValueKind.Number)
            {
                return (v.GetInt32(), v.GetInt32());
            }

            if (v.ValueKind == JsonValueKind.Array && v.GetArrayLength() == 2)
            {
                return (v[0].GetInt32(), v[1].GetInt32());
            }

            throw Error($"option '{key}' is not an integer or a pair of integers");
        }

        public void Require(string key, string expected)
        {
            if (Has(key) && Text(key) != expected)
            {
                throw Error($"option {key}='{Text(key)}' is not supported (supported: {expected})");
            }
        }

        public void Require(string key, long expected)
        {
            if (Has(key) && Integer(key) != expected)
            {
                throw Error($"option {key}={Integer(key)} is not supported (supported: {expected})");
            }
        }

        public void Require(string key, bool expected)
        {
            if (Has(key) && Boolean(key) != expected)
            {
                throw Error($"option {key}={Boolean(key).ToString().ToLowerInvariant()} is not supported (supported: {expected.ToString().ToLowerInvariant()})");
            }
        }

        public void RequirePair(string key, int expected)
        {
            if (Has(key))
            {
                var (h, w) = Pair(key);
                if (h != expected || w != expected)
                {
                    throw Error($"option {key}=[{h},{w}] is not supported (supported: [{expected},{expected}])");
                }
            }
        }

        public void RejectUnread()
        {
            foreach (var property in _layer.Config.EnumerateObject())
            {
                if (!_read.Contains(property.Name) && !TrainingOnly.Contains(property.Name) && property.Name != "dtype")
                {
                    throw Error($"option '{property.Name}' is not supported");
                }
            }
        }

        private JsonElement Get(string key)
        {
            _read.Add(key);
            return _layer.Config.TryGetProperty(key, out var v) ? v : throw Error($"option '{key}' is missing");
        }

        private ModelImportException Error(string what) =>
            new($"{_source}: layer '{_layer.Name}' ({_layer.ClassName}): {what}");
    }
}
