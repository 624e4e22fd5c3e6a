using System.Globalization;
using Microsoft.ML.OnnxRuntime.Tensors;
using RestoreBench.Onnx.Graph;
using RestoreBench.Onnx.Weights;

namespace RestoreBench.Onnx.Import;

/// <summary>The ONNX encoder and decoder of a TAESD-family autoencoder.</summary>
/// <param name="Variant">The variant they implement.</param>
/// <param name="Encoder">Serialized encoder: input <c>image</c> [N, 3, H, W] RGB in [0, 1] → output <c>latent</c> [N, C, ⌈H/8⌉, ⌈W/8⌉].</param>
/// <param name="Decoder">Serialized decoder: input <c>latent</c> [N, C, h, w] → output <c>image</c> [N, 3, 8h, 8w] RGB clamped to [0, 1].</param>
/// <param name="EncoderParameters">Learned parameters of the encoder.</param>
/// <param name="DecoderParameters">Learned parameters of the decoder.</param>
public sealed record TaesdModels(TaesdVariant Variant, byte[] Encoder, byte[] Decoder, long EncoderParameters, long DecoderParameters);

/// <summary>
/// Builds the ONNX graphs of the TAESD tiny autoencoders (Eq. 5 of the paper: the perceptual compression
/// E/D of a latent diffusion model, x̃ = D(E(x))) from the PyTorch weights saved as <c>.safetensors</c>
/// (state_dict keys unchanged, e.g. <c>3.conv.0.weight</c>; F16/F32/BF16 are widened to float32).
/// <para>
/// Layers (index = position in the PyTorch <c>nn.Sequential</c>, which names the weights): conv = 3x3
/// convolution, padding 1; Block = conv-ReLU-conv-ReLU-conv plus identity skip, then ReLU; a mid block
/// first adds pool(x) to x (see <see cref="TaesdVariant.MidBlockGroupNorm"/>).
/// Encoder: 0 conv(3→64), 1 Block, 2 conv(stride 2, no bias), 3–5 Block, 6 conv(stride 2, no bias),
/// 7–9 Block, 10 conv(stride 2, no bias), 11–13 (mid) Block, 14 conv(64→C).
/// Decoder: 0 tanh(x/3)·3, 1 conv(C→64), 2 ReLU, 3–5 (mid) Block, 6 nearest ×2, 7 conv(no bias), 8–10 Block,
/// 11 ×2, 12 conv, 13–15 Block, 16 ×2, 17 conv, 18 Block, 19 conv(64→3); the output is clamped to [0, 1].
/// </para>
/// <para>
/// The latents are used as they are: scaling factor 1.0 and shift 0 (recorded in the ONNX metadata as
/// <c>restorebench.vae.scaling_factor</c> and <c>restorebench.vae.shift_factor</c>).
/// </para>
/// </summary>
public static class TaesdImporter
{
    /// <summary>Latent scaling factor of the tiny autoencoders (latents are used unscaled).</summary>
    public const double ScalingFactor = 1.0;

    /// <summary>Latent shift of the tiny autoencoders.</summary>
    public const double ShiftFactor = 0.0;

    /// <summary>Spatial downscaling between image and latent.</summary>
    public const int Downscale = 8;

    /// <summary>Name of the image input of the encoder and of the image output of the decoder.</summary>
    public const string ImageName = "image";

    /// <summary>Name of the latent output of the encoder and of the latent input of the decoder.</summary>
    public const string LatentName = "latent";

    private const int Width = 64;

    /// <summary>
    /// Reads <c>VARIANT_encoder.safetensors</c> and <c>VARIANT_decoder.safetensors</c> from
    /// <paramref name="directory"/> and builds both graphs.
    /// </summary>
    /// <exception cref="ModelImportException">A file is missing or malformed, or weight keys are missing, unexpected or of the wrong shape (one message listing them all).</exception>
    public static TaesdModels ImportDirectory(string directory, TaesdVariant variant)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentNullException.ThrowIfNull(variant);
        if (!Directory.Exists(directory))
        {
            throw new ModelImportException($"{directory}: folder not found");
        }

        var encoder = Path.Combine(directory, variant.EncoderFileName);
        var decoder = Path.Combine(directory, variant.DecoderFileName);
        var absent = new List<string>();
        foreach (var file in new[] { encoder, decoder })
        {
            if (!File.Exists(file))
            {
                absent.Add(Path.GetFileName(file));
            }
        }

        if (absent.Count > 0)
        {
            var present = Directory.GetFiles(directory, "*.safetensors");
            Array.Sort(present, StringComparer.Ordinal);
            var names = present.Length == 0 ? "none" : string.Join(", ", Array.ConvertAll(present, p => Path.GetFileName(p)));
            throw new ModelImportException($"{directory}: {string.Join(" and ", absent)} not found for variant {variant.Name} (.safetensors files there: {names})");
        }

