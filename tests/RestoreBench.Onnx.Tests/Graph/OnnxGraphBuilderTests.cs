using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using RestoreBench.Onnx.Graph;
using RestoreBench.Onnx.Runtime;

namespace RestoreBench.Onnx.Tests.Graph;

public class OnnxGraphBuilderTests
{
    private static float[] Run(byte[] model, float[] input, long[] shape, out long[] outShape)
    {
        using var m = OnnxModel.Load(model, "test", new OnnxSessionSettings { Threads = 1 });
        using var x = OrtValue.CreateTensorValueFromMemory(input, shape);
        using var y = m.Run(x);
        outShape = y.GetTensorTypeAndShape().Shape;
        return y.GetTensorDataAsSpan<float>().ToArray();
    }

    [Fact]
    public void Conv_relu_add_matches_a_direct_computation()
    {
        // 1 input channel, 2 output channels, 3x3 kernel, padding 1, bias; then relu, then + input.
        var b = new OnnxGraphBuilder("conv");
        var x = b.AddInput("input", TensorElementType.Float, 1, 1, "h", "w");
        var w = new float[2 * 1 * 3 * 3];
        for (var i = 0; i < w.Length; i++)
        {
            w[i] = (i % 5 - 2) * 0.25f;
        }

        var weight = b.AddInitializer("w", w, 2, 1, 3, 3);
        var bias = b.AddInitializer("b", [0.5f, -1f], 2);
        var y = b.Add(b.Relu(b.Conv(x, weight, bias, pads: [1, 1, 1, 1])), x);
        b.AddOutput(y, "output");
        Assert.Equal(20, b.ParameterCount);

        const int H = 4, W = 5;
        var input = new float[H * W];
        for (var i = 0; i < input.Length; i++)
        {
            input[i] = i * 0.1f - 0.7f;
        }

        var output = Run(b.ToBytes(), input, [1, 1, H, W], out var shape);
        Assert.Equal([1L, 2, H, W], shape);
        for (var o = 0; o < 2; o++)
        {
            for (var r = 0; r < H; r++)
            {
                for (var c = 0; c < W; c++)
                {
                    double acc = o == 0 ? 0.5 : -1;
                    for (var i = 0; i < 3; i++)
                    {
                        for (var j = 0; j < 3; j++)
                        {
                            int rr = r + i - 1, cc = c + j - 1;
                            if (rr >= 0 && rr < H && cc >= 0 && cc < W)
                            {
                                acc += w[o * 9 + i * 3 + j] * input[rr * W + cc];
                            }
                        }
                    }

                    var expected = Math.Max(acc, 0) + input[r * W + c];
                    Assert.Equal(expected, output[(o * H + r) * W + c], 5);
                }
            }
        }
    }

    [Fact]
    public void DepthToSpace_DCR_takes_channel_blocks_in_depth_column_row_order()
    {
        // 4 channels, 1x1 pixel, block 2: DCR puts channel (i*2+j) at (row i, column j).
        var b = new OnnxGraphBuilder();
        var x = b.AddInput("x", TensorElementType.Float, 1, 4, 1, 1);
        b.AddOutput(b.DepthToSpace(x, 2), "y");
        var y = Run(b.ToBytes(), [10, 11, 12, 13], [1, 4, 1, 1], out var shape);
        Assert.Equal([1L, 1, 2, 2], shape);
        Assert.Equal([10f, 11, 12, 13], y);
    }

    [Fact]
    public void ResizeNearest_repeats_each_pixel()
    {
        var b = new OnnxGraphBuilder();
        var x = b.AddInput("x", TensorElementType.Float, 1, 1, "h", "w");
        b.AddOutput(b.ResizeNearest(x, 2, 3), "y");
        var y = Run(b.ToBytes(), [1, 2, 3, 4], [1, 1, 2, 2], out var shape);
        Assert.Equal([1L, 1, 4, 6], shape);
        Assert.Equal([1f, 1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 3, 3, 3, 4, 4, 4], y);
    }

    [Fact]
    public void Concat_mul_constant_and_identity()
    {
        var b = new OnnxGraphBuilder();
        var x = b.AddInput("x", TensorElementType.Float, 1, 1, 1, 2);
        var scaled = b.Mul(x, b.Constant(0.5f));
        b.AddOutput(b.Concat(1, x, scaled), "y");
        Assert.Equal(0, b.ParameterCount);
        var y = Run(b.ToBytes(), [4, 6], [1, 1, 1, 2], out var shape);
        Assert.Equal([1L, 2, 1, 2], shape);
        Assert.Equal([4f, 6, 2, 3], y);
    }

    [Fact]
    public void Same_calls_give_the_same_bytes()
    {
        static byte[] Build()
        {
            var b = new OnnxGraphBuilder("g");
            var x = b.AddInput("x", TensorElementType.Float, "n", 3, "h", "w");
            var w = b.AddInitializer("w", new float[3 * 3], 3, 3, 1, 1);
            b.SetMetadata("b", "2");
            b.SetMetadata("a", "1");
            b.AddOutput(b.Relu(b.Conv(x, w, null)), "y");
            return b.ToBytes();
        }

        Assert.Equal(Build(), Build());
    }

    [Fact]
    public void Undefined_inputs_and_duplicate_names_are_refused()
    {
        var b = new OnnxGraphBuilder("g");
        var x = b.AddInput("x", TensorElementType.Float, 1);
        var e = Assert.Throws<ArgumentException>(() => b.Add(x, "nope"));
        Assert.Contains("'nope' is not defined", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => b.AddInput("x", TensorElementType.Float, 1));
        Assert.Throws<ArgumentException>(() => b.AddInitializer("w", [1f, 2f], 3));
        Assert.Throws<InvalidOperationException>(() => b.ToBytes());
    }

    [Fact]
    public void Metadata_and_producer_are_written()
    {
        var b = new OnnxGraphBuilder("g");
        var x = b.AddInput("x", TensorElementType.Float, 1);
        b.AddOutput(x, "y");
        b.SetMetadata("restorebench.scale", "4");
        using var m = OnnxModel.Load(b.ToBytes());
        Assert.Equal("4", m.Metadata["restorebench.scale"]);
        Assert.StartsWith("RestoreBench", m.Producer, StringComparison.Ordinal);
        Assert.Equal(OnnxGraphBuilder.DefaultOpset, m.Opset);
    }
}
