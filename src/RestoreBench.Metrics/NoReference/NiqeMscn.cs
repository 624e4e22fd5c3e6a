using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace RestoreBench.Metrics.NoReference;

/// <summary>
/// Mean-subtracted contrast-normalised (MSCN) coefficients of NIQE in float64:
/// μ = w ∗ I, σ = sqrt(|w ∗ I² − μ²|), MSCN = (I − μ) / (σ + 1), with the 7x7 window w applied
/// as <c>scipy.ndimage.convolve(..., mode='nearest')</c> (replicate borders), as BasicSR does.
/// </summary>
/// <remarks>
/// The 2-D filter is evaluated in scipy's order: for each output sample an accumulator starts at
/// 0 and adds <c>sample · weight</c> over the (flipped) 7x7 window in row-major order, without fused
/// multiply-add. On flat 7x7 areas μ and I differ only by rounding, so the sign of the MSCN value is
/// decided by this order; keeping it makes those values bit-identical to the reference. The SIMD
/// path computes several outputs at once with the same per-output order, so it is bit-identical to
/// the scalar path.
/// </remarks>
internal static class NiqeMscn
{
    private const int K = NiqePristineModel.WindowSize;
    private const int Radius = K / 2;
    private const int Slots = 8;

    /// <summary>MSCN of a row-major plane (values on the 0–255 scale).</summary>
    public static double[] Compute(ReadOnlySpan<double> image, int height, int width, ReadOnlySpan<double> window, bool allowSimd = true)
    {
        if (window.Length != K * K)
        {
            throw new ArgumentException($"The window must have {K * K} weights.", nameof(window));
        }

        // scipy's convolve correlates with the reversed window.
        Span<double> w = stackalloc double[K * K];
        for (var i = 0; i < K * K; i++)
        {
            w[i] = window[K * K - 1 - i];
        }

        // Replicate-padded source rows (and their squares) live in a ring of 8 row slots: the
        // seven rows of a window are consecutive, so they never share a slot.
        var pw = width + 2 * Radius;
        var ring = new double[Slots * pw];
        var ringSquares = new double[Slots * pw];
        Span<int> slotRow = stackalloc int[Slots];
        slotRow.Fill(-1);
        Span<int> rows = stackalloc int[K];
        var output = new double[height * width];
        var simd = allowSimd && Vector256.IsHardwareAccelerated;
        for (var y = 0; y < height; y++)
        {
            for (var ky = 0; ky < K; ky++)
            {
                var source = Math.Clamp(y + ky - Radius, 0, height - 1);
                var slot = source & (Slots - 1);
                if (slotRow[slot] != source)
                {
                    FillSlot(image.Slice(source * width, width), ring.AsSpan(slot * pw, pw), ringSquares.AsSpan(slot * pw, pw));
                    slotRow[slot] = source;
                }

                rows[ky] = slot * pw;
            }

            var x = 0;
            if (simd)
            {
                x = RowSimd(image, ring, ringSquares, output, y, width, rows, w);
            }

            for (; x < width; x++)
            {
                var mu = 0.0;
                var sq = 0.0;
                for (var ky = 0; ky < K; ky++)
                {
                    var offset = rows[ky] + x;
                    for (var kx = 0; kx < K; kx++)
                    {
                        var weight = w[ky * K + kx];
                        mu += ring[offset + kx] * weight;
                        sq += ringSquares[offset + kx] * weight;
                    }
                }

                var sigma = Math.Sqrt(Math.Abs(sq - mu * mu));
                output[y * width + x] = (image[y * width + x] - mu) / (sigma + 1.0);
            }
        }

        return output;
    }

    private static void FillSlot(ReadOnlySpan<double> source, Span<double> padded, Span<double> squares)
    {
        source.CopyTo(padded[Radius..]);
        for (var i = 0; i < Radius; i++)
        {
            padded[i] = source[0];
            padded[Radius + source.Length + i] = source[^1];
        }

        for (var i = 0; i < padded.Length; i++)
        {
            squares[i] = padded[i] * padded[i];
        }
    }

