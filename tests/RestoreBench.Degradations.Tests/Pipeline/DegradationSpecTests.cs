using RestoreBench.Core.Imaging;
using RestoreBench.Degradations.Pipeline;
using RestoreBench.Degradations.Resize;
using RestoreBench.Tests;

namespace RestoreBench.Degradations.Tests.Pipeline;

public class DegradationSpecTests
{
    [Theory]
    [InlineData("blur(sigma=1)|down(scale=2)|noise(sigma=10)|jpeg(quality=30)")]
    [InlineData("blur(sigma_x=2,sigma_y=0.5,theta=30,ksize=15,border=replicate)")]
    [InlineData("down(scale=4,kernel=lanczos3,antialias=false)|poisson(scale=0.5,gray=true)")]
    [InlineData("noise(sigma=2.5,gray=true)")]
    [InlineData("down(scale=1.3)|fit(scale=4,kernel=bilinear)")]
    public void Compact_and_json_forms_round_trip(string text)
    {
        var spec = DegradationSpec.Parse(text);
        Assert.Equal(text, spec.ToString());
        var json = spec.ToJson();
        Assert.Equal(spec, DegradationSpec.FromJson(json));
        Assert.Equal(text, DegradationSpec.FromJson(json).ToString());
    }

    [Fact]
    public void Parsing_normalises_spaces_and_equal_sigmas()
    {
        var spec = DegradationSpec.Parse(" blur( sigma_x = 2 , sigma_y = 2 ) | down(scale=2.0) ");
        Assert.Equal("blur(sigma=2)|down(scale=2)", spec.ToString());
        Assert.Equal("{\"stages\":[{\"op\":\"blur\",\"sigma\":2},{\"op\":\"down\",\"scale\":2}]}", spec.ToJson());
    }

