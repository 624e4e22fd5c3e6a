using BenchmarkDotNet.Attributes;
using RestoreBench.Core.Imaging;
using RestoreBench.Degradations;
using RestoreBench.Degradations.Blur;
using RestoreBench.Degradations.Resize;

namespace RestoreBench.Benchmarks;

/// <summary>
/// What the SIMD row kernels of the degradations buy, single-threaded: the same operations as
/// <see cref="DegradationBenchmarks"/> with the inner loops forced to the scalar twin, Vector256 or
/// Vector512 (all three give bit-identical images; RestoreBench.Degradations.Tests checks that).
/// </summary>
[Config(typeof(BenchmarkConfig))]
public class DegradationSimdBenchmarks
{
    private ImageTensor _image = null!;
    private double[] _sigma3 = null!;
    private SimdPath _path;

    /// <summary>Inner-loop flavour (a string, since the enum is internal to RestoreBench.Degradations).</summary>
    [Params("Scalar", "Vector256", "Vector512")]
    public string Path { get; set; } = "";

    /// <summary>Builds the image and the kernel.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _image = BenchmarkImages.Reference;
        _sigma3 = GaussianKernel.OneDimensional(3, GaussianKernel.DefaultSize(3));
        _path = Enum.Parse<SimdPath>(Path);
    }

    /// <summary>MATLAB bicubic ×1/4 with antialiasing, 1 thread.</summary>
    [Benchmark]
    public ImageTensor BicubicDown4() =>
        Resizer.Resize(_image, Resizer.OutputLength(_image.Height, 0.25), Resizer.OutputLength(_image.Width, 0.25), 0.25, 0.25, ResizeKernel.Bicubic, antialias: true, threads: 1, _path);

    /// <summary>Gaussian blur σ = 3, 1 thread.</summary>
    [Benchmark]
    public ImageTensor GaussianBlurSigma3() => Convolution.Separable(_image, _sigma3, _sigma3, BorderMode.Symmetric, threads: 1, _path);
}