    /// <summary>Computes outputs of row <paramref name="y"/> several at a time; returns the first column not done.</summary>
    private static int RowSimd(ReadOnlySpan<double> image, double[] padded, double[] paddedSquares, double[] output, int y, int width, ReadOnlySpan<int> rows, ReadOnlySpan<double> w)
    {
        ref var p = ref MemoryMarshal.GetArrayDataReference(padded);
        ref var q = ref MemoryMarshal.GetArrayDataReference(paddedSquares);
        ref var img = ref MemoryMarshal.GetReference(image);
        ref var dst = ref MemoryMarshal.GetArrayDataReference(output);
        var x = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; x + 16 <= width; x += 16)
            {
                var mu0 = Vector512<double>.Zero;
                var mu1 = Vector512<double>.Zero;
                var sq0 = Vector512<double>.Zero;
                var sq1 = Vector512<double>.Zero;
                for (var ky = 0; ky < K; ky++)
                {
                    var offset = (nuint)(rows[ky] + x);
                    for (var kx = 0; kx < K; kx++)
                    {
                        var weight = Vector512.Create(w[ky * K + kx]);
                        var o = offset + (nuint)kx;
                        mu0 += Vector512.LoadUnsafe(ref p, o) * weight;
                        mu1 += Vector512.LoadUnsafe(ref p, o + 8) * weight;
                        sq0 += Vector512.LoadUnsafe(ref q, o) * weight;
                        sq1 += Vector512.LoadUnsafe(ref q, o + 8) * weight;
                    }
                }

                var at = (nuint)(y * width + x);
                Finish(ref img, ref dst, at, mu0, sq0);
                Finish(ref img, ref dst, at + 8, mu1, sq1);
            }
        }

        for (; x + 8 <= width; x += 8)
        {
            var mu0 = Vector256<double>.Zero;
            var mu1 = Vector256<double>.Zero;
            var sq0 = Vector256<double>.Zero;
            var sq1 = Vector256<double>.Zero;
            for (var ky = 0; ky < K; ky++)
            {
                var offset = (nuint)(rows[ky] + x);
                for (var kx = 0; kx < K; kx++)
                {
                    var weight = Vector256.Create(w[ky * K + kx]);
                    var o = offset + (nuint)kx;
                    mu0 += Vector256.LoadUnsafe(ref p, o) * weight;
                    mu1 += Vector256.LoadUnsafe(ref p, o + 4) * weight;
                    sq0 += Vector256.LoadUnsafe(ref q, o) * weight;
                    sq1 += Vector256.LoadUnsafe(ref q, o + 4) * weight;
                }
            }

            var at = (nuint)(y * width + x);
            Finish(ref img, ref dst, at, mu0, sq0);
            Finish(ref img, ref dst, at + 4, mu1, sq1);
        }

        for (; x + 4 <= width; x += 4)
        {
            var mu = Vector256<double>.Zero;
            var sq = Vector256<double>.Zero;
            for (var ky = 0; ky < K; ky++)
            {
                var offset = (nuint)(rows[ky] + x);
                for (var kx = 0; kx < K; kx++)
                {
                    var weight = Vector256.Create(w[ky * K + kx]);
                    var o = offset + (nuint)kx;
                    mu += Vector256.LoadUnsafe(ref p, o) * weight;
                    sq += Vector256.LoadUnsafe(ref q, o) * weight;
                }
            }

            Finish(ref img, ref dst, (nuint)(y * width + x), mu, sq);
        }

        return x;
    }

    private static void Finish(ref double img, ref double dst, nuint at, Vector512<double> mu, Vector512<double> sq)
    {
        var sigma = Vector512.Sqrt(Vector512.Abs(sq - mu * mu));
        var value = (Vector512.LoadUnsafe(ref img, at) - mu) / (sigma + Vector512<double>.One);
        value.StoreUnsafe(ref dst, at);
    }

    private static void Finish(ref double img, ref double dst, nuint at, Vector256<double> mu, Vector256<double> sq)
    {
        var sigma = Vector256.Sqrt(Vector256.Abs(sq - mu * mu));
        var value = (Vector256.LoadUnsafe(ref img, at) - mu) / (sigma + Vector256<double>.One);
        value.StoreUnsafe(ref dst, at);
    }
}
