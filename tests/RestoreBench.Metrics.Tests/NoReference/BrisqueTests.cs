using RestoreBench.Core.Imaging;
using RestoreBench.Metrics.NoReference;

namespace RestoreBench.Metrics.Tests.NoReference;

public class BrisqueTests
{
    [Fact]
    public void Gaussian_kernel_has_opencv_float_bits()
    {
        // cv2.getGaussianKernel(7, 7/6, ktype=cv2.CV_32F), OpenCV 4.6.
        uint[] expected = [0x3c4dc94d, 0x3da1708e, 0x3e72fdbe, 0x3eaf6d66, 0x3e72fdbe, 0x3da1708e, 0x3c4dc94d];
        var kernel = OpenCvFloat.GaussianKernel(7, 7.0 / 6.0);
        for (var i = 0; i < 7; i++)
        {
            Assert.Equal(expected[i], BitConverter.SingleToUInt32Bits(kernel[i]));
        }
    }

    [Theory]
    [InlineData(0, 0, 250, 28)] // the 14-bit fixed point of older OpenCV versions gives 29
    [InlineData(0, 1, 201, 23)]
    [InlineData(0, 2, 152, 18)]
    [InlineData(255, 255, 255, 255)]
    [InlineData(255, 0, 0, 76)]
    public void Gray_is_opencv_cvtColor_on_bytes(int r, int g, int b, int expected)
    {
        Assert.Equal(expected, OpenCvFloat.Gray(r, g, b));
    }

    [Fact]
    public void Unit_scaling_is_a_float_product()
    {
        // convertTo(CV_32F, 1/255) multiplies in float; 126 of the 256 values differ from (float)(v / 255.0).
        Assert.Equal(BitConverter.SingleToUInt32Bits(3f * (float)(1.0 / 255.0)), BitConverter.SingleToUInt32Bits(OpenCvFloat.ToUnit(3)));
        Assert.Equal(0x3b808081u, BitConverter.SingleToUInt32Bits(OpenCvFloat.ToUnit(1)));
    }

