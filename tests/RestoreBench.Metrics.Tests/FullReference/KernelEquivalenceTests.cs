using RestoreBench.Core.Imaging;
using RestoreBench.Metrics.FullReference;

namespace RestoreBench.Metrics.Tests.FullReference;

/// <summary>Scalar and Vector256 twins agree; results are bit-identical for every thread count.</summary>
public class KernelEquivalenceTests
{
    // Widths chosen to hit: several column tiles plus a ragged last tile (600 → 590 outputs = 256+256+78),
    // a width whose output is not a multiple of 4 (11 → 1), and exactly one tile (266 → 256).
    [Theory]
    [InlineData(11, 11)]
    [InlineData(40, 600)]
    [InlineData(75, 37)]
    [InlineData(300, 266)]
    [InlineData(13, 1031)]
    public void Ssim_scalar_and_vector_agree(int height, int width)
    {
        var (reference, restored) = TestImages.Pair(1, height, width, (ulong)(height * 7919 + width));
        var x = MetricPlane.Channel255(restored, 0);
        var y = MetricPlane.Channel255(reference, 0);
        var scalar = SsimKernels.ComputeScalar(x, y, 1);
        var vector = SsimKernels.ComputeVector(x, y, 1);
        Assert.InRange(scalar.Ssim, 0.05, 0.999);
        Assert.True(Math.Abs(scalar.Ssim - vector.Ssim) <= 1e-12, $"ssim {scalar.Ssim:R} vs {vector.Ssim:R}");
        Assert.True(Math.Abs(scalar.ContrastStructure - vector.ContrastStructure) <= 1e-12, $"cs {scalar.ContrastStructure:R} vs {vector.ContrastStructure:R}");
    }

    [Fact]
    public void Ssim_scalar_and_vector_agree_on_luma_of_random_rgb()
    {
        var a = TestImages.Random(3, 97, 301, 1);
        var b = TestImages.Random(3, 97, 301, 2);
        var scalar = SsimKernels.ComputeScalar(MetricPlane.LumaY255(a, 3), MetricPlane.LumaY255(b, 3), 1);
        var vector = SsimKernels.ComputeVector(MetricPlane.LumaY255(a, 3), MetricPlane.LumaY255(b, 3), 1);
        Assert.True(Math.Abs(scalar.Ssim - vector.Ssim) <= 1e-12);
        Assert.True(Math.Abs(scalar.ContrastStructure - vector.ContrastStructure) <= 1e-12);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(17, 3)]
    [InlineData(201, 517)]
    public void Psnr_scalar_and_vector_agree(int height, int width)
    {
        var (reference, restored) = TestImages.Pair(3, height, width, 99);
        for (var c = 0; c < 3; c++)
        {
            var a = MetricPlane.Channel255(restored, c);
            var b = MetricPlane.Channel255(reference, c);
            var scalar = PsnrKernels.SumSquaredDifferenceScalar(a, b, 1);
            var vector = PsnrKernels.SumSquaredDifferenceVector(a, b, 1);
            Assert.True(Math.Abs(scalar - vector) <= 1e-12 * scalar, $"{scalar:R} vs {vector:R}");
        }
    }

    [Fact]
    public void Luma_view_matches_Luma_YMatlab255_bit_for_bit()
    {
        var image = TestImages.Random(3, 9, 23, 5);
        var expected = Luma.YMatlab255(image);
        var actual = MetricPlane.LumaY255(image).ToArray();
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void Results_are_bit_identical_for_every_degree_of_parallelism()
    {
        var (reference, restored) = TestImages.Pair(3, 389, 301, 7);
        var metrics = new Func<int, IFullReferenceMetric>[]
        {
            d => new Psnr(MetricChannels.Rgb, 2, d),
            d => new Psnr(MetricChannels.Y, 0, d),
            d => new Ssim(MetricChannels.Rgb, 0, d),
            d => new Ssim(MetricChannels.Y, 4, d),
            d => new MsSsim(MetricChannels.Y, 0, d),
        };
        foreach (var create in metrics)
        {
            var single = create(1).Compute(restored, reference);
            foreach (var degree in new[] { 2, 3, 5, 16 })
            {
                var parallel = create(degree).Compute(restored, reference);
                Assert.Equal(BitConverter.DoubleToInt64Bits(single), BitConverter.DoubleToInt64Bits(parallel));
            }
        }
    }
}
