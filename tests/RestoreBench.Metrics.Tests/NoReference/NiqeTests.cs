using RestoreBench.Core.Imaging;
using RestoreBench.Core.Randomness;
using RestoreBench.Metrics.NoReference;

namespace RestoreBench.Metrics.Tests.NoReference;

public class NiqeTests
{
    [Fact]
    public void Shape_grid_is_numpy_arange()
    {
        // np.arange(0.2, 10.001, 0.001): length 9801, g[i] = 0.2 + i * ((0.2 + 0.001) - 0.2).
        Assert.Equal(9801, NiqeShapeGrid.Length);
        Assert.Equal(0.2, NiqeShapeGrid.Shape(0));
        Assert.Equal(0.201, NiqeShapeGrid.Shape(1));
        Assert.Equal(BitConverter.UInt64BitsToDouble(0x3FF6F1A9FBE76C90), NiqeShapeGrid.Shape(1234)); // 1.434000000000001
        Assert.Equal(BitConverter.UInt64BitsToDouble(0x4014CCCCCCCCCCD2), NiqeShapeGrid.Shape(5000)); // 5.200000000000005
        Assert.Equal(BitConverter.UInt64BitsToDouble(0x4024000000000004), NiqeShapeGrid.Shape(9800)); // 10.000000000000007
    }

    [Theory]
    [InlineData(1, 0.06375985938689455)]
    [InlineData(1234, 0.5802738455903782)]
    [InlineData(9800, 0.7405345403791714)]
    public void Gamma_ratio_matches_scipy(int index, double expected)
    {
        // Values from scipy.special.gamma (numpy 1.24 / scipy 1.10) on the same grid.
        Assert.True(Math.Abs(NiqeShapeGrid.Ratio(index) / expected - 1) < 1e-12);
    }

    [Fact]
    public void Binary_search_returns_the_argmin_of_a_full_scan()
    {
        Assert.True(NiqeShapeGrid.RatioIsIncreasing);
        var rng = new SeededRandom(11);
        var probes = new List<double> { double.NaN, double.PositiveInfinity, double.NegativeInfinity, -1, 0, 0.05, 2, NiqeShapeGrid.Ratio(0), NiqeShapeGrid.Ratio(NiqeShapeGrid.Length - 1) };
        for (var i = 0; i < 300; i++)
        {
            probes.Add(0.05 + 0.7 * rng.NextDouble());
        }

        for (var i = 1; i < NiqeShapeGrid.Length; i += 97)
        {
            // Grid points and exact midpoints between neighbours (ties of |r - x|).
            probes.Add(NiqeShapeGrid.Ratio(i));
            probes.Add((NiqeShapeGrid.Ratio(i - 1) + NiqeShapeGrid.Ratio(i)) / 2);
        }

        foreach (var x in probes)
        {
            Assert.Equal(NiqeShapeGrid.ArgMinScan(x), NiqeShapeGrid.ArgMin(x));
        }
    }

    [Fact]
    public void Simd_and_scalar_paths_are_bit_identical()
    {
        var image = Noise(3, 200, 296, seed: 5, flatFraction: 0.3);
        var plane = Niqe.InputPlane(image, NiqeChannel.Y, 0, 192, 288);
        var simd = Niqe.FromPlane(plane, 192, 288, 96, allowSimd: true);
        var scalar = Niqe.FromPlane(plane, 192, 288, 96, allowSimd: false);
        Assert.Equal(scalar, simd);

        var window = NiqePristineModel.Instance.Window;
        Assert.Equal(NiqeMscn.Compute(plane, 192, 288, window, allowSimd: false), NiqeMscn.Compute(plane, 192, 288, window, allowSimd: true));
    }

    [Fact]
    public void Default_settings_are_reported_as_text()
    {
        var niqe = new Niqe();
        Assert.Equal("y", niqe.Settings["channel"]);
        Assert.Equal("0", niqe.Settings["crop_border"]);
        Assert.Equal("96", niqe.Settings["block_size"]);
        Assert.Equal("gray", new Niqe(new NiqeOptions(Channel: NiqeChannel.Gray)).Settings["channel"]);
        Assert.Equal(NiqeChannel.Gray, Niqe.ParseChannel("Gray"));
        Assert.Throws<FormatException>(() => Niqe.ParseChannel("luma"));
    }

