using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace RestoreBench.Metrics.NoReference;

/// <summary>
/// Sums over a set of samples from which an asymmetric generalized Gaussian (AGGD) is fitted by
/// moment matching (Lasmar et al.; BRISQUE / NIQE): squares and counts of the negative and of the
/// positive samples, the sum of absolute values and the number of samples. Zeros count in the
/// total only.
/// </summary>
internal struct AggdSums
{
    public double NegativeSquares;
    public double PositiveSquares;
    public double Absolute;
    public long NegativeCount;
    public long PositiveCount;
    public long Total;

    /// <summary>Left standard deviation sqrt(mean of squares of the negative samples); NaN when there are none.</summary>
    public readonly double LeftSigma => Math.Sqrt(NegativeSquares / NegativeCount);

    /// <summary>Right standard deviation; NaN when there are no positive samples.</summary>
    public readonly double RightSigma => Math.Sqrt(PositiveSquares / PositiveCount);
}

/// <summary>
/// Lane-structured accumulation of <see cref="AggdSums"/>: four independent partial sums (the
/// lanes of a <see cref="Vector256{T}"/>) combined at the end in a fixed order, so the SIMD path and
/// the scalar fallback give bit-identical results. Double precision throughout.
/// </summary>
internal static class AggdAccumulator
{
    private const int Lanes = 4;

    /// <summary>Adds the samples <paramref name="a"/>.</summary>
    public static void AddValues(ReadOnlySpan<double> a, ref AggdSums sums, bool allowSimd = true) =>
        Add(a, a, product: false, ref sums, allowSimd);

    /// <summary>Adds the products a[i]·b[i].</summary>
    public static void AddProducts(ReadOnlySpan<double> a, ReadOnlySpan<double> b, ref AggdSums sums, bool allowSimd = true) =>
        Add(a, b, product: true, ref sums, allowSimd);

    /// <summary>Adds one sample (used for the wrap-around pairs of circular shifts).</summary>
    public static void AddOne(double v, ref AggdSums sums)
    {
        sums.Total++;
        if (v < 0)
        {
            sums.NegativeSquares += v * v;
            sums.NegativeCount++;
            sums.Absolute -= v;
        }
        else if (v > 0)
        {
            sums.PositiveSquares += v * v;
            sums.PositiveCount++;
            sums.Absolute += v;
        }
    }

    private static void Add(ReadOnlySpan<double> a, ReadOnlySpan<double> b, bool product, ref AggdSums sums, bool allowSimd)
    {
        var n = a.Length;
        if (b.Length != n)
        {
            throw new ArgumentException("Spans must have the same length.", nameof(b));
        }

        var full = n - n % Lanes;
        Span<double> negSq = stackalloc double[Lanes];
        Span<double> posSq = stackalloc double[Lanes];
        Span<double> abs = stackalloc double[Lanes];
        long negCount = 0;
        long posCount = 0;
        if (allowSimd && Vector256.IsHardwareAccelerated)
        {
            ref var ra = ref MemoryMarshal.GetReference(a);
            ref var rb = ref MemoryMarshal.GetReference(b);
            var vNegSq = Vector256<double>.Zero;
            var vPosSq = Vector256<double>.Zero;
            var vAbs = Vector256<double>.Zero;
            var vNegCount = Vector256<long>.Zero;
            var vPosCount = Vector256<long>.Zero;
            for (var i = 0; i < full; i += Lanes)
            {
                var v = Vector256.LoadUnsafe(ref ra, (nuint)i);
                if (product)
                {
                    v *= Vector256.LoadUnsafe(ref rb, (nuint)i);
                }

                var sq = v * v;
                var neg = Vector256.LessThan(v, Vector256<double>.Zero);
                var pos = Vector256.GreaterThan(v, Vector256<double>.Zero);
                vNegSq += sq & neg;
                vPosSq += sq & pos;
                vAbs += Vector256.Abs(v);
                vNegCount -= neg.AsInt64();
                vPosCount -= pos.AsInt64();
            }

            vNegSq.CopyTo(negSq);
            vPosSq.CopyTo(posSq);
            vAbs.CopyTo(abs);
            negCount = Vector256.Sum(vNegCount);
            posCount = Vector256.Sum(vPosCount);
        }
        else
        {
            negSq.Clear();
            posSq.Clear();
            abs.Clear();
            for (var i = 0; i < full; i += Lanes)
            {
                for (var l = 0; l < Lanes; l++)
                {
                    var v = product ? a[i + l] * b[i + l] : a[i + l];
                    var sq = v * v;

                    // Same operations as the vector path: masked squares add +0.0 when not selected.
                    negSq[l] += v < 0 ? sq : 0.0;
                    posSq[l] += v > 0 ? sq : 0.0;
                    abs[l] += Math.Abs(v);
                    negCount += v < 0 ? 1 : 0;
                    posCount += v > 0 ? 1 : 0;
                }
            }
        }

        sums.NegativeSquares += Combine(negSq);
        sums.PositiveSquares += Combine(posSq);
        sums.Absolute += Combine(abs);
        sums.NegativeCount += negCount;
        sums.PositiveCount += posCount;
        sums.Total += full;
        for (var i = full; i < n; i++)
        {
            AddOne(product ? a[i] * b[i] : a[i], ref sums);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double Combine(ReadOnlySpan<double> lanes) => (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]);
}
