using Microsoft.ML.OnnxRuntime.Tensors;
using RestoreBench.Core.Imaging;
using RestoreBench.Core.Randomness;
using RestoreBench.Diffusion.Components;
using RestoreBench.Diffusion.Schedulers;
using RestoreBench.Onnx.Graph;
using RestoreBench.Onnx.Runtime;

namespace RestoreBench.Diffusion.Tests;

/// <summary>Largest absolute difference between two images of the same shape (asserted).</summary>
internal static class ImageDiff
{
    public static double Max(ImageTensor a, ImageTensor b)
    {
        Assert.True(a.SameShape(b), $"{a.ShapeText} vs {b.ShapeText}");
        var m = 0.0;
        for (var i = 0; i < a.Data.Length; i++)
        {
            m = Math.Max(m, Math.Abs(a.Data[i] - b.Data[i]));
        }

        return m;
    }
}

/// <summary>ONNX graphs the tests build: a lossless VAE and closed-form denoisers.</summary>
internal static class TestGraphs
{
    /// <summary>Pixel unshuffle by 2 (SpaceToDepth): a lossless "VAE" with 12 latent channels and downscale 2.</summary>
    public static byte[] UnshuffleEncoder()
    {
        var b = new OnnxGraphBuilder("unshuffle");
        var x = b.AddInput("image", TensorElementType.Float, 1, 3, "h", "w");
        b.AddOutput(b.Node("SpaceToDepth", [x], OnnxAttr.Scalar("blocksize", 2L)), "latent");
        return b.ToBytes();
    }

    /// <summary>Moments [1, 24, h/2, w/2]: the unshuffled mean followed by 12 channels of −3 (a log-variance), named "moments".</summary>
    public static byte[] MomentsEncoder()
    {
        var b = new OnnxGraphBuilder("moments");
        var x = b.AddInput("pixels", TensorElementType.Float, 1, 3, "h", "w");
        var mean = b.Node("SpaceToDepth", [x], OnnxAttr.Scalar("blocksize", 2L));
        var logvar = b.Sub(b.Mul(mean, b.Constant(0f)), b.Constant(3f));
        b.AddOutput(b.Concat(1, mean, logvar), "moments");
        return b.ToBytes();
    }

    /// <summary>Pixel shuffle by 2 (DepthToSpace, DCR): the exact inverse of <see cref="UnshuffleEncoder"/>.</summary>
    public static byte[] ShuffleDecoder()
    {
        var b = new OnnxGraphBuilder("shuffle");
        var z = b.AddInput("latent", TensorElementType.Float, 1, 12, "h", "w");
        b.AddOutput(b.DepthToSpace(z, 2, "DCR"), "image");
        return b.ToBytes();
    }

    /// <summary>ᾱ_t gathered from a constant table by t (float [1] input cast to int64).</summary>
    private static string AlphaBar(OnnxGraphBuilder b, string t, NoiseSchedule schedule)
    {
        var table = new float[schedule.TrainSteps];
        for (var i = 0; i < table.Length; i++)
        {
            table[i] = (float)schedule.AlphaCumprod(i);
        }

        var index = b.Node("Cast", [t], OnnxAttr.Scalar("to", (long)TensorElementType.Int64));
        return b.Node("Gather", [b.Constant(table, table.Length), index]);
    }

    /// <summary>
    /// The optimal ε-predictor for z_0 ~ N(μ, s²I): ε*(z_t, t) = √(1−ᾱ_t)(z_t − √ᾱ_t μ)/(ᾱ_t s² + 1 − ᾱ_t).
    /// Inputs z [1, C, h, w] float and t [1] (float or int64).
    /// </summary>
    public static byte[] GaussianEpsilon(NoiseSchedule schedule, int channels, double mu, double s, TensorElementType timestepType = TensorElementType.Float)
    {
        var b = new OnnxGraphBuilder("eps_star");
        var z = b.AddInput("z", TensorElementType.Float, 1, channels, "h", "w");
        var t = b.AddInput("t", timestepType, 1);
        var a = AlphaBar(b, t, schedule);
        var oneMinus = b.Sub(b.Constant(1f), a);
        var centered = b.Sub(z, b.Mul(b.Node("Sqrt", [a]), b.Constant((float)mu)));
        var den = b.Add(b.Mul(a, b.Constant((float)(s * s))), oneMinus);
        b.AddOutput(b.Div(b.Mul(b.Node("Sqrt", [oneMinus]), centered), den), "eps");
        return b.ToBytes();
    }

    /// <summary>
    /// An oracle that knows z_0 = c_f: ε = (z_t − √ᾱ_t c_f)/√(1 − ᾱ_t). Inputs z, t, cond; with
    /// <paramref name="withContext"/> also a context [1] added to the output (for CFG tests).
    /// </summary>
    public static byte[] ConditionOracle(NoiseSchedule schedule, int channels, bool withContext = false)
    {
        var b = new OnnxGraphBuilder("oracle");
        var z = b.AddInput("z", TensorElementType.Float, 1, channels, "h", "w");
        var t = b.AddInput("t", TensorElementType.Float, 1);
        var c = b.AddInput("cond", TensorElementType.Float, 1, channels, "h", "w");
        var a = AlphaBar(b, t, schedule);
        var eps = b.Div(b.Sub(z, b.Mul(b.Node("Sqrt", [a]), c)), b.Node("Sqrt", [b.Sub(b.Constant(1f), a)]));
        if (withContext)
        {
            eps = b.Add(eps, b.AddInput("context", TensorElementType.Float, 1));
        }

        b.AddOutput(eps, "eps");
        return b.ToBytes();
    }

