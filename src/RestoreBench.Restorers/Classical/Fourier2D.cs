using System.Numerics;
using RestoreBench.Core.Compute;

namespace RestoreBench.Restorers.Classical;

/// <summary>
/// 2-D complex DFT of a row-major height x width array: 1-D transforms of every row, then of every
/// column (<see cref="FftPlan"/>). Rows and columns run in parallel; each line is transformed by the
/// same code whatever the thread split, so results are bit-identical for any thread count.
/// </summary>
public static class Fourier2D
{
    /// <summary>Forward transform in place, unnormalised (numpy <c>fft2</c>, norm="backward").</summary>
    public static void Forward(Complex[] data, int height, int width, int threads = 0) =>
        Transform(data, height, width, inverse: false, threads);

    /// <summary>Inverse transform in place, scaled by 1/(height·width) (numpy <c>ifft2</c>).</summary>
    public static void Inverse(Complex[] data, int height, int width, int threads = 0)
    {
        Transform(data, height, width, inverse: true, threads);
        var scale = 1.0 / ((double)height * width);
        for (var i = 0; i < data.Length; i++)
        {
            data[i] *= scale;
        }
    }

    private static void Transform(Complex[] data, int height, int width, bool inverse, int threads)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        if (data.Length != (long)height * width)
        {
            throw new ArgumentException($"Expected {height}x{width} points, got {data.Length}.", nameof(data));
        }

        var options = Parallelism.Options(threads);
        var rowPlan = new FftPlan(width);
        Parallel.For(0, height, options, () => new Complex[rowPlan.WorkspaceLength], (y, _, work) =>
        {
            var row = data.AsSpan(y * width, width);
            if (inverse)
            {
                rowPlan.Inverse(row, work);
            }
            else
            {
                rowPlan.Forward(row, work);
            }

            return work;
        }, _ => { });

        var columnPlan = new FftPlan(height);
        Parallel.For(0, width, options, () => new Complex[height + columnPlan.WorkspaceLength], (x, _, buffer) =>
        {
            var column = buffer.AsSpan(0, height);
            var work = buffer.AsSpan(height);
            for (var y = 0; y < height; y++)
            {
                column[y] = data[y * width + x];
            }

            if (inverse)
            {
                columnPlan.Inverse(column, work);
            }
            else
            {
                columnPlan.Forward(column, work);
            }

            for (var y = 0; y < height; y++)
            {
                data[y * width + x] = column[y];
            }

            return buffer;
        }, _ => { });
    }
}
