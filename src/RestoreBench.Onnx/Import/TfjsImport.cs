using RestoreBench.Onnx.Graph;

namespace RestoreBench.Onnx.Import;

/// <summary>Options of <see cref="TfjsLayersImporter.Import"/>.</summary>
public sealed record TfjsImportOptions
{
    /// <summary>Graph name (default: the Keras model name).</summary>
    public string? GraphName { get; init; }

    /// <summary>Name of the ONNX input (NCHW float32).</summary>
    public string InputName { get; init; } = "input";

    /// <summary>Name of the ONNX output (NCHW float32).</summary>
    public string OutputName { get; init; } = "output";

    /// <summary>ONNX opset of the default domain.</summary>
    public int Opset { get; init; } = OnnxGraphBuilder.DefaultOpset;

    /// <summary>Extra <c>metadata_props</c> written into the model (e.g. scale and value ranges).</summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }
}

/// <summary>The outcome of importing a TensorFlow.js layers model.</summary>
/// <param name="Model">The serialized ONNX model (NCHW float32 input and output).</param>
/// <param name="ParameterCount">Learned parameters (every weight of the manifest, each used exactly once).</param>
/// <param name="Scale">Spatial upscaling factor of the network (product of its UpSampling2D / PixelShuffle factors), or null when it is not an integer.</param>
/// <param name="InputChannels">Channels of the input.</param>
/// <param name="OutputChannels">Channels of the output.</param>
/// <param name="TopologyClass">Keras class of the model: Functional, Model or Sequential.</param>
/// <param name="LayerCounts">Number of layers per Keras class, sorted by class name.</param>
/// <param name="GeneratedBy">The model.json <c>generatedBy</c> field (e.g. <c>keras v2.10.0</c>), when present.</param>
public sealed record TfjsImportResult(
    byte[] Model,
    long ParameterCount,
    int? Scale,
    int InputChannels,
    int OutputChannels,
    string TopologyClass,
    IReadOnlyDictionary<string, int> LayerCounts,
    string? GeneratedBy);