    [Theory]
    [InlineData("blurr(sigma=1)", "unknown degradation 'blurr'; did you mean 'blur'?")]
    [InlineData("blur(sigm=1)", "blur: unknown parameter 'sigm'")]
    [InlineData("blur(sigma=abc)", "blur: parameter 'sigma' must be a number, got 'abc'")]
    [InlineData("blur(sigma=-1)", "blur: sigma must be positive")]
    [InlineData("blur(sigma=1", "stage 'blur(sigma=1' must end with ')'")]
    [InlineData("down(scale=2)||jpeg(quality=3)", "empty stage")]
    [InlineData("jpeg(quality=101)", "jpeg: quality must be within 1..100, got 101")]
    [InlineData("down(kernel=bicubic)", "down: missing parameter 'scale'")]
    [InlineData("down(scale=2,kernel=cubicle)", "unknown resize kernel 'cubicle'")]
    [InlineData("noise(sigma=1,sigma=2)", "noise: parameter 'sigma' given twice")]
    [InlineData("", "empty stage")]
    public void Malformed_specs_fail_with_a_clear_message(string text, string expected)
    {
        var e = Assert.Throws<FormatException>(() => DegradationSpec.Parse(text));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Alpha_is_the_product_of_resampling_factors_and_linear_part_drops_noise()
    {
        var spec = DegradationSpec.Parse("blur(sigma=1)|down(scale=2)|noise(sigma=5)|down(scale=1.5)|jpeg(quality=50)");
        Assert.Equal(3.0, spec.Alpha, 12);
        Assert.Equal("blur(sigma=1)|down(scale=2)|down(scale=1.5)", spec.LinearPart()!.ToString());
        Assert.Null(DegradationSpec.Parse("noise(sigma=5)").LinearPart());
        Assert.Equal(4.0, DegradationSpec.Parse("down(scale=1.7)|fit(scale=4)").Alpha);
    }

    [Fact]
    public void Same_seed_same_bytes_and_different_seed_differs()
    {
        var image = Gradient(3, 40, 50);
        var spec = DegradationSpec.Parse("blur(sigma=1.5)|down(scale=2)|noise(sigma=10)|poisson(scale=1)|jpeg(quality=40)");
        var a = spec.Apply(image, 42, "img");
        var b = spec.Apply(image, 42, "img");
        var c = spec.Apply(image, 43, "img");
        var d = spec.Apply(image, 42, "other");
        Assert.Equal(a.Data.ToArray(), b.Data.ToArray());
        Assert.NotEqual(a.Data.ToArray(), c.Data.ToArray());
        Assert.NotEqual(a.Data.ToArray(), d.Data.ToArray());
        Assert.Equal(20, a.Height);
        Assert.Equal(25, a.Width);
    }

    [Fact]
    public void Gaussian_noise_has_the_requested_standard_deviation()
    {
        var image = new ImageTensor(3, 200, 200);
        image.Data.Fill(0.5);
        var noisy = DegradationSpec.Parse("noise(sigma=10)").Apply(image, 1, "flat");
        double sum = 0, sum2 = 0;
        foreach (var v in noisy.Data)
        {
            var e = (v - 0.5) * 255;
            sum += e;
            sum2 += e * e;
        }

        var n = noisy.Data.Length;
        var mean = sum / n;
        Assert.InRange(mean, -0.1, 0.1);
        Assert.InRange(Math.Sqrt(sum2 / n - mean * mean), 9.9, 10.1);
    }

    [Fact]
    public void Gray_noise_is_shared_by_the_channels()
    {
        var image = new ImageTensor(3, 30, 30);
        image.Data.Fill(0.5);
        var noisy = DegradationSpec.Parse("noise(sigma=10,gray=true)").Apply(image, 1, "flat");
        Assert.Equal(noisy.Plane(0).ToArray(), noisy.Plane(2).ToArray());
    }

    [Fact]
    public void Poisson_noise_has_variance_of_the_photon_count()
    {
        // λ = 255·0.4 = 102 counts: the noise std on the 0–255 scale is √102 ≈ 10.1.
        var image = new ImageTensor(1, 300, 300);
        image.Data.Fill(0.4);
        var noisy = DegradationSpec.Parse("poisson(scale=1)").Apply(image, 3, "flat");
        double sum = 0, sum2 = 0;
        foreach (var v in noisy.Data)
        {
            var e = (v - 0.4) * 255;
            sum += e;
            sum2 += e * e;
        }

        var n = noisy.Data.Length;
        Assert.InRange(sum / n, -0.1, 0.1);
        Assert.InRange(sum2 / n, 102 * 0.97, 102 * 1.03);
    }

    [SharedFact]
    public void Jpeg_matches_the_libjpeg_turbo_reference_bytes()
    {
        // The reference was encoded by OpenCV's libjpeg-turbo at quality 30; libvips uses the same
        // library with the same defaults (4:2:0, standard tables, baseline, fancy upsampling).
        foreach (var name in SharedData.ImageNames)
        {
            var gt = ReferenceImages.Load(name, "gt");
            var actual = DegradationSpec.Parse("jpeg(quality=30)").Apply(gt, 0, name);
            ReferenceImages.AssertBytesEqual(ReferenceImages.Load(name, "jpeg_q30"), actual, $"{name} jpeg_q30");
        }
    }

    [SharedFact]
    public void Downsample_stage_equals_matlab_reference()
    {
        var gt = ReferenceImages.Load("coffee", "gt");
        var lr = DegradationSpec.Parse("down(scale=4)").Apply(gt, 0, "coffee");
        ReferenceImages.AssertBytesEqual(ReferenceImages.Load("coffee", "lr_x4"), lr, "down(scale=4)");
        Assert.Equal(Resizer.OutputLength(288, 0.25), lr.Height);
    }

    internal static ImageTensor Gradient(int channels, int h, int w)
    {
        var image = new ImageTensor(channels, h, w);
        for (var c = 0; c < channels; c++)
        {
            var p = image.Plane(c);
            for (var y = 0; y < h; y++)
            {
                for (var x = 0; x < w; x++)
                {
                    p[y * w + x] = (0.3 * x / w) + (0.5 * y / h) + 0.1 * c;
                }
            }
        }

        return image;
    }
}
