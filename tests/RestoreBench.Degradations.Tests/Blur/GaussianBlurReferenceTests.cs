using RestoreBench.Core.Randomness;
using RestoreBench.Degradations.Blur;
using RestoreBench.Degradations.Pipeline;
using RestoreBench.Tests;

namespace RestoreBench.Degradations.Tests.Blur;

public class GaussianBlurReferenceTests
{
    public static TheoryData<string, int> Cases()
    {
        var data = new TheoryData<string, int>();
        foreach (var name in SharedData.ImageNames)
        {
            data.Add(name, 1);
            data.Add(name, 3);
        }

        return data;
    }

    [SharedTheory]
    [MemberData(nameof(Cases))]
    public void Isotropic_blur_matches_reference_bytes(string name, int sigma)
    {
        var gt = ReferenceImages.Load(name, "gt");
        var blurred = new GaussianBlurStage(sigma, sigma).Apply(gt, new SeededRandom(0));
        ReferenceImages.AssertBytesEqual(ReferenceImages.Load(name, $"blur_s{sigma}"), blurred, $"{name} blur_s{sigma}");
    }

    [Fact]
    public void Kernel_size_default_is_two_ceil_three_sigma_plus_one()
    {
        Assert.Equal(7, GaussianKernel.DefaultSize(1));
        Assert.Equal(19, GaussianKernel.DefaultSize(3));
        Assert.Equal(121, GaussianKernel.DefaultSize(20));
        Assert.Equal(5, GaussianKernel.DefaultSize(0.5));
    }

    [Fact]
    public void Anisotropic_kernel_with_equal_sigmas_equals_separable_product()
    {
        var k1 = GaussianKernel.OneDimensional(1.3, 9);
        var k2 = GaussianKernel.TwoDimensional(1.3, 1.3, 37, 9);
        for (var y = 0; y < 9; y++)
        {
            for (var x = 0; x < 9; x++)
            {
                Assert.Equal(k1[y] * k1[x], k2[y * 9 + x], 14);
            }
        }
    }

    [Fact]
    public void Anisotropic_kernel_is_elongated_along_theta()
    {
        // σx = 3, σy = 1 rotated by 90°: the kernel spreads along y.
        var k = GaussianKernel.TwoDimensional(3, 1, 90, 13);
        var c = 6;
        Assert.True(k[(c + 3) * 13 + c] > k[c * 13 + c + 3] * 10);
    }

    [Theory]
    [InlineData(BorderMode.Symmetric, -1, 0)]
    [InlineData(BorderMode.Symmetric, -2, 1)]
    [InlineData(BorderMode.Symmetric, 5, 4)]
    [InlineData(BorderMode.Replicate, -3, 0)]
    [InlineData(BorderMode.Replicate, 7, 4)]
    [InlineData(BorderMode.Reflect101, -1, 1)]
    [InlineData(BorderMode.Reflect101, 5, 3)]
    [InlineData(BorderMode.Zero, -1, -1)]
    public void Border_modes_map_indices(BorderMode mode, int index, int expected) =>
        Assert.Equal(expected, Borders.Map(index, 5, mode));
}