        return Import(encoder, decoder, variant);
    }

    /// <summary>Builds both graphs from the encoder and decoder weight files.</summary>
    /// <exception cref="ModelImportException">A file cannot be read or its weights do not fit <paramref name="variant"/>.</exception>
    public static TaesdModels Import(string encoderPath, string decoderPath, TaesdVariant variant)
    {
        ArgumentNullException.ThrowIfNull(variant);
        var encoder = BuildEncoder(Read(encoderPath), variant, encoderPath, out var encoderParameters);
        var decoder = BuildDecoder(Read(decoderPath), variant, decoderPath, out var decoderParameters);
        return new TaesdModels(variant, encoder, decoder, encoderParameters, decoderParameters);
    }

    /// <summary>Builds the encoder graph from a state_dict.</summary>
    /// <param name="weights">Tensors by state_dict key.</param>
    /// <param name="variant">The variant (latent channels, mid-block branch).</param>
    /// <param name="source">Where the weights came from (error messages, metadata).</param>
    /// <param name="parameterCount">Learned parameters of the graph.</param>
    /// <exception cref="ModelImportException">Missing, unexpected or mis-shaped keys (all listed in one message).</exception>
    public static byte[] BuildEncoder(IReadOnlyDictionary<string, SafeTensor> weights, TaesdVariant variant, string source, out long parameterCount)
    {
        ArgumentNullException.ThrowIfNull(variant);
        var plan = EncoderPlan(variant);
        Validate(weights, plan, variant, "encoder", source);
        var net = new Net(weights, $"{variant.Name}_encoder");
        var x = net.B.AddInput(ImageName, TensorElementType.Float, "batch", 3, "height", "width");
        x = net.Run(plan, x);
        net.B.AddOutput(x, LatentName, TensorElementType.Float, "batch", variant.LatentChannels, "latent_height", "latent_width");
        SetMetadata(net.B, variant, "encoder", source);
        net.B.Description = $"{variant.Name} encoder: RGB in [0, 1], NCHW -> latent [N, {variant.LatentChannels}, H/8, W/8] (scaling factor 1, shift 0)";
        parameterCount = net.B.ParameterCount;
        return net.B.ToBytes();
    }

    /// <summary>Builds the decoder graph from a state_dict (see <see cref="BuildEncoder"/>).</summary>
    /// <exception cref="ModelImportException">Missing, unexpected or mis-shaped keys (all listed in one message).</exception>
    public static byte[] BuildDecoder(IReadOnlyDictionary<string, SafeTensor> weights, TaesdVariant variant, string source, out long parameterCount)
    {
        ArgumentNullException.ThrowIfNull(variant);
        var plan = DecoderPlan(variant);
        Validate(weights, plan, variant, "decoder", source);
        var net = new Net(weights, $"{variant.Name}_decoder");
        var x = net.B.AddInput(LatentName, TensorElementType.Float, "batch", variant.LatentChannels, "latent_height", "latent_width");
        x = net.Run(plan, x);
        x = net.B.Clip(x, 0f, 1f);
        net.B.AddOutput(x, ImageName, TensorElementType.Float, "batch", 3, "height", "width");
        SetMetadata(net.B, variant, "decoder", source);
        net.B.Description = $"{variant.Name} decoder: latent [N, {variant.LatentChannels}, h, w] -> RGB [N, 3, 8h, 8w] clamped to [0, 1]";
        parameterCount = net.B.ParameterCount;
        return net.B.ToBytes();
    }

    /// <summary>Every state_dict key (with its shape) the encoder of <paramref name="variant"/> needs, in layer order.</summary>
    public static IReadOnlyList<KeyValuePair<string, long[]>> EncoderKeys(TaesdVariant variant) => Keys(EncoderPlan(variant));

    /// <summary>Every state_dict key (with its shape) the decoder of <paramref name="variant"/> needs, in layer order.</summary>
    public static IReadOnlyList<KeyValuePair<string, long[]>> DecoderKeys(TaesdVariant variant) => Keys(DecoderPlan(variant));

    private static IReadOnlyDictionary<string, SafeTensor> Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        try
        {
            return SafeTensors.ReadFile(path);
        }
        catch (FormatException e)
        {
            throw new ModelImportException(e.Message, e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModelImportException($"{path}: cannot read the file ({e.Message})", e);
        }
    }

    private static List<Step> EncoderPlan(TaesdVariant v)
    {
        var gn = v.MidBlockGroupNorm;
        return
        [
            new Conv(0, 3, Width, 1, true), new Block(1, false),
            new Conv(2, Width, Width, 2, false), new Block(3, false), new Block(4, false), new Block(5, false),
            new Conv(6, Width, Width, 2, false), new Block(7, false), new Block(8, false), new Block(9, false),
            new Conv(10, Width, Width, 2, false), new Block(11, gn), new Block(12, gn), new Block(13, gn),
            new Conv(14, Width, v.LatentChannels, 1, true),
        ];
    }

    private static List<Step> DecoderPlan(TaesdVariant v)
    {
        var gn = v.MidBlockGroupNorm;
        return
        [
            new LatentClamp(), new Conv(1, v.LatentChannels, Width, 1, true), new Relu(),
            new Block(3, gn), new Block(4, gn), new Block(5, gn),
            new Upsample(), new Conv(7, Width, Width, 1, false), new Block(8, false), new Block(9, false), new Block(10, false),
            new Upsample(), new Conv(12, Width, Width, 1, false), new Block(13, false), new Block(14, false), new Block(15, false),
            new Upsample(), new Conv(17, Width, Width, 1, false), new Block(18, false),
            new Conv(19, Width, 3, 1, true),
        ];
    }

    private static List<KeyValuePair<string, long[]>> Keys(List<Step> plan)
    {
        var keys = new List<KeyValuePair<string, long[]>>();
        void Add(string key, params long[] shape) => keys.Add(new(key, shape));
        foreach (var step in plan)
        {
            switch (step)
            {
                case Conv c:
                    Add($"{c.Index}.weight", c.Out, c.In, 3, 3);
                    if (c.Bias)
                    {
                        Add($"{c.Index}.bias", c.Out);
                    }

                    break;
                case Block k:
                    foreach (var i in (int[])[0, 2, 4])
                    {
                        Add($"{k.Index}.conv.{i}.weight", Width, Width, 3, 3);
                        Add($"{k.Index}.conv.{i}.bias", Width);
                    }

                    if (k.MidGroupNorm)
                    {
                        Add($"{k.Index}.pool.0.weight", 4 * Width, Width, 1, 1);
                        Add($"{k.Index}.pool.1.weight", 4 * Width);
                        Add($"{k.Index}.pool.1.bias", 4 * Width);
                        Add($"{k.Index}.pool.3.weight", Width, 4 * Width, 1, 1);
                    }

                    break;
            }
        }

        return keys;
    }

    private static void Validate(IReadOnlyDictionary<string, SafeTensor> weights, List<Step> plan, TaesdVariant variant, string part, string source)
    {
        ArgumentNullException.ThrowIfNull(weights);
        var expected = Keys(plan);
        var known = new HashSet<string>(StringComparer.Ordinal);
        var missing = new List<string>();
        var shapes = new List<string>();
        foreach (var (key, shape) in expected)
        {
            known.Add(key);
            if (!weights.TryGetValue(key, out var tensor))
            {
                missing.Add(key);
            }
            else if (!SameShape(tensor.Shape, shape))
            {
                shapes.Add($"{key} is [{string.Join(",", tensor.Shape)}], expected [{string.Join(",", shape)}]");
            }
        }

        var unexpected = new List<string>();
        foreach (var key in weights.Keys)
        {
            if (!known.Contains(key))
            {
                unexpected.Add(key);
            }
        }

        if (missing.Count + shapes.Count + unexpected.Count == 0)
        {
            return;
        }

        unexpected.Sort(StringComparer.Ordinal);
        var problems = new List<string>();
        if (missing.Count > 0)
        {
            problems.Add($"{missing.Count} missing weight key(s): {string.Join(", ", missing)}");
        }

        if (unexpected.Count > 0)
        {
            problems.Add($"{unexpected.Count} unexpected key(s): {string.Join(", ", unexpected)}");
        }

        if (shapes.Count > 0)
        {
            problems.Add($"wrong shape(s): {string.Join("; ", shapes)}");
        }

        throw new ModelImportException($"{source}: not a {variant.Name} {part} ({variant.LatentChannels} latent channels{(variant.MidBlockGroupNorm ? ", mid-block GroupNorm" : "")}): {string.Join("; ", problems)}{Guess(weights, part, variant)}");
    }

    /// <summary>" (the weights look like VARIANT)" when another variant fits the file's latent width and mid blocks.</summary>
    private static string Guess(IReadOnlyDictionary<string, SafeTensor> weights, string part, TaesdVariant variant)
    {
        var (key, axis, midKey) = part == "encoder" ? ("14.weight", 0, "11.pool.0.weight") : ("1.weight", 1, "3.pool.0.weight");
        if (!weights.TryGetValue(key, out var t) || t.Shape.Count != 4)
        {
            return "";
        }

        var channels = t.Shape[axis];
        var mid = weights.ContainsKey(midKey);
        var fits = new List<string>();
        foreach (var v in TaesdVariant.All)
        {
            if (v.LatentChannels == channels && v.MidBlockGroupNorm == mid && v != variant)
            {
                fits.Add(v.Name);
            }
        }

        return fits.Count == 0
            ? ""
            : string.Create(CultureInfo.InvariantCulture, $" (the weights have {channels} latent channels{(mid ? " and mid-block GroupNorm" : "")}: try --variant {string.Join(" or ", fits)})");
    }

    private static bool SameShape(IReadOnlyList<long> actual, long[] expected)
    {
        if (actual.Count != expected.Length)
        {
            return false;
        }

        for (var i = 0; i < expected.Length; i++)
        {
            if (actual[i] != expected[i])
            {
                return false;
            }
        }

        return true;
    }

    private static void SetMetadata(OnnxGraphBuilder b, TaesdVariant variant, string role, string source)
    {
        b.SetMetadata("restorebench.vae.family", "taesd");
        b.SetMetadata("restorebench.vae.variant", variant.Name);
        b.SetMetadata("restorebench.vae.role", role);
        b.SetMetadata("restorebench.vae.latent_channels", variant.LatentChannels.ToString(CultureInfo.InvariantCulture));
        b.SetMetadata("restorebench.vae.downscale", Downscale.ToString(CultureInfo.InvariantCulture));
        b.SetMetadata("restorebench.vae.scaling_factor", "1.0");
        b.SetMetadata("restorebench.vae.shift_factor", "0");
        b.SetMetadata("restorebench.vae.image_range", "0-1");
        b.SetMetadata("restorebench.source", Path.GetFileName(source));
    }

    private abstract record Step;

    /// <summary>A 3x3 convolution, padding 1.</summary>
    private sealed record Conv(int Index, int In, int Out, int Stride, bool Bias) : Step;

    /// <summary>A residual block of 64 channels, optionally with the mid-block GroupNorm branch.</summary>
    private sealed record Block(int Index, bool MidGroupNorm) : Step;

    private sealed record Relu : Step;

    private sealed record Upsample : Step;

    /// <summary>tanh(x / 3) · 3, the decoder's soft latent clamp.</summary>
    private sealed record LatentClamp : Step;

    /// <summary>Adds layers to one graph, taking initializers from the state_dict by key.</summary>
    private sealed class Net(IReadOnlyDictionary<string, SafeTensor> weights, string graphName)
    {
        public OnnxGraphBuilder B { get; } = new(graphName);

        public string Run(List<Step> plan, string x)
        {
            foreach (var step in plan)
            {
                x = step switch
                {
                    Conv c => Conv3x3(x, c.Index.ToString(CultureInfo.InvariantCulture), c.Stride, c.Bias),
                    Block k => ResidualBlock(x, k),
                    Relu => B.Relu(x),
                    Upsample => B.ResizeNearest(x, 2, 2),
                    LatentClamp => B.Mul(B.Tanh(B.Div(x, B.Constant(3f))), B.Constant(3f)),
                    _ => throw new InvalidOperationException($"unhandled TAESD layer {step}"),
                };
            }

            return x;
        }

        private string ResidualBlock(string x, Block k)
        {
            var p = k.Index.ToString(CultureInfo.InvariantCulture);
            if (k.MidGroupNorm)
            {
                var pool = B.Conv(x, Weight($"{p}.pool.0.weight"), null);
                pool = B.GroupNorm(pool, 4, Weight($"{p}.pool.1.weight", 4 * Width, 1, 1), Weight($"{p}.pool.1.bias", 4 * Width, 1, 1));
                pool = B.Conv(B.Relu(pool), Weight($"{p}.pool.3.weight"), null);
                x = B.Add(x, pool);
            }

            var h = B.Relu(Conv3x3(x, $"{p}.conv.0", 1, true));
            h = B.Relu(Conv3x3(h, $"{p}.conv.2", 1, true));
            h = Conv3x3(h, $"{p}.conv.4", 1, true);
            return B.Relu(B.Add(h, x));
        }

        private string Conv3x3(string x, string prefix, int stride, bool bias) =>
            B.Conv(x, Weight(prefix + ".weight"), bias ? Weight(prefix + ".bias") : null, pads: [1, 1, 1, 1], strides: stride == 1 ? null : [stride, stride]);

        /// <summary>The tensor <paramref name="key"/> as an initializer of its own shape, or of <paramref name="dims"/> when given.</summary>
        private string Weight(string key, params long[] dims)
        {
            var t = weights[key];
            var shape = dims.Length > 0 ? dims : [.. t.Shape];
            return B.AddInitializer(key, t.Values, shape);
        }
    }
}