    /// <summary>
    /// A 3x3 convolution of z (zero padding, seeded random weights) plus the condition: its output near
    /// a tile's edge depends on the tile, so blending tiles is not the identity.
    /// </summary>
    public static byte[] ConvolutionPlusCondition(int channels)
    {
        var rng = new SeededRandom(11);
        var b = new OnnxGraphBuilder("conv_cond");
        var z = b.AddInput("z", TensorElementType.Float, 1, channels, "h", "w");
        b.AddInput("t", TensorElementType.Float, 1);
        var c = b.AddInput("cond", TensorElementType.Float, 1, channels, "h", "w");
        var w = new float[channels * channels * 9];
        for (var i = 0; i < w.Length; i++)
        {
            w[i] = (float)rng.NextDouble(-0.3, 0.3);
        }

        var conv = b.Conv(z, b.AddInitializer("w", w, channels, channels, 3, 3), null, pads: [1, 1, 1, 1]);
        b.AddOutput(b.Add(conv, c), "eps");
        return b.ToBytes();
    }

    /// <summary>A denoiser whose prediction has half the latent's size (a strided 1x1 convolution).</summary>
    public static byte[] HalfSize(int channels)
    {
        var b = new OnnxGraphBuilder("half");
        var z = b.AddInput("z", TensorElementType.Float, 1, channels, "h", "w");
        b.AddInput("t", TensorElementType.Float, 1);
        var w = new float[channels * channels];
        b.AddOutput(b.Conv(z, b.AddInitializer("w", w, channels, channels, 1, 1), null, strides: [2, 2]), "eps");
        return b.ToBytes();
    }

    /// <summary>A denoiser whose output is z/0 (infinite): for the non-finite check.</summary>
    public static byte[] Divergent(int channels)
    {
        var b = new OnnxGraphBuilder("divergent");
        var z = b.AddInput("z", TensorElementType.Float, 1, channels, "h", "w");
        b.AddInput("t", TensorElementType.Float, 1);
        b.AddOutput(b.Div(b.Add(z, b.Constant(1f)), b.Constant(0f)), "eps");
        return b.ToBytes();
    }

    /// <summary>A Denoiser over in-memory bytes (the spec's model path is only a label).</summary>
    public static Denoiser Denoiser(byte[] graph, int channels, string? condition = null, TileSpec? tile = null)
    {
        var model = OnnxModel.Load(graph, "denoiser", new OnnxSessionSettings { Threads = 1 });
        return new Denoiser(model, new DenoiserSpec { Model = "test-denoiser.onnx", LatentInput = "z", TimestepInput = "t", ConditionInput = condition, Tile = tile ?? TileSpec.None }, channels);
    }
}

/// <summary>A temporary folder with a lossless VAE, denoisers and manifests.</summary>
internal sealed class CldmFixture : IDisposable
{
    public CldmFixture()
    {
        Folder = Path.Combine(Path.GetTempPath(), "rb-cldm-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Folder);
        File.WriteAllBytes(Path.Combine(Folder, "enc.onnx"), TestGraphs.UnshuffleEncoder());
        File.WriteAllBytes(Path.Combine(Folder, "dec.onnx"), TestGraphs.ShuffleDecoder());
        File.WriteAllBytes(Path.Combine(Folder, "enc_moments.onnx"), TestGraphs.MomentsEncoder());
        File.WriteAllBytes(Path.Combine(Folder, "oracle.onnx"), TestGraphs.ConditionOracle(Schedule, 12));
        File.WriteAllBytes(Path.Combine(Folder, "oracle_ctx.onnx"), TestGraphs.ConditionOracle(Schedule, 12, withContext: true));
        File.WriteAllBytes(Path.Combine(Folder, "eps_star.onnx"), TestGraphs.GaussianEpsilon(Schedule, 12, 0.0, 0.5));
        File.WriteAllBytes(Path.Combine(Folder, "divergent.onnx"), TestGraphs.Divergent(12));
        NpyFile.Write(Path.Combine(Folder, "ctx.npy"), [0.25f], 1);
        NpyFile.Write(Path.Combine(Folder, "null.npy"), [0.05f], 1);
    }

    public static NoiseSchedule Schedule { get; } = NoiseSchedule.Create(BetaSchedule.Linear, 1000, 0.0001, 0.02);

    public string Folder { get; }

    /// <summary>Writes a manifest with the lossless VAE and the given denoiser block.</summary>
    public string Manifest(string name, string denoiser, string extra = "", string vaeExtra = "")
    {
        var path = Path.Combine(Folder, name + ".yaml");
        File.WriteAllText(path, $"""
            name: {name}
            vae:
              encoder: enc.onnx
              decoder: dec.onnx
              range: -1-1
              latent_channels: 12
              downscale: 2
              scaling_factor: 1.0
            {vaeExtra}
            schedule:
              kind: linear
              beta_start: 0.0001
              beta_end: 0.02
            {denoiser}
            {extra}
            """);
        return path;
    }

    public const string Oracle = """
        denoiser:
          model: oracle.onnx
          inputs:
            latent: z
            timestep: t
            condition: cond
        """;

    /// <summary>ε* of N(0, 0.25) latents: a denoiser that ignores c_f, so its samples depend on the noise.</summary>
    public const string EpsStar = """
        denoiser:
          model: eps_star.onnx
          inputs:
            latent: z
            timestep: t
        """;

    public void Dispose()
    {
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
