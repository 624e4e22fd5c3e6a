using System.Collections.ObjectModel;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using RestoreBench.Onnx.Proto;

namespace RestoreBench.Onnx.Runtime;

/// <summary>
/// An ONNX model with its ONNX Runtime session: inputs and outputs (names, element types, shapes with
/// symbolic dimensions), the parameter count read from the model file, metadata, and
/// <see cref="OrtValue"/>-based runs. <see cref="InferenceSession.Run(RunOptions, IReadOnlyCollection{string}, IReadOnlyCollection{OrtValue}, IReadOnlyCollection{string})"/>
/// is thread-safe, so one model may serve several callers. Dispose to free the native session.
/// </summary>
public sealed class OnnxModel : IDisposable
{
    private readonly InferenceSession _session;
    private readonly string[] _outputNames;
    private bool _disposed;

    private OnnxModel(InferenceSession session, string name, string source, ModelProto proto, OnnxSessionSettings settings)
    {
        _session = session;
        Name = name;
        Source = source;
        Settings = settings;
        Inputs = Describe(session.InputNames, session.InputMetadata);
        Outputs = Describe(session.OutputNames, session.OutputMetadata);
        _outputNames = [.. session.OutputNames];
        ParameterCount = CountParameters(proto.Graph);
        Opset = 0;
        foreach (var opset in proto.OpsetImport)
        {
            if (opset.Domain is "" or "ai.onnx")
            {
                Opset = opset.Version;
            }
        }

        var metadata = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in proto.MetadataProps)
        {
            metadata[entry.Key] = entry.Value;
        }

