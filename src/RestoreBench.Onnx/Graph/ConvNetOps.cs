namespace RestoreBench.Onnx.Graph;

/// <summary>
/// Operators that opset 17 lacks or that convolutional networks need often, composed from core ONNX
/// nodes so that every execution provider runs them: group normalization (from Reshape and
/// InstanceNormalization), hyperbolic tangent, shape and reshape.
/// </summary>
public static class ConvNetOps
{
    /// <summary>
    /// Group normalization of an NCHW (or any N, C, …) tensor, as PyTorch's <c>nn.GroupNorm</c>:
    /// the C channels are split into <paramref name="groups"/> consecutive groups; each (sample, group)
    /// is normalized by its own mean and biased variance, y = (x − μ) / √(σ² + ε), then scaled and
    /// shifted per channel: y·γ_c + β_c. Built as Reshape to [N, G, −1] → InstanceNormalization (unit
    /// scale, zero bias, ε) → Reshape back to the shape of x → Mul γ → Add β, because
    /// <c>GroupNormalization</c> only exists from opset 18.
    /// </summary>
    /// <param name="b">The graph.</param>
    /// <param name="x">Input of shape [N, C, …] with C divisible by <paramref name="groups"/>.</param>
    /// <param name="groups">Number of groups G (≥ 1).</param>
    /// <param name="gamma">Per-channel scale, shape [C, 1, 1] for NCHW (broadcast against x), or empty for none.</param>
    /// <param name="beta">Per-channel shift, shape [C, 1, 1] for NCHW, or empty for none.</param>
    /// <param name="epsilon">ε added to the variance (PyTorch's default is 1e-5).</param>
    /// <returns>The normalized tensor, same shape as <paramref name="x"/>.</returns>
    public static string GroupNorm(this OnnxGraphBuilder b, string x, int groups, string gamma, string beta, float epsilon = 1e-5f)
    {
        ArgumentNullException.ThrowIfNull(b);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(groups);
        ArgumentOutOfRangeException.ThrowIfNegative(epsilon);
        var shape = b.Shape(x);
        var grouped = b.Reshape(x, 0, groups, -1);
        var ones = new float[groups];
        Array.Fill(ones, 1f);
        var normalized = b.Node("InstanceNormalization", [grouped, b.Constant(ones, groups), b.Constant(new float[groups], groups)],
            OnnxAttr.Scalar("epsilon", epsilon));
        var y = b.Node("Reshape", [normalized, shape]);
        if (gamma.Length > 0)
        {
            y = b.Mul(y, gamma);
        }

        if (beta.Length > 0)
        {
            y = b.Add(y, beta);
        }

        return y;
    }

    /// <summary>Element-wise hyperbolic tangent.</summary>
    public static string Tanh(this OnnxGraphBuilder b, string x)
    {
        ArgumentNullException.ThrowIfNull(b);
        return b.Node("Tanh", [x]);
    }

    /// <summary>The shape of <paramref name="x"/> as an int64 vector.</summary>
    public static string Shape(this OnnxGraphBuilder b, string x)
    {
        ArgumentNullException.ThrowIfNull(b);
        return b.Node("Shape", [x]);
    }

    /// <summary>
    /// Reshape with ONNX's conventions: a 0 copies the input's dimension at that position, a −1 is
    /// inferred from the element count.
    /// </summary>
    public static string Reshape(this OnnxGraphBuilder b, string x, params long[] shape)
    {
        ArgumentNullException.ThrowIfNull(b);
        ArgumentNullException.ThrowIfNull(shape);
        if (shape.Length == 0)
        {
            throw new ArgumentException("Reshape needs at least one dimension", nameof(shape));
        }

        return b.Node("Reshape", [x, b.Constant(shape, shape.Length)]);
    }
}