    [Theory]
    [InlineData(-1, 96)]
    [InlineData(0, 4)]
    public void Invalid_options_throw(int crop, int blockSize)
    {
        var ex = Assert.Throws<ArgumentException>(() => new Niqe(new NiqeOptions(CropBorder: crop, BlockSize: blockSize)));
        Assert.Contains(crop < 0 ? "crop_border" : "block_size", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(95, 300)]
    [InlineData(300, 95)]
    [InlineData(96, 191)]
    public void Too_small_images_throw_a_clear_error(int height, int width)
    {
        var ex = Assert.Throws<ArgumentException>(() => new Niqe().Compute(Noise(3, height, width, seed: 1)));
        Assert.Contains("too small", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Crop_border_counts_against_the_block_requirement()
    {
        var image = Noise(3, 200, 200, seed: 2);
        Assert.True(double.IsFinite(new Niqe().Compute(image)));
        Assert.Throws<ArgumentException>(() => new Niqe(new NiqeOptions(CropBorder: 5)).Compute(image));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void Constant_images_throw_instead_of_returning_nan(int channels)
    {
        var image = new ImageTensor(channels, 200, 200);
        image.Data.Fill(0.5);
        var ex = Assert.Throws<ArgumentException>(() => new Niqe().Compute(image));
        Assert.Contains("constant", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Gray_input_is_its_own_y_and_gray_channel()
    {
        var gray = Noise(1, 192, 192, seed: 3);
        var y = new Niqe().Compute(gray);
        Assert.Equal(y, new Niqe(new NiqeOptions(Channel: NiqeChannel.Gray)).Compute(gray));
        Assert.Equal(y, new Niqe(new NiqeOptions(Channel: NiqeChannel.Gray)).Compute(gray.ToRgb())); // rgb2gray(v, v, v) rounds to v
    }

    [Fact]
    public void Gray_channel_rounds_rgb2gray_half_away_from_zero()
    {
        // 0.298936021293775·R + 0.587043074451121·G + 0.114020904255103·B on code values, then uint8 rounding.
        var image = new ImageTensor(3, 1, 2);
        image.Plane(0)[0] = 200 / 255.0;
        image.Plane(1)[0] = 100 / 255.0;
        image.Plane(2)[0] = 50 / 255.0;
        image.Plane(0)[1] = 1.0;
        image.Plane(1)[1] = 1.0;
        image.Plane(2)[1] = 1.0;
        var plane = Niqe.InputPlane(image, NiqeChannel.Gray, 0, 1, 2);
        Assert.Equal(124.0, plane[0]); // 123.2...
        Assert.Equal(255.0, plane[1]);
    }

    [Fact]
    public void Y_is_computed_from_code_values_and_rounded_half_to_even()
    {
        // (R, G, B) = (172, 116, 70): Y = 125.5 exactly; the reference evaluates
        // (65.481 R + 128.553 G + 24.966 B) / 255 + 16 = 125.49999999999999 and np.round gives 125.
        // (161, 115, 104): 125.5 evaluates to 125.5 and rounds half to even: 126.
        var image = new ImageTensor(3, 1, 2);
        image.Plane(0)[0] = 172 / 255.0;
        image.Plane(1)[0] = 116 / 255.0;
        image.Plane(2)[0] = 70 / 255.0;
        image.Plane(0)[1] = 161 / 255.0;
        image.Plane(1)[1] = 115 / 255.0;
        image.Plane(2)[1] = 104 / 255.0;
        var plane = Niqe.InputPlane(image, NiqeChannel.Y, 0, 1, 2);
        Assert.Equal(125.0, plane[0]);
        Assert.Equal(126.0, plane[1]);
    }

    [Fact]
    public void Pseudo_inverse_inverts_a_regular_matrix_and_zeroes_a_null_space()
    {
        var a = new double[,] { { 4, 1 }, { 1, 3 } };
        var p = Niqe.PseudoInverse(a);
        Assert.Equal(3 / 11.0, p[0, 0], 14);
        Assert.Equal(-1 / 11.0, p[0, 1], 14);
        Assert.Equal(4 / 11.0, p[1, 1], 14);

        var singular = new double[,] { { 1, 1 }, { 1, 1 } };
        var q = Niqe.PseudoInverse(singular);
        Assert.Equal(0.25, q[0, 0], 14);
        Assert.Equal(0.25, q[1, 0], 14);
    }

    /// <summary>8-bit-like noise; a fraction of each row can be made flat (constant) to exercise the flat-region path.</summary>
    internal static ImageTensor Noise(int channels, int height, int width, ulong seed, double flatFraction = 0)
    {
        var image = new ImageTensor(channels, height, width);
        var rng = new SeededRandom(seed);
        var flatWidth = (int)(width * flatFraction);
        for (var c = 0; c < channels; c++)
        {
            var plane = image.Plane(c);
            for (var y = 0; y < height; y++)
            {
                for (var x = 0; x < width; x++)
                {
                    plane[y * width + x] = x < flatWidth ? 120 / 255.0 : Math.Floor(rng.NextDouble() * 256) / 255.0;
                }
            }
        }

        return image;
    }
}