        Metadata = new ReadOnlyDictionary<string, string>(metadata);
        Producer = proto.ProducerName + (proto.HasProducerVersion ? " " + proto.ProducerVersion : "");
    }

    /// <summary>A short name: the file stem, or the name given for an in-memory model.</summary>
    public string Name { get; }

    /// <summary>The file path, or <c>&lt;memory&gt;</c>.</summary>
    public string Source { get; }

    /// <summary>The settings the session was created with.</summary>
    public OnnxSessionSettings Settings { get; }

    /// <summary>Graph inputs in declaration order (initializers are not listed).</summary>
    public IReadOnlyList<OnnxTensorInfo> Inputs { get; }

    /// <summary>Graph outputs in declaration order.</summary>
    public IReadOnlyList<OnnxTensorInfo> Outputs { get; }

    /// <summary>
    /// Learned parameters: the sum of the element counts of all initializers (dense and sparse, in the
    /// main graph and in subgraphs). Constants built with <c>Constant</c> nodes are not counted.
    /// </summary>
    public long ParameterCount { get; }

    /// <summary>The default-domain opset version the model imports (0 when it imports none).</summary>
    public long Opset { get; }

    /// <summary>Producer name and version recorded in the model.</summary>
    public string Producer { get; }

    /// <summary>The model's <c>metadata_props</c>, sorted by key.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>The underlying session, for I/O binding and other advanced uses.</summary>
    public InferenceSession Session => _session;

    /// <summary>Loads an ONNX file.</summary>
    /// <exception cref="OnnxModelException">The file is missing, not an ONNX model, or ONNX Runtime rejects it (one-line message).</exception>
    /// <exception cref="OnnxProviderUnavailableException">The requested execution provider is not installed.</exception>
    public static OnnxModel Load(string path, OnnxSessionSettings? settings = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        settings ??= OnnxSessionSettings.Default;
        if (Directory.Exists(path))
        {
            throw new OnnxModelException($"{path}: is a folder, not an ONNX model file");
        }

        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new OnnxModelException($"{path}: cannot read the model file ({e.Message})", e);
        }

        var proto = ParseModel(bytes, path);
        return new OnnxModel(CreateSession(path, () => OnnxSessionFactory.Create(path, settings)), Path.GetFileNameWithoutExtension(path), path, proto, settings);
    }

    /// <summary>Loads a serialized ONNX model held in memory (it must not use external data files).</summary>
    /// <param name="model">The serialized ModelProto.</param>
    /// <param name="name">A name for messages and tables.</param>
    /// <param name="settings">Session settings (default: all cores, CPU).</param>
    /// <exception cref="OnnxModelException">The bytes are not an ONNX model or ONNX Runtime rejects them.</exception>
    /// <exception cref="OnnxProviderUnavailableException">The requested execution provider is not installed.</exception>
    public static OnnxModel Load(byte[] model, string name = "model", OnnxSessionSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(name);
        settings ??= OnnxSessionSettings.Default;
        var proto = ParseModel(model, name);
        return new OnnxModel(CreateSession(name, () => OnnxSessionFactory.Create(model, settings)), name, "<memory>", proto, settings);
    }

    /// <summary>
    /// Runs the model. Inputs are matched by name; <paramref name="outputNames"/> defaults to all outputs
    /// in declaration order. The caller disposes the returned values (and its inputs).
    /// </summary>
    /// <exception cref="ArgumentException">An unknown input or output name, or inputs and names of different counts.</exception>
    /// <exception cref="OnnxModelException">ONNX Runtime fails (e.g. wrong shape or type); one line.</exception>
    public IDisposableReadOnlyCollection<OrtValue> Run(
        IReadOnlyList<string> inputNames,
        IReadOnlyList<OrtValue> inputs,
        IReadOnlyList<string>? outputNames = null,
        RunOptions? runOptions = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(inputNames);
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputNames.Count != inputs.Count)
        {
            throw new ArgumentException($"{inputNames.Count} input names but {inputs.Count} input values.", nameof(inputs));
        }

        foreach (var n in inputNames)
        {
            CheckName(n, Inputs, "input");
        }

        var outputs = outputNames ?? _outputNames;
        foreach (var n in outputs)
        {
            CheckName(n, Outputs, "output");
        }

        var ownOptions = runOptions is null ? new RunOptions() : null;
        try
        {
            return _session.Run(runOptions ?? ownOptions!, inputNames, inputs, outputs);
        }
        catch (OnnxRuntimeException e)
        {
            throw new OnnxModelException($"model '{Name}': run failed: {OneLine(e.Message)}", e);
        }
        finally
        {
            ownOptions?.Dispose();
        }
    }

    /// <summary>
    /// Runs the model into caller-owned output tensors (<paramref name="outputs"/>, one per name, of the
    /// exact shape and type the graph produces), so that repeated runs allocate nothing.
    /// </summary>
    /// <exception cref="ArgumentException">An unknown input or output name, or values and names of different counts.</exception>
    /// <exception cref="OnnxModelException">ONNX Runtime fails (e.g. an output of another shape or type); one line.</exception>
    public void Run(
        IReadOnlyList<string> inputNames,
        IReadOnlyList<OrtValue> inputs,
        IReadOnlyList<string> outputNames,
        IReadOnlyList<OrtValue> outputs,
        RunOptions runOptions)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(inputNames);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(outputNames);
        ArgumentNullException.ThrowIfNull(outputs);
        ArgumentNullException.ThrowIfNull(runOptions);
        if (inputNames.Count != inputs.Count || outputNames.Count != outputs.Count)
        {
            throw new ArgumentException($"{inputNames.Count} input names for {inputs.Count} values, {outputNames.Count} output names for {outputs.Count} values.", nameof(inputs));
        }

        foreach (var n in inputNames)
        {
            CheckName(n, Inputs, "input");
        }

        foreach (var n in outputNames)
        {
            CheckName(n, Outputs, "output");
        }

        try
        {
            _session.Run(runOptions, inputNames, inputs, outputNames, outputs);
        }
        catch (OnnxRuntimeException e)
        {
            throw new OnnxModelException($"model '{Name}': run failed: {OneLine(e.Message)}", e);
        }
    }

    /// <summary>
    /// Runs a model with one input and takes its first output; the caller disposes the result.
    /// </summary>
    /// <exception cref="InvalidOperationException">The model has more than one input.</exception>
    /// <exception cref="OnnxModelException">ONNX Runtime fails; one line.</exception>
    public OrtValue Run(OrtValue input, RunOptions? runOptions = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (Inputs.Count != 1)
        {
            throw new InvalidOperationException($"model '{Name}' has {Inputs.Count} inputs ({string.Join(", ", NamesOf(Inputs))}); name them.");
        }

        using var results = Run([Inputs[0].Name], [input], [Outputs[0].Name], runOptions);
        // Detach the single output from the collection so that disposing the collection keeps it alive.
        var list = (IList<OrtValue>)results;
        var output = list[0];
        list[0] = null!;
        return output;
    }

    /// <summary>A one-line description: name, inputs, outputs, parameters.</summary>
    public override string ToString() =>
        $"{Name}: inputs {string.Join(", ", Inputs)}; outputs {string.Join(", ", Outputs)}; {ParameterCount:N0} parameters";

    /// <summary>Releases the native session.</summary>
    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            _session.Dispose();
        }
    }

    /// <summary>
    /// Parses a ModelProto and checks that it looks like a model (an IR version, an opset import and a
    /// graph); anything else gets a one-line "not an ONNX model" error naming <paramref name="source"/>.
    /// </summary>
    internal static ModelProto ParseModel(byte[] bytes, string source)
    {
        if (bytes.Length == 0)
        {
            throw new OnnxModelException($"{source}: not an ONNX model (empty file)");
        }

        ModelProto proto;
        try
        {
            proto = ModelProto.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new OnnxModelException($"{source}: not an ONNX model (the bytes are not a protobuf ModelProto: {OneLine(e.Message)})", e);
        }

        if (proto.IrVersion <= 0 || proto.Graph is null || proto.OpsetImport.Count == 0)
        {
            var missing = proto.IrVersion <= 0 ? "no IR version" : proto.Graph is null ? "no graph" : "no opset import";
            throw new OnnxModelException($"{source}: not an ONNX model ({missing})");
        }

        return proto;
    }

    /// <summary>Sum of initializer element counts over a graph and its subgraphs.</summary>
    internal static long CountParameters(GraphProto? graph)
    {
        if (graph is null)
        {
            return 0;
        }

        long total = 0;
        foreach (var tensor in graph.Initializer)
        {
            total += ElementCount(tensor.Dims);
        }

        foreach (var sparse in graph.SparseInitializer)
        {
            total += sparse.Values is null ? 0 : ElementCount(sparse.Values.Dims);
        }

        foreach (var node in graph.Node)
        {
            foreach (var attribute in node.Attribute)
            {
                total += CountParameters(attribute.G);
                foreach (var g in attribute.Graphs)
                {
                    total += CountParameters(g);
                }
            }
        }

        return total;
    }

    private static long ElementCount(IReadOnlyList<long> dims)
    {
        long n = 1;
        foreach (var d in dims)
        {
            n = checked(n * d);
        }

        return n;
    }

    private static InferenceSession CreateSession(string source, Func<InferenceSession> create)
    {
        try
        {
            return create();
        }
        catch (OnnxRuntimeException e)
        {
            throw new OnnxModelException($"{source}: ONNX Runtime cannot load the model: {OneLine(e.Message)}", e);
        }
    }

    private static OnnxTensorInfo[] Describe(IReadOnlyList<string> names, IReadOnlyDictionary<string, NodeMetadata> metadata)
    {
        var result = new OnnxTensorInfo[names.Count];
        for (var i = 0; i < names.Count; i++)
        {
            var m = metadata[names[i]];
            if (!m.IsTensor)
            {
                result[i] = new OnnxTensorInfo(names[i], false, TensorElementType.DataTypeMax, []);
                continue;
            }

            var dims = new OnnxDimension[m.Dimensions.Length];
            for (var d = 0; d < dims.Length; d++)
            {
                var symbol = d < m.SymbolicDimensions.Length && m.SymbolicDimensions[d].Length > 0 ? m.SymbolicDimensions[d] : null;
                dims[d] = m.Dimensions[d] >= 0 ? new OnnxDimension(m.Dimensions[d], null) : new OnnxDimension(-1, symbol);
            }

            result[i] = new OnnxTensorInfo(names[i], true, m.ElementDataType, dims);
        }

        return result;
    }

    private static void CheckName(string name, IReadOnlyList<OnnxTensorInfo> known, string kind)
    {
        foreach (var info in known)
        {
            if (info.Name == name)
            {
                return;
            }
        }

        throw new ArgumentException($"the model has no {kind} named '{name}' ({kind}s: {string.Join(", ", NamesOf(known))})", nameof(name));
    }

    private static List<string> NamesOf(IReadOnlyList<OnnxTensorInfo> infos)
    {
        var names = new List<string>(infos.Count);
        foreach (var i in infos)
        {
            names.Add(i.Name);
        }

        return names;
    }

    private static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();
}
