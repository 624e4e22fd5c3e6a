using System.Text.Json;
using Microsoft.ML.OnnxRuntime.Tensors;
using RestoreBench.Onnx.Graph;
using RestoreBench.Onnx.Import.TfGraph;

namespace RestoreBench.Onnx.Import;

/// <summary>Options of <see cref="TfjsGraphImporter.Import"/>.</summary>
public sealed record TfjsGraphImportOptions
{
    /// <summary>Input height in pixels that the ONNX model is built for (the graph's unknown sizes are fixed to it).</summary>
    public required int Height { get; init; }

    /// <summary>Input width in pixels that the ONNX model is built for.</summary>
    public required int Width { get; init; }

    /// <summary>Graph name (default: the model.json folder name).</summary>
    public string? GraphName { get; init; }

    /// <summary>Name of the ONNX input (NCHW float32 <c>[1, C, Height, Width]</c>).</summary>
    public string InputName { get; init; } = "input";

    /// <summary>Name of the ONNX output (NCHW float32).</summary>
    public string OutputName { get; init; } = "output";

    /// <summary>ONNX opset of the default domain.</summary>
    public int Opset { get; init; } = OnnxGraphBuilder.DefaultOpset;

    /// <summary>Extra <c>metadata_props</c> written into the model.</summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }
}

/// <summary>The outcome of importing a TensorFlow.js graph model.</summary>
/// <param name="Model">The serialized ONNX model: input <c>[1, C, H, W]</c>, output <c>[1, C', H', W']</c>, float32 NCHW.</param>
/// <param name="ParameterCount">float32 elements in the weights manifest (the network's weights and constants).</param>
/// <param name="Height">Input height the model is built for.</param>
/// <param name="Width">Input width the model is built for.</param>
/// <param name="OutputShape">Output shape, NCHW.</param>
/// <param name="Census">Number of graph nodes per op type (nodes the output depends on), sorted by op.</param>
/// <param name="FoldedNodes">Nodes evaluated at import (they depend only on constants and the fixed input size).</param>
/// <param name="OnnxNodes">Nodes in the ONNX graph.</param>
public sealed record TfjsGraphImportResult(
    byte[] Model,
    long ParameterCount,
    int Height,
    int Width,
    IReadOnlyList<int> OutputShape,
    IReadOnlyDictionary<string, int> Census,
    int FoldedNodes,
    int OnnxNodes)
{
    /// <summary>The census as one line: <c>Op×count, …</c>.</summary>
    public string CensusText => TfjsGraphImporter.FormatCensus(Census);
}

/// <summary>
/// Converts a TensorFlow.js <em>graph</em> model (<c>format: graph-model</c>: a GraphDef as JSON in
/// <c>modelTopology.node</c>, weights in <c>weightsManifest</c> shards, one input and one output named by
/// <c>signature</c>) to ONNX for one fixed input size:
/// <list type="bullet">
/// <item>The input placeholder (NHWC, unknown batch/height/width) is fixed to <c>[1, Height, Width, C]</c>; the
/// ONNX input is NCHW <c>[1, C, Height, Width]</c>, transposed to NHWC at the boundary, and the NHWC output
/// is transposed back to NCHW.</item>
/// <item>Every <c>Const</c> node takes its value from the weight of the same name (float32 or int32). Every
/// node whose inputs are all constants — weight arithmetic and the shape arithmetic of the graph, which
/// depends only on the input size — is evaluated at import (constant folding), so the ONNX graph holds
/// only the computation on pixel values.</item>
/// <item>The graph stays NHWC; Conv2D / Conv2DBackpropInput are wrapped in NHWC↔NCHW transposes
/// (see <see cref="TfGraphConverter"/> for each op's mapping).</item>
/// </list>
/// Before anything is converted the op census of the nodes the output depends on is checked: an op
/// outside <see cref="SupportedOps"/> is refused with an error naming the op and a node using it.
/// </summary>
public static class TfjsGraphImporter
{
    /// <summary>Format name used by the catalog and the CLI.</summary>
    public const string Format = "tfjs-graph";

    /// <summary>TensorFlow ops the importer converts, sorted.</summary>
    public static IReadOnlyList<string> SupportedOps => TfGraphConverter.SupportedOps;

    /// <summary>Counts the ops of the nodes the output depends on (no weights are read).</summary>
    /// <exception cref="ModelImportException">The file is missing or not a TensorFlow.js graph model.</exception>
    public static IReadOnlyDictionary<string, int> Census(string modelJsonPath)
    {
        var path = ResolvePath(modelJsonPath);
        using var document = Read(path);
        return Guard(path, () =>
        {
            var graph = Parse(document.RootElement, path);
            return CountOps(graph.Order);
        });
    }

