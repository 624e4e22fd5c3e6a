using BenchmarkDotNet.Attributes;
using RestoreBench.Core.Imaging;
using RestoreBench.Degradations.Blur;
using RestoreBench.Degradations.Resize;

namespace RestoreBench.Benchmarks;

/// <summary>
/// Degradation operators of Eq. 1 on the 2040x1356 RGB reference (<see cref="BenchmarkImages"/>), per
/// thread count: MATLAB-exact bicubic resize (antialiased when downscaling) and separable Gaussian blur
/// with symmetric borders (kernel 2·ceil(3σ)+1 taps). Float64 in, float64 out, no rounding.
/// </summary>
[Config(typeof(BenchmarkConfig))]
public class DegradationBenchmarks
{
    private ImageTensor _image = null!;
    private ImageTensor _low = null!;
    private double[] _sigma1 = null!;
    private double[] _sigma3 = null!;

    /// <summary>Threads passed to the operator.</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    /// <summary>Builds the image, its ×1/4 version (input of the upscale) and the kernels.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _image = BenchmarkImages.Reference;
        _low = Resizer.Resize(_image, 0.25);
        _sigma1 = GaussianKernel.OneDimensional(1, GaussianKernel.DefaultSize(1));
        _sigma3 = GaussianKernel.OneDimensional(3, GaussianKernel.DefaultSize(3));
    }

    /// <summary>MATLAB <c>imresize(I, 1/4, 'bicubic')</c> (antialiased): 2040x1356 → 510x339.</summary>
    [Benchmark]
    public ImageTensor BicubicDown4() => Resizer.Resize(_image, 0.25, ResizeKernel.Bicubic, antialias: true, Threads);

    /// <summary>MATLAB <c>imresize(I, 4, 'bicubic')</c>: 510x339 → 2040x1356 (the bicubic SR baseline).</summary>
    [Benchmark]
    public ImageTensor BicubicUp4() => Resizer.Resize(_low, 4.0, ResizeKernel.Bicubic, antialias: true, Threads);

    /// <summary>Gaussian blur σ = 1 (7 taps), the paper's Blur1 task.</summary>
    [Benchmark]
    public ImageTensor GaussianBlurSigma1() => Convolution.Separable(_image, _sigma1, _sigma1, BorderMode.Symmetric, Threads);

    /// <summary>Gaussian blur σ = 3 (19 taps).</summary>
    [Benchmark]
    public ImageTensor GaussianBlurSigma3() => Convolution.Separable(_image, _sigma3, _sigma3, BorderMode.Symmetric, Threads);
}