    [Fact]
    public void Half_resize_has_opencv_inter_cubic_bits()
    {
        // cv2.resize(img, (W/2, H/2), interpolation=cv2.INTER_CUBIC) on float32, OpenCV 4.6;
        // img[y, x] = ((y·W + x)·37 mod 256) · (float)(1/255).
        var a = Ramp(7, 9);
        var half = OpenCvFloat.ResizeCubicHalf(a, 7, 9, out var h2, out var w2);
        Assert.Equal((3, 4), (h2, w2));
        uint[] expected = [0x3e801ca0, 0x3f2f37c4, 0x3e3941d4, 0x3e5fdd36, 0x3eae62a3, 0x3ea05758, 0x3f26cb4c, 0x3f1fc5a7, 0x3f3effa7, 0x3f48a684, 0x3e8f7e6c, 0x3f36e8a4];
        Assert.Equal(expected, half.Select(BitConverter.SingleToUInt32Bits).ToArray());

        // 21 wide: columns 8 and 9 are the scalar tail of OpenCV's 4-wide vertical pass.
        var b = OpenCvFloat.ResizeCubicHalf(Ramp(15, 21), 15, 21, out _, out var wb);
        Assert.Equal(10, wb);
        (int Y, int X, uint Bits)[] samples = [(0, 0, 0x3da949f1), (0, 9, 0x3f585211), (3, 5, 0x3f59f2c2), (6, 8, 0x3f285c79), (6, 9, 0x3e9a724f), (2, 8, 0x3f2f37c2)];
        foreach (var (y, x, bits) in samples)
        {
            Assert.Equal(bits, BitConverter.SingleToUInt32Bits(b[y * 10 + x]));
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Gaussian_blur_has_opencv_bits(bool allowSimd)
    {
        // cv2.GaussianBlur(img, (7, 7), 7/6, 0, borderType=cv2.BORDER_REPLICATE) on a 9x11 float32 ramp.
        var blurred = OpenCvFloat.GaussianBlur7(Ramp(9, 11), 9, 11, OpenCvFloat.GaussianKernel(7, 7.0 / 6.0), allowSimd);
        (int Y, int X, uint Bits)[] samples = [(0, 0, 0x3e646c50), (0, 10, 0x3ec132fd), (4, 5, 0x3f00abba), (8, 0, 0x3f11184d), (8, 10, 0x3ea88ecb), (3, 9, 0x3ef5b7bc)];
        foreach (var (y, x, bits) in samples)
        {
            Assert.Equal(bits, BitConverter.SingleToUInt32Bits(blurred[y * 11 + x]));
        }
    }

    [Fact]
    public void Simd_and_scalar_paths_are_bit_identical()
    {
        var image = NiqeTests.Noise(3, 61, 77, seed: 9, flatFraction: 0.4);
        Assert.Equal(Brisque.ComputeFeatures(image, allowSimd: false), Brisque.ComputeFeatures(image, allowSimd: true));
    }

    [Fact]
    public void Score_is_clamped_to_0_100()
    {
        var brisque = new Brisque();
        Assert.InRange(brisque.Compute(NiqeTests.Noise(3, 64, 64, seed: 4)), 0, 100);
        Assert.InRange(brisque.Compute(NiqeTests.Noise(1, 33, 47, seed: 6, flatFraction: 0.5)), 0, 100);
    }

    [Theory]
    [InlineData(13, 100)]
    [InlineData(100, 13)]
    public void Too_small_images_throw_a_clear_error(int height, int width)
    {
        var ex = Assert.Throws<ArgumentException>(() => new Brisque().Compute(NiqeTests.Noise(1, height, width, seed: 1)));
        Assert.Contains("too small", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constant_images_throw_instead_of_returning_a_meaningless_score()
    {
        // OpenCV returns 100 here only because NaN features pass through its clamp; the features are undefined.
        var image = new ImageTensor(3, 64, 64);
        image.Data.Fill(0.3);
        var ex = Assert.Throws<ArgumentException>(() => new Brisque().Compute(image));
        Assert.Contains("undefined", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Embedded_model_is_the_opencv_live_svr()
    {
        var model = BrisqueModel.Live;
        Assert.Equal(36, model.FeatureCount);
        Assert.Equal(774, model.SupportVectorCount);
        Assert.Equal(0.05, model.Gamma);
        Assert.Equal(-1.4963506109127357e+02, model.Rho);
        Assert.Equal(0.344000012f, model.RangeMin[0]);
        Assert.Equal(10f, model.RangeMax[0]);
        Assert.Equal(-0.597555935f, model.SupportVectors[0]);
    }

    [Theory]
    [InlineData("%YAML:1.0\n---\nopencv_ml_svm:\n   svmType: C_SVC\n", "EPS_SVR")]
    [InlineData("%YAML:1.0\n---\nopencv_ml_svm:\n   svmType: EPS_SVR\n   kernel:\n      type: LINEAR\n", "RBF")]
    [InlineData("%YAML:1.0\n---\nopencv_ml_svm:\n   svmType: EPS_SVR\n   kernel:\n      type: RBF\n      gamma: 0.5\n   var_count: 2\n   sv_total: 1\n   support_vectors:\n      - [ 1., 2., 3. ]\n", "support vector 0")]
    public void Model_parser_rejects_other_content_with_a_message(string yaml, string expected)
    {
        var ex = Assert.Throws<InvalidDataException>(() => BrisqueModel.Parse(yaml, ""));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Settings_name_the_variant()
    {
        Assert.Equal("opencv-quality-brisque", new Brisque().Settings["variant"]);
        Assert.Equal("brisque", Brisque.MetricName);
    }

    private static float[] Ramp(int height, int width)
    {
        var values = new float[height * width];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = OpenCvFloat.ToUnit((byte)(i * 37 % 256));
        }

        return values;
    }
}
