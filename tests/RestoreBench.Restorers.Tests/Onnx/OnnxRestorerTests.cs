using Microsoft.ML.OnnxRuntime.Tensors;
using RestoreBench.Core.Imaging;
using RestoreBench.Onnx;
using RestoreBench.Onnx.Graph;
using RestoreBench.Onnx.Runtime;
using RestoreBench.Restorers.Onnx;
using RestoreBench.Restorers.Tiling;

namespace RestoreBench.Restorers.Tests.Onnx;

public class OnnxRestorerTests
{
    /// <summary>A 3x3 depthwise box filter (receptive radius 1) followed by nearest x2 upsampling.</summary>
    private static OnnxModel BoxThenUpsample(int threads = 1)
    {
        var b = new OnnxGraphBuilder("box-up2");
        var x = b.AddInput("x", TensorElementType.Float, "n", 3, "h", "w");
        var weights = new float[3 * 9];
        Array.Fill(weights, 1f / 9f);
        weights[4] = 3f / 9f; // asymmetric in value, so a wrong alignment shows
        var w = b.AddInitializer("w", weights, 3, 1, 3, 3);
        var conv = b.Conv(x, w, null, pads: [1, 1, 1, 1], group: 3);
        b.AddOutput(b.ResizeNearest(conv, 2, 2), "y");
        return OnnxModel.Load(b.ToBytes(), "box-up2", new OnnxSessionSettings { Threads = threads });
    }

    private static ImageTensor Pattern(int channels, int h, int w)
    {
        var image = new ImageTensor(channels, h, w);
        var d = image.Data;
        for (var i = 0; i < d.Length; i++)
        {
            d[i] = 0.5 + 0.45 * Math.Sin(i * 0.37) * Math.Cos(i * 0.011);
        }

        return image;
    }

    [Fact]
    public void Runs_a_graph_probes_its_scale_and_counts_parameters()
    {
        using var restorer = new OnnxRestorer(BoxThenUpsample(), "box-up2", ValueRange.Unit, ValueRange.Unit);
        Assert.Equal(2, restorer.Scale);
        Assert.Equal(27, restorer.Info.ParameterCount);
        var output = restorer.Restore(Pattern(3, 20, 30));
        Assert.Equal((40, 60), (output.Height, output.Width));
    }

    [Fact]
    public void Tiled_output_equals_the_whole_image_output_when_the_receptive_field_fits_the_overlap()
    {
        var input = Pattern(3, 70, 90);
        using var whole = new OnnxRestorer(BoxThenUpsample(), "box-up2", ValueRange.Unit, ValueRange.Unit);
        using var tiled = new TiledRestorer(new OnnxRestorer(BoxThenUpsample(), "box-up2", ValueRange.Unit, ValueRange.Unit), new TileOptions(32, 8));
        var a = whole.Restore(input);
        var b = tiled.Restore(input);
        var maxDiff = 0.0;
        for (var i = 0; i < a.Data.Length; i++)
        {
            maxDiff = Math.Max(maxDiff, Math.Abs(a.Data[i] - b.Data[i]));
        }

        // float32 inside the network; the blend of identical tile values is exact up to float64 rounding.
        Assert.True(maxDiff < 1e-12, $"max difference {maxDiff}");
    }

    [Fact]
    public void Input_range_and_padding_are_applied_and_undone()
    {
        using var restorer = new OnnxRestorer(BoxThenUpsample(), "box-up2", ValueRange.Byte, ValueRange.Byte, scale: 2, padMultiple: 8);
        using var reference = new OnnxRestorer(BoxThenUpsample(), "box-up2", ValueRange.Unit, ValueRange.Unit, scale: 2);
        var input = Pattern(3, 16, 24); // already a multiple of 8: padding must not change anything
        var a = restorer.Restore(input);
        var b = reference.Restore(input);
        for (var i = 0; i < a.Data.Length; i++)
        {
            Assert.True(Math.Abs(b.Data[i] - a.Data[i]) < 1e-6, $"sample {i}: {a.Data[i]} vs {b.Data[i]}");
        }

        Assert.Equal((26, 34), (restorer.Restore(Pattern(3, 13, 17)).Height, restorer.Restore(Pattern(3, 13, 17)).Width));
    }

    [Fact]
    public void Gray_input_is_converted_to_rgb()
    {
        using var restorer = new OnnxRestorer(BoxThenUpsample(), "box-up2", ValueRange.Unit, ValueRange.Unit);
        Assert.Equal(3, restorer.Restore(Pattern(1, 10, 10)).Channels);
        using var tiled = new TiledRestorer(new OnnxRestorer(BoxThenUpsample(), "box-up2", ValueRange.Unit, ValueRange.Unit), new TileOptions(8, 4));
        Assert.Equal(3, tiled.Restore(Pattern(1, 20, 20)).Channels);
    }

