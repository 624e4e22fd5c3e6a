namespace RestoreBench.Degradations.Resize;

/// <summary>Interpolation kernels of MATLAB <c>imresize</c>.</summary>
public enum ResizeKernel
{
    /// <summary>Keys cubic convolution with a = -0.5 (MATLAB 'bicubic'), support 4.</summary>
    Bicubic,

    /// <summary>Triangle (MATLAB 'bilinear'), support 2.</summary>
    Bilinear,

    /// <summary>Box on [-0.5, 0.5) (MATLAB 'nearest'), support 1; never antialiased.</summary>
    Nearest,

    /// <summary>Lanczos with 3 lobes (MATLAB 'lanczos3'), support 6.</summary>
    Lanczos3,
}

/// <summary>Kernel functions h(x) and their supports, as defined by MATLAB <c>imresize</c>.</summary>
public static class ResizeKernels
{
    /// <summary>Full width of the kernel's support in input pixels (before antialias widening).</summary>
    public static double Width(ResizeKernel kernel) => kernel switch
    {
        ResizeKernel.Bicubic => 4.0,
        ResizeKernel.Bilinear => 2.0,
        ResizeKernel.Nearest => 1.0,
        ResizeKernel.Lanczos3 => 6.0,
        _ => throw new ArgumentOutOfRangeException(nameof(kernel), kernel, "Accepted: bicubic, bilinear, nearest, lanczos3."),
    };

    /// <summary>The kernel value at distance x (input pixels).</summary>
    public static double Evaluate(ResizeKernel kernel, double x) => kernel switch
    {
        ResizeKernel.Bicubic => Cubic(x),
        ResizeKernel.Bilinear => Math.Max(0.0, 1.0 - Math.Abs(x)),
        ResizeKernel.Nearest => x >= -0.5 && x < 0.5 ? 1.0 : 0.0,
        ResizeKernel.Lanczos3 => Lanczos3(x),
        _ => throw new ArgumentOutOfRangeException(nameof(kernel), kernel, "Accepted: bicubic, bilinear, nearest, lanczos3."),
    };

    /// <summary>Keys (1981) cubic convolution kernel with a = -0.5, as in MATLAB <c>imresize</c>'s <c>cubic</c>.</summary>
    public static double Cubic(double x)
    {
        var ax = Math.Abs(x);
        var ax2 = ax * ax;
        var ax3 = ax2 * ax;
        if (ax <= 1.0)
        {
            return 1.5 * ax3 - 2.5 * ax2 + 1.0;
        }

        if (ax <= 2.0)
        {
            return -0.5 * ax3 + 2.5 * ax2 - 4.0 * ax + 2.0;
        }

        return 0.0;
    }

    private const double MatlabEps = 2.220446049250313e-16;

    private static double Lanczos3(double x)
    {
        // MATLAB: (sin(pi x) sin(pi x / 3) + eps) / ((pi^2 x^2 / 3) + eps), restricted to |x| < 3.
        if (Math.Abs(x) >= 3.0)
        {
            return 0.0;
        }

        return (Math.Sin(Math.PI * x) * Math.Sin(Math.PI * x / 3.0) + MatlabEps) /
               (Math.PI * Math.PI * x * x / 3.0 + MatlabEps);
    }

    /// <summary>Parses a kernel name: bicubic, bilinear, nearest, lanczos3.</summary>
    public static ResizeKernel Parse(string name) => name.ToLowerInvariant() switch
    {
        "bicubic" or "cubic" => ResizeKernel.Bicubic,
        "bilinear" or "linear" => ResizeKernel.Bilinear,
        "nearest" => ResizeKernel.Nearest,
        "lanczos3" => ResizeKernel.Lanczos3,
        _ => throw new FormatException($"unknown resize kernel '{name}' (accepted: bicubic, bilinear, nearest, lanczos3)"),
    };

    /// <summary>The canonical lower-case name.</summary>
    public static string Name(ResizeKernel kernel) => kernel switch
    {
        ResizeKernel.Bicubic => "bicubic",
        ResizeKernel.Bilinear => "bilinear",
        ResizeKernel.Nearest => "nearest",
        ResizeKernel.Lanczos3 => "lanczos3",
        _ => throw new ArgumentOutOfRangeException(nameof(kernel), kernel, "Accepted: bicubic, bilinear, nearest, lanczos3."),
    };
}
