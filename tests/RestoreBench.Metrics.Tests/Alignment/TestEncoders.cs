using Microsoft.ML.OnnxRuntime.Tensors;
using RestoreBench.Onnx.Graph;

namespace RestoreBench.Tests.Alignment;

/// <summary>
/// Small encoders with known weights for the alignment tests (shared with the CLI tests). The patch
/// encoder takes <c>pixel_values</c> [N, 3, S, S], averages each p x p patch per channel (AveragePool),
/// maps the 3 channel means of every patch with a fixed linear map W [3, D] plus bias b [D], and emits
/// <c>last_hidden_state</c> [N, 1+P, D] = [CLS; tokens] with CLS = mean of the tokens + c (a constant
/// offset, so CLS and patch-mean embeddings differ), and <c>pooler_output</c> [N, D] = CLS.
/// Closed form: with μ the per-channel mean of the encoder input, CLS = Wᵀμ + b + c and the patch mean = Wᵀμ + b.
/// </summary>
internal static class TestEncoders
{
    public const int Dim = 4;

    /// <summary>W [3, 4], row-major.</summary>
    public static readonly float[] W = [1.0f, 0.5f, -0.25f, 0.0f, -0.5f, 1.0f, 0.75f, 0.25f, 0.25f, -0.75f, 0.5f, 1.0f];

    public static readonly float[] B = [0.1f, -0.2f, 0.3f, 0.05f];

    public static readonly float[] C = [0.5f, 0.25f, -0.5f, 1.0f];

    public static byte[] Patch(int size = 28, int patch = 14)
    {
        var g = new OnnxGraphBuilder("patch-encoder");
        var x = g.AddInput("pixel_values", TensorElementType.Float, "batch", 3, size, size);
        var pooled = g.Node("AveragePool", [x], OnnxAttr.List("kernel_shape", patch, patch), OnnxAttr.List("strides", patch, patch));
        var flat = g.Node("Reshape", [pooled, g.Constant([0L, 3L, -1L], 3)]);
        var tokensIn = g.Transpose(flat, 0, 2, 1);
        var w = g.AddInitializer("w", W, 3, Dim);
        var b = g.AddInitializer("b", B, Dim);
        var tokens = g.Add(g.Node("MatMul", [tokensIn, w]), b);
        var c = g.AddInitializer("c", C, Dim);
        var cls = g.Add(g.Node("ReduceMean", [tokens], OnnxAttr.List("axes", 1), OnnxAttr.Scalar("keepdims", 1)), c);
        var sequence = g.Concat(1, cls, tokens);
        var p = (size / patch) * (size / patch);
        g.AddOutput(sequence, "last_hidden_state", TensorElementType.Float, "batch", 1 + p, Dim);
        var pooler = g.Node("Reshape", [cls, g.Constant([0L, (long)Dim], 2)]);
        g.AddOutput(pooler, "pooler_output", TensorElementType.Float, "batch", Dim);
        return g.ToBytes();
    }

    /// <summary>A model that breaks the contract: input <c>x</c> [1,3,32,32], output <c>y</c> [1,3,32,32].</summary>
    public static byte[] WrongNames()
    {
        var g = new OnnxGraphBuilder("wrong");
        var x = g.AddInput("x", TensorElementType.Float, 1, 3, 32, 32);
        g.AddOutput(g.Relu(x), "y", TensorElementType.Float, 1, 3, 32, 32);
        return g.ToBytes();
    }

    /// <summary>CLS (offset true) or patch-mean embedding for an encoder input whose per-channel means are <paramref name="mu"/>.</summary>
    public static double[] Expected(ReadOnlySpan<double> mu, bool cls)
    {
        var e = new double[Dim];
        for (var d = 0; d < Dim; d++)
        {
            double s = B[d] + (cls ? C[d] : 0);
            for (var ch = 0; ch < 3; ch++)
            {
                s += W[(ch * Dim) + d] * mu[ch];
            }

            e[d] = s;
        }

        return e;
    }

    public static double Cosine(double[] u, double[] v)
    {
        double uv = 0, uu = 0, vv = 0;
        for (var i = 0; i < u.Length; i++)
        {
            uv += u[i] * v[i];
            uu += u[i] * u[i];
            vv += v[i] * v[i];
        }

        return 1 - (uv / Math.Sqrt(uu * vv));
    }

    /// <summary>Per-channel mean of (value − ImageNet mean) / ImageNet std for a constant RGB colour.</summary>
    public static double[] NormalisedConstant(double r, double g, double b) =>
        [(r - 0.485) / 0.229, (g - 0.456) / 0.224, (b - 0.406) / 0.225];
}
