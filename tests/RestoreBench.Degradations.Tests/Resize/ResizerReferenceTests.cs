using RestoreBench.Degradations.Resize;
using RestoreBench.Tests;

namespace RestoreBench.Degradations.Tests.Resize;

public class ResizerReferenceTests
{
    public static TheoryData<string, int> Cases()
    {
        var data = new TheoryData<string, int>();
        foreach (var name in SharedData.ImageNames)
        {
            data.Add(name, 2);
            data.Add(name, 4);
        }

        return data;
    }

    [SharedTheory]
    [MemberData(nameof(Cases))]
    public void Bicubic_downscale_matches_matlab_imresize_bytes(string name, int factor)
    {
        var gt = ReferenceImages.Load(name, "gt");
        var lr = Resizer.Resize(gt, 1.0 / factor);
        ReferenceImages.AssertBytesEqual(ReferenceImages.Load(name, $"lr_x{factor}"), lr, $"{name} lr_x{factor}");
    }

    [SharedTheory]
    [MemberData(nameof(Cases))]
    public void Bicubic_upscale_matches_matlab_imresize_bytes(string name, int factor)
    {
        var lr = ReferenceImages.Load(name, $"lr_x{factor}");
        var up = Resizer.Resize(lr, factor);
        ReferenceImages.AssertBytesEqual(ReferenceImages.Load(name, $"bicubic_x{factor}"), up, $"{name} bicubic_x{factor}");
    }

    [Fact]
    public void Thread_count_does_not_change_a_single_bit()
    {
        var image = new Core.Imaging.ImageTensor(3, 37, 53);
        var rng = new Core.Randomness.SeededRandom(7);
        var d = image.Data;
        for (var i = 0; i < d.Length; i++)
        {
            d[i] = rng.NextDouble();
        }

        var one = Resizer.Resize(image, 0.3, threads: 1);
        var two = Resizer.Resize(image, 0.3, threads: 2);
        Assert.Equal(one.Data.ToArray(), two.Data.ToArray());
    }

    [Theory]
    [InlineData(ResizeKernel.Bicubic)]
    [InlineData(ResizeKernel.Bilinear)]
    [InlineData(ResizeKernel.Lanczos3)]
    [InlineData(ResizeKernel.Nearest)]
    public void Constant_image_stays_constant(ResizeKernel kernel)
    {
        var image = new Core.Imaging.ImageTensor(1, 20, 30);
        image.Data.Fill(0.4);
        foreach (var scale in new[] { 0.25, 0.5, 1.7, 3.0 })
        {
            var resized = Resizer.Resize(image, scale, kernel);
            Assert.Equal(Resizer.OutputLength(20, scale), resized.Height);
            foreach (var v in resized.Data)
            {
                Assert.Equal(0.4, v, 12);
            }
        }
    }
}