    [Fact]
    public async Task Non_finite_output_is_a_per_image_error()
    {
        var b = new OnnxGraphBuilder("nan");
        var x = b.AddInput("x", TensorElementType.Float, 1, 3, "h", "w");
        b.AddOutput(b.Node("Sqrt", [b.Sub(x, b.Constant(2f))]), "y");
        using var restorer = new OnnxRestorer(OnnxModel.Load(b.ToBytes(), "nan"), "nan", ValueRange.Unit, ValueRange.Unit, scale: 1);
        var e = await Assert.ThrowsAsync<RestorerException>(() => restorer.RestoreAsync(Pattern(3, 8, 8), new RestoreContext("img7")));
        Assert.Contains("img7", e.Message, StringComparison.Ordinal);
        Assert.Contains("non-finite", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Wrong_channel_count_names_expected_and_actual()
    {
        var b = new OnnxGraphBuilder("gray");
        var x = b.AddInput("x", TensorElementType.Float, 1, 1, "h", "w");
        b.AddOutput(b.Identity(x), "y");
        using var model = OnnxModel.Load(b.ToBytes(), "gray");
        var e = Assert.Throws<ArgumentException>(() => new OnnxRestorer(model, "gray", ValueRange.Unit, ValueRange.Unit));
        Assert.Contains("must be float32 [N,3,H,W]", e.Message, StringComparison.Ordinal);
        Assert.Contains("[1,1,h,w]", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Thread_count_does_not_change_the_output()
    {
        var input = Pattern(3, 40, 40);
        using var one = new OnnxRestorer(BoxThenUpsample(1), "a", ValueRange.Unit, ValueRange.Unit);
        using var two = new OnnxRestorer(BoxThenUpsample(2), "b", ValueRange.Unit, ValueRange.Unit);
        Assert.Equal(one.Restore(input).Data.ToArray(), two.Restore(input).Data.ToArray());
    }

    /// <summary>A fixed-size [1, 3, 16, 16] model: a 3x3 depthwise box filter with zero padding (radius 1).</summary>
    private static OnnxModel FixedBox16()
    {
        var b = new OnnxGraphBuilder("box16");
        var x = b.AddInput("x", TensorElementType.Float, 1, 3, 16, 16);
        var weights = new float[3 * 9];
        Array.Fill(weights, 1f / 9f);
        weights[4] = 3f / 9f;
        var w = b.AddInitializer("w", weights, 3, 1, 3, 3);
        b.AddOutput(b.Conv(x, w, null, pads: [1, 1, 1, 1], group: 3), "y");
        return OnnxModel.Load(b.ToBytes(), "box16", new OnnxSessionSettings { Threads = 1 });
    }

    [Fact]
    public void Fixed_size_model_pads_a_smaller_image_reflectively_and_warns()
    {
        var warnings = new List<string>();
        using var restorer = new OnnxRestorer(FixedBox16(), "box16", ValueRange.Unit, ValueRange.Unit, scale: 1)
        {
            PadMode = RestoreBench.Degradations.Blur.BorderMode.Reflect101,
            Warning = warnings.Add,
        };
        Assert.Equal((16, 16), restorer.FixedSize);
        var input = Pattern(3, 10, 13);
        var output = restorer.Restore(input);
        Assert.Equal((3, 10, 13), (output.Channels, output.Height, output.Width));
        var warning = Assert.Single(warnings);
        Assert.Contains("10x13 padded (reflect101) to 16x16", warning, StringComparison.Ordinal);

        // Channel 0 (centre weight 3/9): inside, each output is the box filter of the input; at the bottom/right border the filter sees the
        // mirrored row/column (reflect101: index 10 → 8), not zeros.
        const double centre = 3.0 / 9.0, other = 1.0 / 9.0;
        double Box(int c, int y, int x)
        {
            double sum = 0;
            for (var dy = -1; dy <= 1; dy++)
            {
                for (var dx = -1; dx <= 1; dx++)
                {
                    int yy = y + dy, xx = x + dx;
                    if (yy < 0 || xx < 0)
                    {
                        continue; // the model's own zero padding at the top/left
                    }

                    yy = yy >= 10 ? 18 - yy : yy;
                    xx = xx >= 13 ? 24 - xx : xx;
                    sum += (dy == 0 && dx == 0 ? centre : other) * At(input, c, yy, xx);
                }
            }

            return sum;
        }

        foreach (var (y, x) in new[] { (5, 6), (9, 12), (9, 0), (0, 12) })
        {
            Assert.True(Math.Abs(At(output, 0, y, x) - Box(0, y, x)) < 1e-6, $"({y},{x}): {At(output, 0, y, x)} vs {Box(0, y, x)}");
        }
    }

    [Fact]
    public void Fixed_size_model_tiles_a_larger_image_and_warns()
    {
        var warnings = new List<string>();
        using var restorer = new OnnxRestorer(FixedBox16(), "box16", ValueRange.Unit, ValueRange.Unit, scale: 1) { TileOverlap = 8, Warning = warnings.Add };
        var input = Pattern(3, 40, 37);
        var output = restorer.Restore(input);
        Assert.Equal((40, 37), (output.Height, output.Width));
        Assert.Contains("16x16 tiles overlapping by 8 px", Assert.Single(warnings), StringComparison.Ordinal);

        // Away from the image border every pixel is the box filter of its neighbourhood, whatever the tile.
        for (var y = 1; y < 39; y += 3)
        {
            for (var x = 1; x < 36; x += 2)
            {
                double sum = 0;
                for (var dy = -1; dy <= 1; dy++)
                {
                    for (var dx = -1; dx <= 1; dx++)
                    {
                        sum += (dy == 0 && dx == 0 ? 3.0 : 1.0) / 9.0 * At(input, 0, y + dy, x + dx);
                    }
                }

                Assert.True(Math.Abs(At(output, 0, y, x) - sum) < 1e-6, $"({y},{x}): {At(output, 0, y, x)} vs {sum}");
            }
        }
    }

    private static double At(ImageTensor image, int c, int y, int x) => image.Data[(((c * image.Height) + y) * image.Width) + x];
}
