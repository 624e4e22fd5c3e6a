using RestoreBench.Core.Imaging;
using RestoreBench.Core.Randomness;
using RestoreBench.Degradations.Blur;

namespace RestoreBench.Degradations.Tests.Blur;

/// <summary>
/// The streamed, tiled Vector512, Vector256 and scalar paths of <see cref="Convolution.Separable(ImageTensor, double[], double[], BorderMode, int)"/>
/// against a plain two-pass reference (the former implementation): bit for bit, for every border,
/// odd and even and one-tap kernels, images smaller than the kernel, several tile widths and thread counts
/// (so that rows go through both the four-row blocks and the single-row border path).
/// </summary>
public class SeparableConvolutionEquivalenceTests
{
    public static TheoryData<int, int, int, int, BorderMode> Cases()
    {
        var data = new TheoryData<int, int, int, int, BorderMode>();
        foreach (var border in new[] { BorderMode.Symmetric, BorderMode.Replicate, BorderMode.Reflect101, BorderMode.Zero })
        {
            data.Add(37, 53, 7, 7, border);
            data.Add(40, 67, 19, 19, border);
            data.Add(61, 131, 5, 9, border);  // many interior four-row blocks
            data.Add(5, 3, 19, 7, border);    // image smaller than the kernels (repeated reflections)
            data.Add(19, 21, 19, 19, border); // height equal to the kernel length
            data.Add(23, 16, 4, 6, border);   // even lengths
            data.Add(2, 1, 1, 3, border);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Vector_and_scalar_paths_equal_the_two_pass_reference_bit_for_bit(int height, int width, int lengthX, int lengthY, BorderMode border)
    {
        var rng = new SeededRandom((ulong)(height * 1000 + width * 10 + lengthX + (int)border));
        var image = RandomImage(3, height, width, rng);
        var kx = RandomKernel(lengthX, rng);
        var ky = RandomKernel(lengthY, rng);
        var expected = TwoPassReference(image, kx, ky, border);
        foreach (var threads in new[] { 1, 2, 3 })
        {
            foreach (var path in SimdPaths.All)
            {
                // The default tile, and narrow tiles so that interior and border tiles both occur.
                foreach (var tile in new[] { Convolution.DefaultTileWidth, 64, 16, 5 })
                {
                    AssertBitEqual(expected, Convolution.Separable(image, kx, ky, border, threads, path, tile), $"{path}, {threads} threads, tile {tile}");
                }
            }
        }
    }

    [Fact]
    public void Gaussian_sigma_3_on_a_large_gray_image_is_bit_identical()
    {
        var rng = new SeededRandom(3);
        var image = RandomImage(1, 131, 250, rng);
        var k = GaussianKernel.OneDimensional(3, GaussianKernel.DefaultSize(3));
        var expected = TwoPassReference(image, k, k, BorderMode.Symmetric);
        AssertBitEqual(expected, Convolution.Separable(image, k, k, BorderMode.Symmetric, 2), "public entry point");
    }

    [Fact]
    public void Writing_into_a_reused_destination_overwrites_every_sample()
    {
        var rng = new SeededRandom(5);
        var image = RandomImage(3, 41, 300, rng);
        var k = GaussianKernel.OneDimensional(1, GaussianKernel.DefaultSize(1));
        var expected = TwoPassReference(image, k, k, BorderMode.Reflect101);
        var destination = new ImageTensor(3, 41, 300);
        destination.Data.Fill(double.NaN);
        Convolution.SeparableInto(image, k, k, BorderMode.Reflect101, destination, 2, SimdPaths.Best);
        AssertBitEqual(expected, destination, "reused destination");
        Assert.Throws<ArgumentException>(() => Convolution.SeparableInto(image, k, k, BorderMode.Symmetric, image, 1, SimdPaths.Best));
        Assert.Throws<ArgumentException>(() => Convolution.SeparableInto(image, k, k, BorderMode.Symmetric, new ImageTensor(3, 41, 299), 1, SimdPaths.Best));
    }

    [Fact]
    public void Empty_kernels_are_rejected()
    {
        var image = new ImageTensor(1, 4, 4);
        Assert.Throws<ArgumentException>(() => Convolution.Separable(image, [], [1.0], BorderMode.Symmetric));
        Assert.Throws<ArgumentException>(() => Convolution.Separable(image, [1.0], [], BorderMode.Symmetric));
        Assert.Throws<ArgumentOutOfRangeException>(() => Convolution.Separable(image, [1.0], [1.0], BorderMode.Symmetric, -1));
    }

    private static ImageTensor RandomImage(int channels, int height, int width, SeededRandom rng)
    {
        var image = new ImageTensor(channels, height, width);
        var d = image.Data;
        for (var i = 0; i < d.Length; i++)
        {
            d[i] = rng.NextDouble() * 2.0 - 0.5;
        }

        return image;
    }

    private static double[] RandomKernel(int length, SeededRandom rng)
    {
        var k = new double[length];
        for (var i = 0; i < length; i++)
        {
            k[i] = rng.NextDouble() - 0.25;
        }

        return k;
    }

    /// <summary>Full horizontal pass into a temporary plane, then a full vertical pass; sums from 0 in tap order.</summary>
    private static ImageTensor TwoPassReference(ImageTensor image, double[] kx, double[] ky, BorderMode border)
    {
        int h = image.Height, w = image.Width, rx = kx.Length / 2, ry = ky.Length / 2;
        var result = new ImageTensor(image.Channels, h, w);
        for (var c = 0; c < image.Channels; c++)
        {
            var src = image.ReadPlane(c).ToArray();
            var temp = new double[h * w];
            for (var y = 0; y < h; y++)
            {
                for (var x = 0; x < w; x++)
                {
                    var sum = 0.0;
                    for (var t = 0; t < kx.Length; t++)
                    {
                        var sx = Borders.Map(x + t - rx, w, border);
                        sum += kx[t] * (sx < 0 ? 0.0 : src[y * w + sx]);
                    }

                    temp[y * w + x] = sum;
                }
            }

            var dst = result.Plane(c);
            for (var y = 0; y < h; y++)
            {
                for (var x = 0; x < w; x++)
                {
                    var sum = 0.0;
                    for (var t = 0; t < ky.Length; t++)
                    {
                        var sy = Borders.Map(y + t - ry, h, border);
                        if (sy >= 0)
                        {
                            sum += ky[t] * temp[sy * w + x];
                        }
                    }

                    dst[y * w + x] = sum;
                }
            }
        }

        return result;
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
