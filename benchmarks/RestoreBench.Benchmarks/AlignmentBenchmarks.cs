using BenchmarkDotNet.Attributes;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using RestoreBench.Core.Imaging;
using RestoreBench.Core.Randomness;
using RestoreBench.Metrics.Alignment;
using RestoreBench.Onnx.Graph;
using RestoreBench.Onnx.Runtime;

namespace RestoreBench.Benchmarks;

/// <summary>
/// align_dinov2 overhead (issue 5: preprocessing + distance ≤ 5 % of the encoder run): the
/// preprocessing of a 512x768 image and the distance of two 384-d embeddings, against one run of a
/// random-weight ViT-S/14-sized encoder (patch conv 14x14 → 384, 257 tokens, 12 blocks of single-head
/// attention 384 and MLP 1536; the FLOPs of DINOv2-small within a few per cent).
/// </summary>
[MemoryDiagnoser]
public class AlignmentBenchmarks
{
    private const int Dim = 384;
    private ImageTensor _image = null!;
    private OnnxModel _model = null!;
    private OrtValue _input = null!;
    private double[] _u = null!, _v = null!;

    [GlobalSetup]
    public void Setup()
    {
        var rng = new SeededRandom(5);
        _image = new ImageTensor(3, 512, 768);
        var d = _image.Data;
        for (var i = 0; i < d.Length; i++)
        {
            d[i] = rng.NextInt(256) / 255.0;
        }

        _u = new double[Dim];
        _v = new double[Dim];
        for (var i = 0; i < Dim; i++)
        {
            _u[i] = rng.NextGaussian();
            _v[i] = rng.NextGaussian();
        }

        _model = OnnxModel.Load(VitSmall(rng), "vit-s14-random", new OnnxSessionSettings { Threads = Environment.ProcessorCount });
        _input = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, TensorElementType.Float, [1, 3, 224, 224]);
        EncoderPreprocessor.Preprocess(_image, EncoderManifest.DinoV2, _input.GetTensorMutableDataAsSpan<float>());
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _input.Dispose();
        _model.Dispose();
    }

    [Benchmark]
    public float Preprocess512x768()
    {
        var buffer = new float[3 * 224 * 224];
        EncoderPreprocessor.Preprocess(_image, EncoderManifest.DinoV2, buffer);
        return buffer[0];
    }

    [Benchmark]
    public double Distance384() => EmbeddingMath.Distance(_u, _v, EmbeddingDistance.Cosine);

    [Benchmark(Baseline = true)]
    public int EncoderRun()
    {
        using var outputs = _model.Run(["pixel_values"], [_input], ["last_hidden_state"]);
        return outputs.Count;
    }

    private static float[] Random(SeededRandom rng, int count, double scale)
    {
        var w = new float[count];
        for (var i = 0; i < count; i++)
        {
            w[i] = (float)(rng.NextGaussian() * scale);
        }

        return w;
    }

    private static byte[] VitSmall(SeededRandom rng)
    {
        var g = new OnnxGraphBuilder("vit-s14-random");
        var x = g.AddInput("pixel_values", TensorElementType.Float, 1, 3, 224, 224);
        var patch = g.Conv(x, g.AddInitializer("patch_w", Random(rng, Dim * 3 * 14 * 14, 0.02), Dim, 3, 14, 14), g.AddInitializer("patch_b", new float[Dim], Dim), strides: [14, 14]);
        var tokens = g.Transpose(g.Node("Reshape", [patch, g.Constant([1L, Dim, 256L], 3)]), 0, 2, 1);
        var h = g.Concat(1, g.AddInitializer("cls", Random(rng, Dim, 0.02), 1, 1, Dim), tokens);
        h = g.Add(h, g.AddInitializer("pos", Random(rng, 257 * Dim, 0.02), 1, 257, Dim));
        var scale = g.Constant(1.0f / 8.0f);
        for (var layer = 0; layer < 12; layer++)
        {
            string Ln(string v, string name) => g.Node("LayerNormalization", [v, g.AddInitializer(name + "_g", Ones(Dim), Dim), g.AddInitializer(name + "_b", new float[Dim], Dim)], OnnxAttr.Scalar("axis", -1));
            string Linear(string v, string name, int inDim, int outDim) =>
                g.Add(g.Node("MatMul", [v, g.AddInitializer(name + "_w", Random(rng, inDim * outDim, 0.02), inDim, outDim)]), g.AddInitializer(name + "_b", new float[outDim], outDim));
            var a = Ln(h, $"l{layer}_ln1");
            var q = Linear(a, $"l{layer}_q", Dim, Dim);
            var k = Linear(a, $"l{layer}_k", Dim, Dim);
            var v = Linear(a, $"l{layer}_v", Dim, Dim);
            var scores = g.Node("Softmax", [g.Mul(g.Node("MatMul", [q, g.Transpose(k, 0, 2, 1)]), scale)], OnnxAttr.Scalar("axis", -1));
            h = g.Add(h, Linear(g.Node("MatMul", [scores, v]), $"l{layer}_o", Dim, Dim));
            var m = Ln(h, $"l{layer}_ln2");
            h = g.Add(h, Linear(g.Relu(Linear(m, $"l{layer}_fc1", Dim, 4 * Dim)), $"l{layer}_fc2", 4 * Dim, Dim));
        }

        g.AddOutput(h, "last_hidden_state", TensorElementType.Float, 1, 257, Dim);
        return g.ToBytes();
    }

    private static float[] Ones(int n)
    {
        var a = new float[n];
        Array.Fill(a, 1f);
        return a;
    }
}
