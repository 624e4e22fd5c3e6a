using RestoreBench.Core.Imaging;
using RestoreBench.Degradations.Resize;
using RestoreBench.Restorers.Classical;
using RestoreBench.Tests;

namespace RestoreBench.Restorers.Tests.Classical;

public class ClassicalRestorerTests
{
    [SharedTheory]
    [InlineData("astronaut", 2)]
    [InlineData("camera", 4)]
    [InlineData("coffee", 4)]
    public void Bicubic_reproduces_the_matlab_imresize_reference_bytes(string name, int scale)
    {
        using var restorer = ClassicalRestorers.Create($"classical:bicubic(scale={scale})");
        var up = restorer.Restore(TestImages.Reference($"{name}_lr_x{scale}.png"));
        var expected = TestImages.Reference($"{name}_bicubic_x{scale}.png");
        Assert.Equal(expected.ShapeText, up.ShapeText);
        var e = expected.Data;
        var a = up.Data;
        for (var i = 0; i < e.Length; i++)
        {
            Assert.Equal(Rounding.Quantize(e[i], 255, RoundingMode.HalfAwayFromZero), Rounding.Quantize(a[i], 255, RoundingMode.HalfAwayFromZero));
        }
    }

    [Fact]
    public void Lanczos3_upsamples_by_the_scale_and_keeps_a_constant_image()
    {
        using var restorer = ClassicalRestorers.Create("classical:lanczos3(scale=3)");
        Assert.Equal(3, restorer.Info.Scale);
        var flat = new ImageTensor(3, 10, 7);
        flat.Data.Fill(0.4);
        var up = restorer.Restore(flat);
        Assert.Equal("3x30x21", up.ShapeText);
        foreach (var v in up.Data)
        {
            Assert.Equal(0.4, v, 12);
        }

        var pattern = TestImages.Pattern(1, 20, 20);
        TestImages.AssertBitIdentical(Resizer.Resize(pattern, 3, ResizeKernel.Lanczos3), restorer.Restore(pattern), "lanczos3");
    }

    [Theory]
    [InlineData("classical:wiener(sigma=2,balance=0.02)")]
    [InlineData("classical:richardson_lucy(sigma=1.5,iterations=7,filter_epsilon=0.001)")]
    [InlineData("classical:bicubic(scale=2)")]
    public void Thread_count_does_not_change_a_single_bit(string spec)
    {
        var image = TestImages.Pattern(3, 45, 38);
        using var one = ClassicalRestorers.Create(spec, threads: 1);
        using var three = ClassicalRestorers.Create(spec, threads: 3);
        TestImages.AssertBitIdentical(one.Restore(image), three.Restore(image), spec);
    }

    [Fact]
    public void Wiener_inverts_a_circular_blur_when_unregularised()
    {
        // With balance → 0 the Wiener filter is the inverse filter; a circularly blurred image comes back.
        var psf = new GaussianPsf(1.0);
        var sharp = TestImages.Pattern(1, 32, 30);
        var blurred = CircularBlur(sharp, psf);
        using var restorer = new WienerRestorer(psf, balance: 1e-12, clip: false);
        Assert.True(TestImages.MaxAbsDifference(sharp, restorer.Restore(blurred)) < 1e-6);
    }

    [Fact]
    public void Richardson_lucy_on_a_constant_image_converges_inside_and_darkens_the_zero_border()
    {
        // Each iteration reaches 2 x 3 px further in from the border; after 5, the centre of 100x100 is untouched.
        var flat = new ImageTensor(1, 100, 100);
        flat.Data.Fill(0.5);
        using var restorer = new RichardsonLucyRestorer(new GaussianPsf(1.0), iterations: 5);
        var r = restorer.Restore(flat);
        Assert.Equal(0.5, r.ReadPlane(0)[50 * 100 + 50], 9); // the 1e-12 division guard drifts it slightly
        Assert.NotEqual(0.5, r.ReadPlane(0)[0], 3);
    }

