using System.Globalization;
using System.Reflection;
using System.Runtime.InteropServices;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime.Tensors;
using RestoreBench.Onnx.Proto;
using RestoreBench.Onnx.Runtime;

namespace RestoreBench.Onnx.Graph;

/// <summary>
/// Builds an ONNX model (a ModelProto serialized with Google.Protobuf) one node at a time. Values are
/// referred to by name; helper methods return the name of the value they create. Names generated
/// for values and nodes are deterministic (op type and a counter), so the same calls always produce
/// the same bytes. Used by the TensorFlow.js importer and by tests that need small models.
/// </summary>
/// <example>
/// <code>
/// var b = new OnnxGraphBuilder("double");
/// var x = b.AddInput("input", TensorElementType.Float, "batch", 3, "height", "width");
/// b.AddOutput(b.Mul(x, b.Constant(2f)), "output");
/// File.WriteAllBytes("double.onnx", b.ToBytes());
/// </code>
/// </example>
public sealed class OnnxGraphBuilder
{
    /// <summary>Default opset of the ONNX domain (supported by ONNX Runtime 1.31).</summary>
    public const int DefaultOpset = 17;

    /// <summary>IR version written into the model (matches opsets up to 17).</summary>
    public const long IrVersion = 8;

    private readonly GraphProto _graph;
    private readonly HashSet<string> _defined = new(StringComparer.Ordinal);
    private readonly HashSet<string> _nodeNames = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, string> _metadata = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _counters = new(StringComparer.Ordinal);

    /// <summary>Starts an empty graph.</summary>
    /// <param name="graphName">The graph's name.</param>
    /// <param name="opset">Opset version of the default ONNX domain (13 or newer: Resize, DepthToSpace and Clip use their opset-13 forms).</param>
    public OnnxGraphBuilder(string graphName = "graph", int opset = DefaultOpset)
    {
        ArgumentException.ThrowIfNullOrEmpty(graphName);
        ArgumentOutOfRangeException.ThrowIfLessThan(opset, 13);
        _graph = new GraphProto { Name = graphName };
        Opset = opset;
    }

    /// <summary>Opset version of the default domain.</summary>
    public int Opset { get; }

    /// <summary>Producer name written into the model (default: RestoreBench).</summary>
    public string ProducerName { get; set; } = "RestoreBench";

    /// <summary>Producer version written into the model (default: the RestoreBench.Onnx assembly version).</summary>
    public string ProducerVersion { get; set; } =
        typeof(OnnxGraphBuilder).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    /// <summary>A free-text description stored in the model's doc string.</summary>
    public string? Description { get; set; }

    /// <summary>Number of nodes added so far.</summary>
    public int NodeCount => _graph.Node.Count;

    /// <summary>Sum of the element counts of the initializers added so far (the model's parameter count).</summary>
    public long ParameterCount { get; private set; }

    /// <summary>Declares a graph input. Dimensions are sizes or symbolic names (see <see cref="OnnxDimension"/>).</summary>
    /// <returns><paramref name="name"/>.</returns>
    public string AddInput(string name, TensorElementType elementType, params OnnxDimension[] shape)
    {
        Define(name);
        _graph.Input.Add(ValueInfo(name, elementType, shape));
        return name;
    }

    /// <summary>
    /// Declares <paramref name="value"/> as a graph output named <paramref name="name"/> (an Identity
    /// node renames it when the names differ). The shape may be omitted (ONNX Runtime infers it).
    /// </summary>
    /// <returns>The output name.</returns>
    public string AddOutput(string value, string name, TensorElementType elementType = TensorElementType.Float, params OnnxDimension[] shape)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        RequireDefined(value);
        var outputName = value;
        if (value != name)
        {
            outputName = Identity(value, name);
        }

