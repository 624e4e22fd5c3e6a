using RestoreBench.Core.Imaging;
using RestoreBench.Core.Randomness;
using RestoreBench.Degradations.Resize;

namespace RestoreBench.Degradations.Tests.Resize;

/// <summary>
/// The Vector512, Vector256 and scalar paths of the resizer against a plain two-pass reference (the
/// former implementation, with MATLAB's contribution table): bit for bit, for every kernel, down and
/// up scales, both pass orders, rows wider than one column tile and several thread counts.
/// </summary>
public class ResizerEquivalenceTests
{
    public static TheoryData<int, int, int, int, ResizeKernel> Cases()
    {
        var data = new TheoryData<int, int, int, int, ResizeKernel>();
        foreach (var kernel in new[] { ResizeKernel.Bicubic, ResizeKernel.Bilinear, ResizeKernel.Lanczos3, ResizeKernel.Nearest })
        {
            data.Add(75, 61, 19, 16, kernel);   // x1/4 (rows first)
            data.Add(75, 61, 38, 31, kernel);   // x1/2
            data.Add(23, 37, 92, 148, kernel);  // x4 (rows first on the tie)
            data.Add(40, 50, 70, 20, kernel);   // taller, narrower: columns first
            data.Add(40, 50, 13, 97, kernel);   // shorter, wider: rows first
            data.Add(3, 2, 1, 5, kernel);       // tiny
            data.Add(33, 600, 9, 150, kernel);  // rows first, several column tiles
            data.Add(20, 700, 80, 300, kernel); // columns first, several column tiles in the second pass
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Every_path_equals_the_two_pass_reference_bit_for_bit(int height, int width, int outH, int outW, ResizeKernel kernel)
    {
        var rng = new SeededRandom((ulong)(height * 7919 + width * 31 + outH * 7 + outW + (int)kernel));
        var image = new ImageTensor(3, height, width);
        var d = image.Data;
        for (var i = 0; i < d.Length; i++)
        {
            d[i] = rng.NextDouble() * 1.5 - 0.25;
        }

        double scaleH = (double)outH / height, scaleW = (double)outW / width;
        var expected = TwoPassReference(image, outH, outW, scaleH, scaleW, kernel, antialias: true);
        foreach (var threads in new[] { 1, 2, 3 })
        {
            foreach (var path in SimdPaths.All)
            {
                var actual = Resizer.Resize(image, outH, outW, scaleH, scaleW, kernel, antialias: true, threads, path);
                AssertBitEqual(expected, actual, $"{path}, {threads} threads");
            }
        }

        AssertBitEqual(expected, Resizer.ResizeTo(image, outH, outW, kernel), "ResizeTo");
    }

    [Theory]
    [InlineData(0.25, true)]
    [InlineData(0.5, false)]
    [InlineData(4.0, true)]
    public void Public_entry_points_match_the_reference(double scale, bool antialias)
    {
        var rng = new SeededRandom(11);
        var image = new ImageTensor(1, 67, 90);
        var d = image.Data;
        for (var i = 0; i < d.Length; i++)
        {
            d[i] = rng.NextDouble();
        }

        int outH = Resizer.OutputLength(67, scale), outW = Resizer.OutputLength(90, scale);
        var expected = TwoPassReference(image, outH, outW, scale, scale, ResizeKernel.Bicubic, antialias);
        AssertBitEqual(expected, Resizer.Resize(image, scale, ResizeKernel.Bicubic, antialias, threads: 2), "Resize");
        var plane = Resizer.ResizePlane(image.ReadPlane(0), 67, 90, scale, ResizeKernel.Bicubic, antialias);
        AssertBitEqual(expected, new ImageTensor(1, outH, outW, plane), "ResizePlane");
    }

    [Fact]
    public void ResizePlane_rejects_a_plane_of_the_wrong_length()
    {
        var ex = Assert.Throws<ArgumentException>(() => Resizer.ResizePlane(new double[10], 3, 4, 0.5));
        Assert.Contains("3x4", ex.Message, StringComparison.Ordinal);
    }

    /// <summary>Full first pass into a temporary plane, then the second; every sum from 0 over the non-zero weights in tap order.</summary>
    private static ImageTensor TwoPassReference(ImageTensor image, int outH, int outW, double scaleH, double scaleW, ResizeKernel kernel, bool antialias)
    {
        int h = image.Height, w = image.Width;
        var rows = ResizeWeights.Create(h, outH, scaleH, kernel, antialias);
        var cols = ResizeWeights.Create(w, outW, scaleW, kernel, antialias);
        var result = new ImageTensor(image.Channels, outH, outW);
        for (var c = 0; c < image.Channels; c++)
        {
            var src = image.ReadPlane(c).ToArray();
            double[] output;
            if (scaleH <= scaleW)
            {
                output = AlongWidth(AlongHeight(src, w, rows), outH, w, cols);
            }
            else
            {
                output = AlongHeight(AlongWidth(src, h, w, cols), outW, rows);
            }

            output.CopyTo(result.Plane(c));
        }

        return result;
    }

    private static double[] AlongHeight(double[] input, int width, ResizeWeights table)
    {
        var output = new double[table.OutputLength * width];
        for (var r = 0; r < table.OutputLength; r++)
        {
            for (var x = 0; x < width; x++)
            {
                var sum = 0.0;
                for (var t = 0; t < table.Taps; t++)
                {
                    var wt = table.Weights[r * table.Taps + t];
                    if (wt != 0.0)
                    {
                        sum += wt * input[table.Indices[r * table.Taps + t] * width + x];
                    }
                }

                output[r * width + x] = sum;
            }
        }

        return output;
    }

    private static double[] AlongWidth(double[] input, int height, int width, ResizeWeights table)
    {
        var outW = table.OutputLength;
        var output = new double[height * outW];
        for (var y = 0; y < height; y++)
        {
            for (var c = 0; c < outW; c++)
            {
                var sum = 0.0;
                for (var t = 0; t < table.Taps; t++)
                {
                    var wt = table.Weights[c * table.Taps + t];
                    if (wt != 0.0)
                    {
                        sum += wt * input[y * width + table.Indices[c * table.Taps + t]];
                    }
                }

                output[y * outW + c] = sum;
            }
        }

        return output;
    }

    private static void AssertBitEqual(ImageTensor expected, ImageTensor actual, string label)
    {
        Assert.Equal(expected.ShapeText, actual.ShapeText);
        var e = expected.Data;
        var a = actual.Data;
        for (var i = 0; i < e.Length; i++)
        {
            if (BitConverter.DoubleToInt64Bits(e[i]) != BitConverter.DoubleToInt64Bits(a[i]))
            {
                Assert.Fail($"{label}: sample {i} is {a[i]:R}, expected {e[i]:R}");
            }
        }
    }
}
