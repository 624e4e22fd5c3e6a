using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace RestoreBench.Metrics.FullReference;

/// <summary>
/// Sum of squared differences of two 0–255 planes, row-band parallel with per-row sums added in row
/// order (bit-identical for every thread count). <see cref="SumSquaredDifferenceVector"/> uses
/// <see cref="Vector256{T}"/>; <see cref="SumSquaredDifferenceScalar"/> is its plain twin (they differ
/// only in summation order).
/// </summary>
public static class PsnrKernels
{
    private const int MinRowsPerBand = 64;

    /// <summary>Σ (a − b)² over the plane, with the vector kernel when <see cref="Vector256.IsHardwareAccelerated"/>.</summary>
    /// <exception cref="ArgumentException">The planes differ in size.</exception>
    public static double SumSquaredDifference(MetricPlane a, MetricPlane b, int degreeOfParallelism) =>
        Vector256.IsHardwareAccelerated
            ? SumSquaredDifferenceVector(a, b, degreeOfParallelism)
            : SumSquaredDifferenceScalar(a, b, degreeOfParallelism);

    /// <summary>Scalar twin of <see cref="SumSquaredDifferenceVector"/>.</summary>
    /// <exception cref="ArgumentException">The planes differ in size.</exception>
    public static double SumSquaredDifferenceScalar(MetricPlane a, MetricPlane b, int degreeOfParallelism) =>
        Run(a, b, degreeOfParallelism, vector: false);

    /// <summary><see cref="Vector256{T}"/> kernel.</summary>
    /// <exception cref="ArgumentException">The planes differ in size.</exception>
    public static double SumSquaredDifferenceVector(MetricPlane a, MetricPlane b, int degreeOfParallelism) =>
        Run(a, b, degreeOfParallelism, vector: true);

    private static double Run(MetricPlane a, MetricPlane b, int degree, bool vector)
    {
        MetricParallelism.Validate(degree);
        if (a.Height != b.Height || a.Width != b.Width)
        {
            throw new ArgumentException($"PSNR planes differ in size: {a.Height}x{a.Width} and {b.Height}x{b.Width}.", nameof(b));
        }

        var rows = new double[a.Height];
        var width = a.Width;
        MetricParallelism.ForBands(a.Height, degree, MinRowsPerBand, (first, end) =>
        {
            var bufferA = ArrayPool<double>.Shared.Rent(width);
            var bufferB = ArrayPool<double>.Shared.Rent(width);
            try
            {
                var rowA = bufferA.AsSpan(0, width);
                var rowB = bufferB.AsSpan(0, width);
                for (var r = first; r < end; r++)
                {
                    a.ReadRow(r, 0, rowA);
                    b.ReadRow(r, 0, rowB);
                    rows[r] = vector ? RowVector(rowA, rowB) : RowScalar(rowA, rowB);
                }
            }
            finally
            {
                ArrayPool<double>.Shared.Return(bufferB);
                ArrayPool<double>.Shared.Return(bufferA);
            }
        });

        return MetricParallelism.SumInOrder(rows);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double RowScalar(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        var sum = 0.0;
        for (var i = 0; i < a.Length; i++)
        {
            var d = a[i] - b[i];
            sum += d * d;
        }

        return sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double RowVector(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        var n = a.Length;
        var i = 0;
        var acc0 = Vector256<double>.Zero;
        var acc1 = Vector256<double>.Zero;
        ref var ra = ref MemoryMarshal.GetReference(a);
        ref var rb = ref MemoryMarshal.GetReference(b);
        const int step = 2 * 4;
        for (; i <= n - step; i += step)
        {
            var d0 = Vector256.LoadUnsafe(ref ra, (nuint)i) - Vector256.LoadUnsafe(ref rb, (nuint)i);
            var d1 = Vector256.LoadUnsafe(ref ra, (nuint)(i + 4)) - Vector256.LoadUnsafe(ref rb, (nuint)(i + 4));
            acc0 += d0 * d0;
            acc1 += d1 * d1;
        }

        var acc = acc0 + acc1;
        var sum = acc[0] + acc[1] + acc[2] + acc[3];
        for (; i < n; i++)
        {
            var d = a[i] - b[i];
            sum += d * d;
        }

        return sum;
    }
}