    /// <summary>Imports <paramref name="modelJsonPath"/> (or a folder holding <c>model.json</c>) for the input size in <paramref name="options"/>.</summary>
    /// <exception cref="ModelImportException">
    /// The file is not a TensorFlow.js graph model; an op is not supported (named with a node); a weight shard is
    /// missing or shorter than the manifest says; a Const has no weight; an attribute or shape is inconsistent.
    /// One line naming the file and, where it applies, the node.
    /// </exception>
    public static TfjsGraphImportResult Import(string modelJsonPath, TfjsGraphImportOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.Height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.Width);
        var path = ResolvePath(modelJsonPath);
        using var document = Read(path);
        return Guard(path, () => Convert(document.RootElement, path, options));
    }

    /// <summary>A census as one line, <c>Op×count</c> sorted by op.</summary>
    public static string FormatCensus(IReadOnlyDictionary<string, int> census)
    {
        ArgumentNullException.ThrowIfNull(census);
        var parts = new List<string>();
        foreach (var (op, count) in census)
        {
            parts.Add($"{op}×{count}");
        }

        return string.Join(", ", parts);
    }

    private static string ResolvePath(string modelJsonPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelJsonPath);
        return Directory.Exists(modelJsonPath) ? Path.Combine(modelJsonPath, "model.json") : modelJsonPath;
    }

    private static JsonDocument Read(string path)
    {
        try
        {
            var bytes = File.ReadAllBytes(path);
            var bom = bytes.AsSpan().StartsWith("\uFEFF"u8) ? 3 : 0;
            return JsonDocument.Parse(bytes.AsMemory(bom), new JsonDocumentOptions { MaxDepth = 256 });
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModelImportException($"{path}: cannot read the file ({e.Message})", e);
        }
        catch (JsonException e)
        {
            throw new ModelImportException($"{path}: not a TensorFlow.js model.json (invalid JSON: {e.Message})", e);
        }
    }

    private static T Guard<T>(string path, Func<T> action)
    {
        try
        {
            return action();
        }
        catch (ModelImportException e) when (!e.Message.StartsWith(path, StringComparison.Ordinal))
        {
            throw new ModelImportException($"{path}: {e.Message}", e);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or KeyNotFoundException or OverflowException)
        {
            // JsonElement accessors throw these for a value of the wrong JSON kind.
            throw new ModelImportException($"{path}: malformed model.json ({e.Message})", e);
        }
    }

    private sealed record ParsedGraph(IReadOnlyList<TfNode> Order, TfNode Input, TfNode Output);

    private static ParsedGraph Parse(JsonElement root, string source)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("modelTopology", out var topology) || topology.ValueKind != JsonValueKind.Object)
        {
            throw new ModelImportException($"{source}: not a TensorFlow.js model (no 'modelTopology' object)");
        }

        if (root.TryGetProperty("format", out var format) && format.GetString() is { } f && f != "graph-model")
        {
            throw new ModelImportException($"{source}: format '{f}' is not a TensorFlow.js 'graph-model'{(f == "layers-model" ? " (use the tfjs-layers importer)" : "")}");
        }

        if (!topology.TryGetProperty("node", out var nodesJson) || nodesJson.ValueKind != JsonValueKind.Array)
        {
            throw new ModelImportException($"{source}: not a TensorFlow.js graph model (no 'modelTopology.node' list)");
        }

        var nodes = new Dictionary<string, TfNode>(StringComparer.Ordinal);
        foreach (var json in nodesJson.EnumerateArray())
        {
            var node = new TfNode(json, source);
            if (!nodes.TryAdd(node.Name, node))
            {
                throw new ModelImportException($"{source}: node name '{node.Name}' appears twice");
            }
        }

        var (inputName, outputName) = Signature(root, nodes, source);
        var input = nodes.TryGetValue(inputName, out var i) ? i : throw new ModelImportException($"{source}: the signature's input '{inputName}' is not a node");
        var output = nodes.TryGetValue(outputName, out var o) ? o : throw new ModelImportException($"{source}: the signature's output '{outputName}' is not a node");
        if (input.Op != "Placeholder")
        {
            throw new ModelImportException($"{source}: the signature's input '{inputName}' is a {input.Op}, not a Placeholder");
        }

        return new ParsedGraph(TopologicalOrder(output, nodes, source), input, output);
    }

    /// <summary>The single input and output of <c>signature</c> (tensor names <c>node:0</c>); without a signature, the single Placeholder and the node named Identity.</summary>
    private static (string Input, string Output) Signature(JsonElement root, Dictionary<string, TfNode> nodes, string source)
    {
        static string Single(JsonElement signature, string key, string source)
        {
            if (!signature.TryGetProperty(key, out var map) || map.ValueKind != JsonValueKind.Object)
            {
                throw new ModelImportException($"{source}: the signature has no '{key}'");
            }

            var names = new List<string>();
            foreach (var entry in map.EnumerateObject())
            {
                var name = entry.Value.TryGetProperty("name", out var n) ? n.GetString() ?? entry.Name : entry.Name;
                names.Add(name.Split(':')[0]);
            }

            return names.Count == 1 ? names[0] : throw new ModelImportException($"{source}: the signature has {names.Count} {key} (supported: exactly one image {key[..^1]})");
        }

        if (root.TryGetProperty("signature", out var signature) && signature.ValueKind == JsonValueKind.Object)
        {
            return (Single(signature, "inputs", source), Single(signature, "outputs", source));
        }

        var placeholders = nodes.Values.Where(n => n.Op == "Placeholder").ToList();
        if (placeholders.Count != 1 || !nodes.ContainsKey("Identity"))
        {
            throw new ModelImportException($"{source}: no 'signature', and the graph does not have exactly one Placeholder and a node named Identity");
        }

        return (placeholders[0].Name, "Identity");
    }

    /// <summary>Nodes the output depends on, inputs before users (iterative depth-first search; the graphs are deep).</summary>
    private static List<TfNode> TopologicalOrder(TfNode output, Dictionary<string, TfNode> nodes, string source)
    {
        var order = new List<TfNode>();
        var state = new Dictionary<string, int>(StringComparer.Ordinal); // 1 = on the stack, 2 = done
        var stack = new Stack<(TfNode Node, int Next)>();
        stack.Push((output, 0));
        state[output.Name] = 1;
        while (stack.Count > 0)
        {
            var (node, next) = stack.Pop();
            if (next < node.Inputs.Count)
            {
                stack.Push((node, next + 1));
                var name = node.Inputs[next];
                if (!nodes.TryGetValue(name, out var input))
                {
                    throw new ModelImportException($"{source}: node '{node.Name}' ({node.Op}) reads '{name}', which is not a node of the graph");
                }

                state.TryGetValue(name, out var s);
                if (s == 1)
                {
                    throw new ModelImportException($"{source}: the graph has a cycle through node '{name}'");
                }

                if (s == 0)
                {
                    state[name] = 1;
                    stack.Push((input, 0));
                }

                continue;
            }

            state[node.Name] = 2;
            order.Add(node);
        }

        return order;
    }

    private static SortedDictionary<string, int> CountOps(IReadOnlyList<TfNode> order)
    {
        var census = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var node in order)
        {
            census[node.Op] = census.GetValueOrDefault(node.Op) + 1;
        }

        return census;
    }

    private static void CheckOps(IReadOnlyList<TfNode> order, string source)
    {
        var supported = new HashSet<string>(SupportedOps, StringComparer.Ordinal);
        var unknown = new SortedDictionary<string, TfNode>(StringComparer.Ordinal);
        foreach (var node in order)
        {
            if (!supported.Contains(node.Op))
            {
                unknown.TryAdd(node.Op, node);
            }
        }

        if (unknown.Count > 0)
        {
            var list = string.Join("; ", unknown.Select(u => $"op '{u.Key}' (node '{u.Value.Name}')"));
            throw new ModelImportException($"{source}: unsupported {list} (supported ops: {string.Join(", ", SupportedOps)})");
        }
    }

    private static TfjsGraphImportResult Convert(JsonElement root, string source, TfjsGraphImportOptions options)
    {
        var graph = Parse(root, source);
        var census = CountOps(graph.Order);
        CheckOps(graph.Order, source);
        if (!root.TryGetProperty("weightsManifest", out var manifest))
        {
            throw new ModelImportException($"{source}: no 'weightsManifest'");
        }

        var weights = TfjsWeights.Load(manifest, Path.GetDirectoryName(Path.GetFullPath(source))!, source, allowInt32: true);
        long parameters = 0;
        foreach (var w in weights.Values)
        {
            parameters += w.Int32Data is null ? w.Data.Length : 0;
        }

        var graphName = options.GraphName ?? Path.GetFileName(Path.GetDirectoryName(Path.GetFullPath(source))) ?? "model";
        var builder = new OnnxGraphBuilder(graphName.Length > 0 ? graphName : "model", options.Opset);
        var converter = new TfGraphConverter(builder, source);
        var values = new Dictionary<string, TfValue>(StringComparer.Ordinal);
        var remainingUses = CountUses(graph.Order);
        var channels = 0;
        foreach (var node in graph.Order)
        {
            TfValue value;
            if (node.Op == "Const")
            {
                value = ConstValue(node, weights, source);
            }
            else if (node.Op == "Placeholder")
            {
                if (node != graph.Input)
                {
                    throw new ModelImportException($"{source}: Placeholder '{node.Name}' is not the signature's input; only one input is supported");
                }

                (value, channels) = Input(node, builder, options, source);
            }
            else
            {
                var inputs = new TfValue[node.Inputs.Count];
                for (var i = 0; i < inputs.Length; i++)
                {
                    inputs[i] = values[node.Inputs[i]];
                }

                value = converter.Convert(node, inputs);
            }

            values[node.Name] = value;
            foreach (var input in node.Inputs)
            {
                // Drop folded intermediates as soon as their last user is converted (weights are large).
                if (--remainingUses[input] == 0 && input != graph.Output.Name)
                {
                    values.Remove(input);
                }
            }
        }

        var output = values[graph.Output.Name];
        if (output.Type != TfType.Float || output.Shape.Length != 4 || output.IsConst)
        {
            throw new ModelImportException($"{source}: the output '{graph.Output.Name}' is {output}; expected a float32 NHWC image computed from the input");
        }

        var nchw = builder.Transpose(converter.Onnx(output), 0, 3, 1, 2);
        int[] outputShape = [output.Shape[0], output.Shape[3], output.Shape[1], output.Shape[2]];
        builder.AddOutput(nchw, options.OutputName, TensorElementType.Float, outputShape[0], outputShape[1], outputShape[2], outputShape[3]);
        builder.SetMetadata("restorebench.importer", Format);
        builder.SetMetadata("restorebench.layout", "NCHW");
        builder.SetMetadata("restorebench.input_size", $"{options.Height}x{options.Width}");
        builder.SetMetadata("restorebench.input_channels", channels.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (root.TryGetProperty("convertedBy", out var convertedBy) && convertedBy.GetString() is { } c)
        {
            builder.SetMetadata("tfjs.converted_by", c);
        }

        if (options.Metadata is not null)
        {
            foreach (var (key, value) in options.Metadata)
            {
                builder.SetMetadata(key, value);
            }
        }

        builder.Description = $"Converted by RestoreBench from a TensorFlow.js graph model ({graph.Order.Count} nodes, {converter.FoldedNodes} folded) for a {options.Height}x{options.Width} input.";
        return new TfjsGraphImportResult(builder.ToBytes(), parameters, options.Height, options.Width, outputShape, census, converter.FoldedNodes, builder.NodeCount);
    }

    private static Dictionary<string, int> CountUses(IReadOnlyList<TfNode> order)
    {
        var uses = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var node in order)
        {
            uses.TryAdd(node.Name, 0);
            foreach (var input in node.Inputs)
            {
                uses[input] = uses.GetValueOrDefault(input) + 1;
            }
        }

        return uses;
    }

    private static TfValue ConstValue(TfNode node, Dictionary<string, TfjsWeight> weights, string source)
    {
        if (!weights.TryGetValue(node.Name, out var weight))
        {
            throw new ModelImportException($"{source}: Const node '{node.Name}' has no weight of that name in the weightsManifest");
        }

        var data = new double[TfShape.Count(weight.Shape)];
        if (weight.Int32Data is { } ints)
        {
            for (var i = 0; i < data.Length; i++)
            {
                data[i] = ints[i];
            }

            return TfValue.Const(node.Type("dtype") == TfType.Int64 ? TfType.Int64 : TfType.Int32, weight.Shape, data);
        }

        for (var i = 0; i < data.Length; i++)
        {
            data[i] = weight.Data[i];
        }

        var value = TfValue.Const(TfType.Float, weight.Shape, data);
        value.Learned = data.Length > 1;
        return value;
    }

    private static (TfValue Value, int Channels) Input(TfNode node, OnnxGraphBuilder builder, TfjsGraphImportOptions options, string source)
    {
        var shape = node.ShapeAttr("shape") ?? [-1, -1, -1, 3];
        if (shape.Length != 4 || shape[0] > 1 || (shape[1] >= 0 && shape[1] != options.Height) || (shape[2] >= 0 && shape[2] != options.Width) || shape[3] <= 0)
        {
            throw new ModelImportException($"{source}: input '{node.Name}' has shape [{string.Join(",", shape)}]; expected NHWC [-1|1, H|-1, W|-1, C] matching {options.Height}x{options.Width}");
        }

        if (node.Type("dtype") is { } t && t != TfType.Float)
        {
            throw new ModelImportException($"{source}: input '{node.Name}' is {t}, not float32");
        }

        var channels = shape[3];
        var onnxInput = builder.AddInput(options.InputName, TensorElementType.Float, 1, channels, options.Height, options.Width);
        var nhwc = builder.Transpose(onnxInput, 0, 2, 3, 1);
        return (TfValue.Computed(TfType.Float, [1, options.Height, options.Width, channels], nhwc), channels);
    }
}
