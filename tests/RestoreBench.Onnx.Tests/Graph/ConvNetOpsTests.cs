using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using RestoreBench.Onnx.Graph;
using RestoreBench.Onnx.Runtime;

namespace RestoreBench.Onnx.Tests.Graph;

public class ConvNetOpsTests
{
    /// <summary>
    /// GroupNorm against the closed form in double precision: for each sample n and group g of
    /// C/G consecutive channels, μ and σ² (biased) over the group's C/G·H·W values,
    /// y = (x − μ)/√(σ² + ε)·γ_c + β_c.
    /// </summary>
    [Theory]
    [InlineData(2, 8, 4, 5, 4, 1e-5f)]
    [InlineData(1, 6, 3, 3, 1, 1e-3f)]
    [InlineData(1, 6, 7, 2, 6, 1e-5f)]
    public void GroupNorm_matches_the_closed_form(int n, int c, int h, int w, int groups, float epsilon)
    {
        var b = new OnnxGraphBuilder("gn");
        var x = b.AddInput("x", TensorElementType.Float, "n", c, "h", "w");
        var gamma = new float[c];
        var beta = new float[c];
        for (var i = 0; i < c; i++)
        {
            gamma[i] = 0.5f + 0.25f * i;
            beta[i] = 0.1f * i - 0.3f;
        }

        var y = b.GroupNorm(x, groups, b.AddInitializer("gamma", gamma, c, 1, 1), b.AddInitializer("beta", beta, c, 1, 1), epsilon);
        b.AddOutput(y, "y");

        var input = new float[n * c * h * w];
        for (var i = 0; i < input.Length; i++)
        {
            // Different offsets and spreads per channel so that wrong grouping changes the result.
            var channel = i / (h * w) % c;
            input[i] = (float)(Math.Sin(1.3 * i) * (1 + channel) + 2 * channel - 3);
        }

        using var model = OnnxModel.Load(b.ToBytes(), "gn", new OnnxSessionSettings { Threads = 1 });
        using var value = OrtValue.CreateTensorValueFromMemory(input, [n, c, h, w]);
        using var result = model.Run(value);
        Assert.Equal([(long)n, c, h, w], result.GetTensorTypeAndShape().Shape);
        var actual = result.GetTensorDataAsSpan<float>();

        var perGroup = c / groups * h * w;
        for (var s = 0; s < n; s++)
        {
            for (var g = 0; g < groups; g++)
            {
                var start = (s * c + g * (c / groups)) * h * w;
                double mean = 0, variance = 0;
                for (var i = 0; i < perGroup; i++)
                {
                    mean += input[start + i];
                }

                mean /= perGroup;
                for (var i = 0; i < perGroup; i++)
                {
                    variance += (input[start + i] - mean) * (input[start + i] - mean);
                }

                variance /= perGroup;
                for (var i = 0; i < perGroup; i++)
                {
                    var channel = g * (c / groups) + i / (h * w);
                    var expected = (input[start + i] - mean) / Math.Sqrt(variance + epsilon) * gamma[channel] + beta[channel];
                    Assert.Equal(expected, actual[start + i], 4);
                }
            }
        }
    }

    [Fact]
    public void Tanh_and_reshape_run_as_documented()
    {
        var b = new OnnxGraphBuilder("t");
        var x = b.AddInput("x", TensorElementType.Float, 1, 2, 3);
        b.AddOutput(b.Reshape(b.Tanh(x), 0, -1), "y");
        using var model = OnnxModel.Load(b.ToBytes(), "t", new OnnxSessionSettings { Threads = 1 });
        float[] input = [-2f, -0.5f, 0f, 0.25f, 1f, 3f];
        using var value = OrtValue.CreateTensorValueFromMemory(input, [1, 2, 3]);
        using var result = model.Run(value);
        Assert.Equal([1L, 6], result.GetTensorTypeAndShape().Shape);
        var y = result.GetTensorDataAsSpan<float>();
        for (var i = 0; i < input.Length; i++)
        {
            Assert.Equal(Math.Tanh(input[i]), y[i], 6);
        }
    }
}
