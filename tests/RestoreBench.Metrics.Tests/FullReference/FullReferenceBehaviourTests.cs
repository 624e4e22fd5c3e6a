using RestoreBench.Core.Imaging;
using RestoreBench.Metrics.FullReference;

namespace RestoreBench.Metrics.Tests.FullReference;

public class FullReferenceBehaviourTests
{
    public static TheoryData<string> AllMetrics => ["psnr", "psnr_y", "ssim", "ssim_y", "ms_ssim", "ms_ssim_rgb"];

    private static IFullReferenceMetric Create(string name, int crop = 0) => name switch
    {
        "psnr" => new Psnr(MetricChannels.Rgb, crop),
        "psnr_y" => new Psnr(MetricChannels.Y, crop),
        "ssim" => new Ssim(MetricChannels.Rgb, crop),
        "ssim_y" => new Ssim(MetricChannels.Y, crop),
        "ms_ssim" => new MsSsim(MetricChannels.Y, crop),
        "ms_ssim_rgb" => new MsSsim(MetricChannels.Rgb, crop),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
    };

    [Fact]
    public void Identical_images_give_infinite_psnr_and_unit_ssim()
    {
        var image = TestImages.Random(3, 170, 180, 3);
        var copy = image.Clone();
        Assert.Equal(double.PositiveInfinity, new Psnr().Compute(image, copy));
        Assert.Equal(double.PositiveInfinity, new Psnr(MetricChannels.Y, 4).Compute(image, copy));
        Assert.Equal(1.0, new Ssim().Compute(image, copy));
        Assert.Equal(1.0, new Ssim(MetricChannels.Y).Compute(image, copy));
        Assert.Equal(1.0, new MsSsim().Compute(image, copy));
        Assert.Equal(1.0, new MsSsim(MetricChannels.Rgb).Compute(image, copy));
    }

    [Fact]
    public void Psnr_follows_the_formula_for_a_constant_offset()
    {
        var a = new ImageTensor(3, 4, 5);
        var b = new ImageTensor(3, 4, 5);
        b.Data.Fill(10.0 / 255.0);
        // MSE = 100 on the 0–255 scale → 10·log10(65025/100).
        Assert.Equal(10.0 * Math.Log10(650.25), new Psnr().Compute(a, b), 12);
    }