        _graph.Output.Add(ValueInfo(outputName, elementType, shape));
        return outputName;
    }

    /// <summary>Adds a float32 initializer (a learned parameter, counted by <see cref="ParameterCount"/>).</summary>
    /// <returns><paramref name="name"/>.</returns>
    public string AddInitializer(string name, ReadOnlySpan<float> data, params long[] dims)
    {
        Define(name);
        _graph.Initializer.Add(Tensor(name, TensorElementType.Float, MemoryMarshal.AsBytes(data), data.Length, dims));
        ParameterCount += data.Length;
        return name;
    }

    /// <summary>Adds an int64 initializer (counted by <see cref="ParameterCount"/>).</summary>
    /// <returns><paramref name="name"/>.</returns>
    public string AddInitializer(string name, ReadOnlySpan<long> data, params long[] dims)
    {
        Define(name);
        _graph.Initializer.Add(Tensor(name, TensorElementType.Int64, MemoryMarshal.AsBytes(data), data.Length, dims));
        ParameterCount += data.Length;
        return name;
    }

    /// <summary>A float32 constant made by a <c>Constant</c> node: not an initializer, not a parameter.</summary>
    /// <param name="values">The values, row-major.</param>
    /// <param name="dims">The shape; empty for a scalar.</param>
    public string Constant(ReadOnlySpan<float> values, params long[] dims) =>
        ConstantNode(Tensor("", TensorElementType.Float, MemoryMarshal.AsBytes(values), values.Length, dims));

    /// <summary>A float32 scalar constant.</summary>
    public string Constant(float value) => Constant([value]);

    /// <summary>An int64 constant made by a <c>Constant</c> node (e.g. shapes, axes).</summary>
    public string Constant(ReadOnlySpan<long> values, params long[] dims) =>
        ConstantNode(Tensor("", TensorElementType.Int64, MemoryMarshal.AsBytes(values), values.Length, dims));

    /// <summary>
    /// Adds a node of any ONNX operator. An empty string in <paramref name="inputs"/> marks an omitted
    /// optional input. Returns the output names (generated unless given in <paramref name="outputs"/>).
    /// </summary>
    /// <exception cref="ArgumentException">An input is not defined yet, or an output name is already used.</exception>
    public IReadOnlyList<string> AddNode(string opType, IReadOnlyList<string> inputs, IReadOnlyList<OnnxAttr>? attributes = null, int outputCount = 1, IReadOnlyList<string>? outputs = null, string? name = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(opType);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outputCount);
        if (outputs is not null && outputs.Count != outputCount)
        {
            throw new ArgumentException($"{outputs.Count} output names for {outputCount} outputs.", nameof(outputs));
        }

        foreach (var input in inputs)
        {
            if (input.Length > 0)
            {
                RequireDefined(input);
            }
        }

        var nodeName = name ?? Next(opType);
        if (!_nodeNames.Add(nodeName))
        {
            throw new ArgumentException($"node name '{nodeName}' is already used", nameof(name));
        }

        var node = new NodeProto { OpType = opType, Name = nodeName };
        node.Input.AddRange(inputs);
        var names = new string[outputCount];
        for (var i = 0; i < outputCount; i++)
        {
            names[i] = outputs?[i] ?? (outputCount == 1 ? nodeName + "_out" : $"{nodeName}_out{i}");
            Define(names[i]);
        }

        node.Output.AddRange(names);
        if (attributes is not null)
        {
            foreach (var a in attributes)
            {
                node.Attribute.Add(a.Proto);
            }
        }

        _graph.Node.Add(node);
        return names;
    }

    /// <summary>Adds a single-output node; returns its output name.</summary>
    public string Node(string opType, IReadOnlyList<string> inputs, params OnnxAttr[] attributes) =>
        AddNode(opType, inputs, attributes)[0];

    /// <summary>
    /// 2-D convolution (NCHW): <paramref name="weight"/> is <c>[out, in/group, kh, kw]</c>, <paramref name="bias"/>
    /// is <c>[out]</c> or null. <paramref name="pads"/> is <c>[top, left, bottom, right]</c> (default: none).
    /// </summary>
    public string Conv(string x, string weight, string? bias, long[]? pads = null, long[]? strides = null, long[]? dilations = null, long group = 1)
    {
        var attributes = new List<OnnxAttr>();
        if (pads is not null)
        {
            attributes.Add(OnnxAttr.List("pads", pads));
        }

        if (strides is not null)
        {
            attributes.Add(OnnxAttr.List("strides", strides));
        }

        if (dilations is not null)
        {
            attributes.Add(OnnxAttr.List("dilations", dilations));
        }

        if (group != 1)
        {
            attributes.Add(OnnxAttr.Scalar("group", group));
        }

        return AddNode("Conv", bias is null ? [x, weight] : [x, weight, bias], attributes)[0];
    }

    /// <summary>Rectified linear unit, max(x, 0).</summary>
    public string Relu(string x) => Node("Relu", [x]);

    /// <summary>Element-wise a + b (with broadcasting).</summary>
    public string Add(string a, string b) => Node("Add", [a, b]);

    /// <summary>Element-wise a − b.</summary>
    public string Sub(string a, string b) => Node("Sub", [a, b]);

    /// <summary>Element-wise a · b.</summary>
    public string Mul(string a, string b) => Node("Mul", [a, b]);

    /// <summary>Element-wise a / b.</summary>
    public string Div(string a, string b) => Node("Div", [a, b]);

    /// <summary>Element-wise sum of two or more tensors.</summary>
    public string Sum(params string[] inputs) => Node("Sum", inputs);

    /// <summary>Concatenation along <paramref name="axis"/> (1 = channels in NCHW).</summary>
    public string Concat(long axis, params string[] inputs) => Node("Concat", inputs, OnnxAttr.Scalar("axis", axis));

    /// <summary>
    /// Depth-to-space (pixel shuffle) with <paramref name="blockSize"/>; mode <c>DCR</c> (TensorFlow's
    /// <c>depth_to_space</c> order) or <c>CRD</c> (PyTorch's <c>PixelShuffle</c> order).
    /// </summary>
    public string DepthToSpace(string x, long blockSize, string mode = "DCR")
    {
        if (mode is not ("DCR" or "CRD"))
        {
            throw new ArgumentException($"DepthToSpace mode '{mode}' is not DCR or CRD", nameof(mode));
        }

        return Node("DepthToSpace", [x], OnnxAttr.Scalar("blocksize", blockSize), OnnxAttr.Text("mode", mode));
    }

    /// <summary>
    /// Nearest-neighbour upsampling of an NCHW tensor by integer factors (each output pixel copies
    /// input pixel ⌊y/sh⌋, ⌊x/sw⌋), as Keras <c>UpSampling2D(interpolation="nearest")</c>.
    /// </summary>
    public string ResizeNearest(string x, long scaleH, long scaleW)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(scaleH);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(scaleW);
        var scales = Constant([1f, 1f, scaleH, scaleW], 4);
        return Node("Resize", [x, "", scales],
            OnnxAttr.Text("mode", "nearest"),
            OnnxAttr.Text("coordinate_transformation_mode", "asymmetric"),
            OnnxAttr.Text("nearest_mode", "floor"));
    }

    /// <summary>Identity (optionally naming its output).</summary>
    public string Identity(string x, string? outputName = null) =>
        AddNode("Identity", [x], outputs: outputName is null ? null : [outputName])[0];

    /// <summary>Axis permutation.</summary>
    public string Transpose(string x, params long[] perm) => Node("Transpose", [x], OnnxAttr.List("perm", perm));

    /// <summary>Clamps to [min, max].</summary>
    public string Clip(string x, float min, float max) => Node("Clip", [x, Constant(min), Constant(max)]);

    /// <summary>Stores a key/value pair in the model's <c>metadata_props</c> (written sorted by key).</summary>
    public void SetMetadata(string key, string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(value);
        _metadata[key] = value;
    }

    /// <summary>Serializes the model.</summary>
    /// <exception cref="InvalidOperationException">The graph has no input or no output.</exception>
    public byte[] ToBytes()
    {
        if (_graph.Output.Count == 0)
        {
            throw new InvalidOperationException($"graph '{_graph.Name}' has no output; call AddOutput.");
        }

        var model = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = ProducerName,
            ProducerVersion = ProducerVersion,
            Graph = _graph,
        };
        if (Description is not null)
        {
            model.DocString = Description;
        }

        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
        foreach (var (key, value) in _metadata)
        {
            model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        }

        return model.ToByteArray();
    }

    /// <summary>Writes the model to <paramref name="path"/>.</summary>
    public void Save(string path) => File.WriteAllBytes(path, ToBytes());

    private string ConstantNode(TensorProto value) => AddNode("Constant", [], [OnnxAttr.Tensor("value", value)])[0];

    private string Next(string prefix)
    {
        _counters.TryGetValue(prefix, out var n);
        string name;
        do
        {
            n++;
            name = string.Create(CultureInfo.InvariantCulture, $"{prefix}_{n}");
        }
        while (_nodeNames.Contains(name) || _defined.Contains(name + "_out"));

        _counters[prefix] = n;
        return name;
    }

    private void Define(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (!_defined.Add(name))
        {
            throw new ArgumentException($"value name '{name}' is already defined in graph '{_graph.Name}'", nameof(name));
        }
    }

    private void RequireDefined(string name)
    {
        if (!_defined.Contains(name))
        {
            throw new ArgumentException($"value '{name}' is not defined in graph '{_graph.Name}' (add it as an input, initializer or node output first)", nameof(name));
        }
    }

    private static TensorProto Tensor(string name, TensorElementType type, ReadOnlySpan<byte> bytes, int count, long[] dims)
    {
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("ONNX raw tensor data is little-endian; this machine is big-endian.");
        }

        long expected = 1;
        foreach (var d in dims)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(d);
            expected = checked(expected * d);
        }

        if (expected != count)
        {
            throw new ArgumentException($"tensor '{name}': shape [{string.Join(",", dims)}] holds {expected} values, got {count}", nameof(dims));
        }

        var tensor = new TensorProto { DataType = (int)type, RawData = ByteString.CopyFrom(bytes) };
        if (name.Length > 0)
        {
            tensor.Name = name;
        }

        tensor.Dims.AddRange(dims);
        return tensor;
    }

    private static ValueInfoProto ValueInfo(string name, TensorElementType type, OnnxDimension[] shape)
    {
        var tensorType = new TypeProto.Types.Tensor { ElemType = (int)type };
        if (shape.Length > 0)
        {
            tensorType.Shape = new TensorShapeProto();
            foreach (var d in shape)
            {
                tensorType.Shape.Dim.Add(d.IsDynamic
                    ? (d.Symbol is null ? new TensorShapeProto.Types.Dimension() : new TensorShapeProto.Types.Dimension { DimParam = d.Symbol })
                    : new TensorShapeProto.Types.Dimension { DimValue = d.Value });
            }
        }

        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = tensorType } };
    }
}