    [Fact]
    public void Wiener_refuses_an_image_smaller_than_the_psf()
    {
        using var restorer = ClassicalRestorers.Create("classical:wiener(sigma=3)");
        var e = Assert.Throws<RestorerException>(() => restorer.Restore(new ImageTensor(1, 10, 40)));
        Assert.Contains("19x19", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("classical:bicubic(scale=4)", "classical:bicubic(scale=4)", 4)]
    [InlineData("classical:LANCZOS3(scale=2)", "classical:lanczos3(scale=2)", 2)]
    [InlineData("wiener(sigma=3)", "classical:wiener(sigma=3,balance=0.05)", 1)]
    [InlineData("classical:wiener( sigma = 1 , balance=0.1, clip=false)", "classical:wiener(sigma=1,balance=0.1,clip=false)", 1)]
    [InlineData("classical:richardson_lucy(sigma=3,iterations=30)", "classical:richardson_lucy(sigma=3,iterations=30)", 1)]
    [InlineData("classical:richardson_lucy(sigma=0.5,ksize=7,filter_epsilon=0.01)", "classical:richardson_lucy(sigma=0.5,iterations=50,filter_epsilon=0.01,ksize=7)", 1)]
    [InlineData("classical:richardson_lucy(sigma=0.5,ksize=5)", "classical:richardson_lucy(sigma=0.5,iterations=50)", 1)]
    public void Specs_parse_to_canonical_names(string spec, string name, int scale)
    {
        using var restorer = ClassicalRestorers.Create(spec);
        Assert.Equal(name, restorer.Info.Name);
        Assert.Equal(scale, restorer.Info.Scale);
        Assert.Equal(0, restorer.Info.ParameterCount);
        Assert.Equal(RestorerKind.Classical, restorer.Info.Kind);
    }

    [Theory]
    [InlineData("classical:bicubc(scale=2)", "unknown classical restorer 'bicubc'; did you mean 'bicubic'?")]
    [InlineData("classical:richardson(sigma=1)", "did you mean 'richardson_lucy'?")]
    [InlineData("classical:median(size=3)", "(accepted: bicubic, lanczos3, wiener, richardson_lucy)")]
    [InlineData("classical:wiener(sigma=1,balanse=0.1)", "wiener: unknown parameter 'balanse'; did you mean 'balance'? (accepted: sigma, balance, ksize, clip)")]
    [InlineData("classical:richardson_lucy(sigma=1,iter=5)", "did you mean 'iterations'?")]
    [InlineData("classical:bicubic", "bicubic: parameter 'scale' is required")]
    [InlineData("classical:bicubic(scale=2.5)", "bicubic: scale must be an integer, got '2.5'")]
    [InlineData("classical:bicubic(scale=0)", "bicubic: scale must be between 1 and 16, got 0")]
    [InlineData("classical:wiener(balance=0.1)", "wiener: parameter 'sigma' is required")]
    [InlineData("classical:wiener(sigma=-1)", "wiener: sigma must be > 0")]
    [InlineData("classical:wiener(sigma=1,ksize=6)", "wiener: ksize must be odd, got 6")]
    [InlineData("classical:wiener(sigma=1,clip=yes)", "wiener: clip must be true or false, got 'yes'")]
    [InlineData("classical:wiener(sigma=1,sigma=2)", "wiener: parameter 'sigma' given twice")]
    [InlineData("classical:wiener(sigma=1", "must end with ')'")]
    [InlineData("classical:wiener(sigma)", "wiener: expected key=value, got 'sigma'")]
    public void Bad_specs_fail_with_a_clear_message(string spec, string message)
    {
        var e = Assert.Throws<FormatException>(() => ClassicalRestorers.Create(spec));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    private static ImageTensor CircularBlur(ImageTensor image, GaussianPsf psf)
    {
        int h = image.Height, w = image.Width, r = psf.Size / 2;
        var result = new ImageTensor(1, h, w);
        var src = image.ReadPlane(0);
        var dst = result.Plane(0);
        for (var y = 0; y < h; y++)
        {
            for (var x = 0; x < w; x++)
            {
                var sum = 0.0;
                for (var i = 0; i < psf.Size; i++)
                {
                    for (var j = 0; j < psf.Size; j++)
                    {
                        sum += psf.Kernel1D[i] * psf.Kernel1D[j] * src[(y + i - r + h) % h * w + (x + j - r + w) % w];
                    }
                }

                dst[y * w + x] = sum;
            }
        }

        return result;
    }
}
