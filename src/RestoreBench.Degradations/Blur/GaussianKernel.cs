namespace RestoreBench.Degradations.Blur;

/// <summary>Gaussian blur kernels D(·; δ) of Eq. 1, normalised to sum 1.</summary>
public static class GaussianKernel
{
    /// <summary>Default kernel size for a standard deviation: 2·ceil(3σ) + 1.</summary>
    public static int DefaultSize(double sigma) => 2 * (int)Math.Ceiling(3.0 * sigma) + 1;

    /// <summary>1-D kernel exp(-x²/2σ²), x = -(size-1)/2 … (size-1)/2, normalised to sum 1.</summary>
    public static double[] OneDimensional(double sigma, int size)
    {
        Validate(sigma, size);
        var kernel = new double[size];
        var half = (size - 1) / 2.0;
        var sum = 0.0;
        for (var i = 0; i < size; i++)
        {
            var x = i - half;
            kernel[i] = Math.Exp(-(x * x) / (2.0 * sigma * sigma));
            sum += kernel[i];
        }

        for (var i = 0; i < size; i++)
        {
            kernel[i] /= sum;
        }

        return kernel;
    }

    /// <summary>
    /// Anisotropic 2-D kernel with covariance Σ = R(θ) diag(σx², σy²) R(θ)ᵀ, [size, size] row-major
    /// (row = y), normalised to sum 1; θ in degrees, counter-clockwise from the x axis.
    /// </summary>
    public static double[] TwoDimensional(double sigmaX, double sigmaY, double thetaDegrees, int size)
    {
        Validate(sigmaX, size);
        Validate(sigmaY, size);
        var theta = thetaDegrees * Math.PI / 180.0;
        double cos = Math.Cos(theta), sin = Math.Sin(theta);
        double vx = sigmaX * sigmaX, vy = sigmaY * sigmaY;
        var a = cos * cos * vx + sin * sin * vy;
        var b = cos * sin * (vx - vy);
        var d = sin * sin * vx + cos * cos * vy;
        var det = a * d - b * b;
        double ia = d / det, ib = -b / det, id = a / det;
        var kernel = new double[size * size];
        var half = (size - 1) / 2.0;
        var sum = 0.0;
        for (var y = 0; y < size; y++)
        {
            for (var x = 0; x < size; x++)
            {
                double dx = x - half, dy = y - half;
                var v = Math.Exp(-0.5 * (ia * dx * dx + 2 * ib * dx * dy + id * dy * dy));
                kernel[y * size + x] = v;
                sum += v;
            }
        }

        for (var i = 0; i < kernel.Length; i++)
        {
            kernel[i] /= sum;
        }

        return kernel;
    }

    private static void Validate(double sigma, int size)
    {
        if (!(sigma > 0) || double.IsInfinity(sigma))
        {
            throw new ArgumentOutOfRangeException(nameof(sigma), sigma, "Gaussian sigma must be a positive finite number.");
        }

        if (size < 1 || size % 2 == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(size), size, "Kernel size must be a positive odd number.");
        }
    }
}