    [Theory]
    [MemberData(nameof(AllMetrics))]
    public void Different_sizes_throw_with_both_shapes(string name)
    {
        var a = new ImageTensor(3, 200, 200);
        var b = new ImageTensor(3, 200, 201);
        var e = Assert.Throws<ArgumentException>(() => Create(name).Compute(a, b));
        Assert.Contains("3x200x200", e.Message, StringComparison.Ordinal);
        Assert.Contains("3x200x201", e.Message, StringComparison.Ordinal);
        Assert.StartsWith(Create(name).Descriptor.Name + ":", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(AllMetrics))]
    public void Gray_against_rgb_throws(string name)
    {
        var gray = new ImageTensor(1, 200, 200);
        var rgb = new ImageTensor(3, 200, 200);
        var e = Assert.Throws<ArgumentException>(() => Create(name).Compute(gray, rgb));
        Assert.Contains("gray", e.Message, StringComparison.Ordinal);
        Assert.Contains("RGB", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(AllMetrics))]
    public void Crop_removing_everything_throws(string name)
    {
        var a = new ImageTensor(3, 200, 200);
        var e = Assert.Throws<ArgumentException>(() => Create(name, 100).Compute(a, a.Clone()));
        Assert.Contains("crop_border 100", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Negative_crop_throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Ssim(MetricChannels.Rgb, -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new MetricOptions { CropBorder = -1 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new MetricOptions { DegreeOfParallelism = 0 });
    }

    [Fact]
    public void Ssim_needs_an_11x11_valid_region()
    {
        var a = new ImageTensor(1, 20, 30);
        var e = Assert.Throws<ArgumentException>(() => new Ssim(MetricChannels.Rgb, 5).Compute(a, a.Clone()));
        Assert.Contains("11x11", e.Message, StringComparison.Ordinal);
        Assert.Contains("10x20", e.Message, StringComparison.Ordinal);
        Assert.Equal(1.0, new Ssim(MetricChannels.Rgb, 4).Compute(a, a.Clone()));
    }

    [Fact]
    public void Ms_ssim_needs_161_pixels_per_side_after_cropping()
    {
        var (reference, restored) = TestImages.Pair(1, 161, 170, 11);
        Assert.InRange(new MsSsim().Compute(restored, reference), 0.0, 1.0);
        var small = new ImageTensor(1, 160, 300);
        var e = Assert.Throws<ArgumentException>(() => new MsSsim().Compute(small, small.Clone()));
        Assert.Contains("161x161", e.Message, StringComparison.Ordinal);
        Assert.Contains("160x300", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new MsSsim(MetricChannels.Y, 1).Compute(restored, reference));
    }

    [Theory]
    [MemberData(nameof(AllMetrics))]
    public void Crop_border_equals_cropping_first(string name)
    {
        var (reference, restored) = TestImages.Pair(3, 190, 175, 21);
        var viaOption = Create(name, 6).Compute(restored, reference);
        var viaCrop = Create(name).Compute(restored.CropBorder(6), reference.CropBorder(6));
        Assert.Equal(viaCrop, viaOption);
    }

    [Fact]
    public void Rgb_ssim_is_the_mean_of_the_channel_ssims()
    {
        var (reference, restored) = TestImages.Pair(3, 60, 70, 5);
        var sum = 0.0;
        for (var c = 0; c < 3; c++)
        {
            sum += SsimKernels.Compute(MetricPlane.Channel255(restored, c), MetricPlane.Channel255(reference, c), 1).Ssim;
        }

        Assert.Equal(sum / 3, new Ssim().Compute(restored, reference));
    }

    [Fact]
    public void Average_pooling_pads_odd_sides_with_a_leading_zero()
    {
        // 3x3 plane: padded to 4x4 with a zero row on top and a zero column on the left.
        var plane = MetricPlane.FromValues([1, 2, 3, 4, 5, 6, 7, 8, 9], 3, 3);
        var pooled = MsSsim.AveragePool2(plane);
        Assert.Equal(2, pooled.Height);
        Assert.Equal(2, pooled.Width);
        Assert.Equal(new[] { 1 / 4.0, (2 + 3) / 4.0, (4 + 7) / 4.0, (5 + 6 + 8 + 9) / 4.0 }, pooled.ToArray());
        var even = MsSsim.AveragePool2(MetricPlane.FromValues([1, 2, 3, 4, 5, 6, 7, 8], 2, 4));
        Assert.Equal(new[] { (1 + 2 + 5 + 6) / 4.0, (3 + 4 + 7 + 8) / 4.0 }, even.ToArray());
    }

    [Fact]
    public void Settings_list_the_value_changing_options()
    {
        var ssim = new Ssim(MetricChannels.Y, 4, 1);
        Assert.Equal("4", ssim.Settings["crop_border"]);
        Assert.Equal("y", ssim.Settings["channels"]);
        Assert.Equal("255", ssim.Settings["data_range"]);
        Assert.False(ssim.Settings.ContainsKey("degree_of_parallelism"));
        var ms = new MsSsim();
        Assert.Equal("5", ms.Settings["scales"]);
        Assert.Equal("0.0448,0.2856,0.3001,0.2363,0.1333", ms.Settings["weights"]);
        Assert.Equal("rgb", new Psnr().Settings["channels"]);
    }

    [Fact]
    public void Window_is_a_normalised_symmetric_gaussian()
    {
        var g = SsimKernels.Window;
        Assert.Equal(11, g.Length);
        var sum = 0.0;
        for (var k = 0; k < 11; k++)
        {
            sum += g[k];
            Assert.Equal(g[k], g[10 - k]);
        }

        Assert.Equal(1.0, sum, 15);
        Assert.Equal(Math.Exp(-25 / 4.5) / Math.Exp(0), g[0] / g[5], 14);
        Assert.Equal(6.5025, SsimKernels.C1, 12);
        Assert.Equal(58.5225, SsimKernels.C2, 12);
    }
}
