using RestoreBench.Onnx.Weights;

namespace RestoreBench.Metrics.Learned;

/// <summary>The LPIPS backbone family; it fixes the channel counts and the linear layers.</summary>
public enum LpipsNet
{
    /// <summary>AlexNet relu1–relu5: 64, 192, 384, 256, 256 channels.</summary>
    Alex,

    /// <summary>VGG16 relu1_2, relu2_2, relu3_3, relu4_3, relu5_3: 64, 128, 256, 512, 512 channels.</summary>
    Vgg,
}

/// <summary>
/// The five LPIPS linear calibration layers (1x1 convolutions without bias, one non-negative weight
/// per channel). The official v0.1 weights of both backbones are embedded in this assembly
/// (BSD-2-Clause, see <c>Learned/Models/NOTICE.md</c>); others can be read from a
/// <c>.safetensors</c> file with the keys <c>lin0.model.1.weight</c> … <c>lin4.model.1.weight</c>,
/// each of shape [1, C, 1, 1].
/// </summary>
public sealed class LpipsLinearLayers
{
    private static readonly Lazy<LpipsLinearLayers> AlexV01 = new(() => FromResource(LpipsNet.Alex, "RestoreBench.Metrics.Learned.lpips_alex_v0.1.safetensors"));
    private static readonly Lazy<LpipsLinearLayers> VggV01 = new(() => FromResource(LpipsNet.Vgg, "RestoreBench.Metrics.Learned.lpips_vgg_v0.1.safetensors"));

    private readonly double[][] _weights;

    private LpipsLinearLayers(LpipsNet net, string source, double[][] weights)
    {
        Net = net;
        Source = source;
        _weights = weights;
    }

    /// <summary>The backbone family these layers belong to.</summary>
    public LpipsNet Net { get; }

    /// <summary>Where the weights came from (resource or file name).</summary>
    public string Source { get; }

    /// <summary>Number of layers (always 5).</summary>
    public int Count => _weights.Length;

    /// <summary>The per-channel weights of layer <paramref name="k"/> (0–4), as float64.</summary>
    public ReadOnlySpan<double> Weights(int k) => _weights[k];

    /// <summary>Channel counts of the five feature maps of <paramref name="net"/>.</summary>
    public static IReadOnlyList<int> ChannelsOf(LpipsNet net) => net switch
    {
        LpipsNet.Alex => [64, 192, 384, 256, 256],
        LpipsNet.Vgg => [64, 128, 256, 512, 512],
        _ => throw new ArgumentOutOfRangeException(nameof(net), net, "Accepted: Alex, Vgg."),
    };

    /// <summary>The official LPIPS v0.1 linear layers of <paramref name="net"/> (embedded resource).</summary>
    public static LpipsLinearLayers Official(LpipsNet net) => net switch
    {
        LpipsNet.Alex => AlexV01.Value,
        LpipsNet.Vgg => VggV01.Value,
        _ => throw new ArgumentOutOfRangeException(nameof(net), net, "Accepted: Alex, Vgg."),
    };

    /// <summary>Reads linear layers for <paramref name="net"/> from a <c>.safetensors</c> file.</summary>
    /// <exception cref="FormatException">The file is malformed, or a key is missing or has the wrong shape.</exception>
    public static LpipsLinearLayers FromSafeTensors(LpipsNet net, string path)
    {
        var tensors = SafeTensors.ReadFile(path);
        return FromTensors(net, tensors, path);
    }

    private static LpipsLinearLayers FromResource(LpipsNet net, string resource)
    {
        using var stream = typeof(LpipsLinearLayers).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"embedded resource '{resource}' is missing from RestoreBench.Metrics");
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return FromTensors(net, SafeTensors.Read(buffer.ToArray(), out _), resource);
    }

    private static LpipsLinearLayers FromTensors(LpipsNet net, IReadOnlyDictionary<string, SafeTensor> tensors, string source)
    {
        var channels = ChannelsOf(net);
        var weights = new double[channels.Count][];
        for (var k = 0; k < channels.Count; k++)
        {
            var key = $"lin{k}.model.1.weight";
            if (!tensors.TryGetValue(key, out var t))
            {
                throw new FormatException($"{source}: no tensor '{key}' (LPIPS linear layers are lin0..lin4.model.1.weight)");
            }

            if (t.Shape.Count != 4 || t.Shape[0] != 1 || t.Shape[1] != channels[k] || t.Shape[2] != 1 || t.Shape[3] != 1)
            {
                throw new FormatException($"{source}: '{key}' has shape [{string.Join(",", t.Shape)}]; the {net} variant needs [1,{channels[k]},1,1]");
            }

            weights[k] = new double[channels[k]];
            for (var c = 0; c < channels[k]; c++)
            {
                weights[k][c] = t.Values[c];
            }
        }

        return new LpipsLinearLayers(net, source, weights);
    }
}
