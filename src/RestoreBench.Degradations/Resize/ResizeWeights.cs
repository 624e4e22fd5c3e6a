namespace RestoreBench.Degradations.Resize;

/// <summary>
/// The 1-D contribution table of MATLAB <c>imresize</c> (<c>contributions</c>): for every output
/// index, the input indices and normalised weights. Symmetric borders; zero weights dropped.
/// </summary>
internal sealed class ResizeWeights
{
    private ResizeWeights(int outputLength, int taps, int[] indices, double[] weights)
    {
        OutputLength = outputLength;
        Taps = taps;
        Indices = indices;
        Weights = weights;

        // The non-zero taps of every output, in tap order (the arithmetic skips zero weights).
        Starts = new int[outputLength + 1];
        var count = 0;
        foreach (var w in weights)
        {
            if (w != 0.0)
            {
                count++;
            }
        }

        NonZeroIndices = new int[count];
        NonZeroWeights = new double[count];
        var j = 0;
        for (var i = 0; i < outputLength; i++)
        {
            Starts[i] = j;
            for (var t = 0; t < taps; t++)
            {
                if (weights[i * taps + t] != 0.0)
                {
                    NonZeroIndices[j] = indices[i * taps + t];
                    NonZeroWeights[j] = weights[i * taps + t];
                    j++;
                }
            }
        }

        Starts[outputLength] = j;
    }

    /// <summary>Number of output samples.</summary>
    public int OutputLength { get; }

    /// <summary>Taps per output sample (weights padded with zeros where fewer are needed).</summary>
    public int Taps { get; }

    /// <summary>Input indices, [OutputLength, Taps], row-major.</summary>
    public int[] Indices { get; }

    /// <summary>Weights, [OutputLength, Taps], row-major; each row sums to 1.</summary>
    public double[] Weights { get; }

    /// <summary>Output i uses entries Starts[i] … Starts[i + 1] − 1 of <see cref="NonZeroIndices"/> and <see cref="NonZeroWeights"/>.</summary>
    public int[] Starts { get; }

    /// <summary>Input indices of the non-zero weights, output by output, in tap order.</summary>
    public int[] NonZeroIndices { get; }

    /// <summary>The non-zero weights, aligned with <see cref="NonZeroIndices"/>.</summary>
    public double[] NonZeroWeights { get; }

    /// <summary>
    /// Builds the table for resizing <paramref name="inputLength"/> samples to
    /// <paramref name="outputLength"/> with scale factor <paramref name="scale"/> (output/input).
    /// When downscaling with antialiasing the kernel is widened by 1/scale: h(x) = scale·k(scale·x).
    /// Output sample i (1-based) sits at input coordinate u = i/scale + 0.5(1 - 1/scale).
    /// </summary>
    public static ResizeWeights Create(int inputLength, int outputLength, double scale, ResizeKernel kernel, bool antialias)
    {
        var width = ResizeKernels.Width(kernel);
        var widen = scale < 1.0 && antialias && kernel != ResizeKernel.Nearest;
        var kernelWidth = widen ? width / scale : width;
        var taps = (int)Math.Ceiling(kernelWidth) + 2;
        var indices = new int[outputLength * taps];
        var weights = new double[outputLength * taps];
        var mirror = 2 * inputLength;
        for (var i = 0; i < outputLength; i++)
        {
            var u = (i + 1) / scale + 0.5 * (1.0 - 1.0 / scale);
            var left = (int)Math.Floor(u - kernelWidth / 2.0);
            var sum = 0.0;
            for (var t = 0; t < taps; t++)
            {
                var index = left + t; // 1-based MATLAB index
                var distance = u - index;
                var w = widen ? scale * ResizeKernels.Evaluate(kernel, scale * distance) : ResizeKernels.Evaluate(kernel, distance);
                weights[i * taps + t] = w;
                sum += w;

                // Symmetric padding: aux = [1:n, n:-1:1], index -> aux(mod(index - 1, 2n) + 1).
                var m = ((index - 1) % mirror + mirror) % mirror;
                indices[i * taps + t] = m < inputLength ? m : mirror - 1 - m;
            }

            for (var t = 0; t < taps; t++)
            {
                weights[i * taps + t] /= sum;
            }
        }

        return new ResizeWeights(outputLength, taps, indices, weights);
    }
}
