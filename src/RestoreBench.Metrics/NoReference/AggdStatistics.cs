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
/// Lane-structured accumulation of <see cref="AggdSums"/>: eight independent partial sums (the
/// lanes of a <see cref="Vector512{T}"/>, or two <see cref="Vector256{T}"/>) combined at the end in a
/// fixed order, so the AVX-512 path, the AVX2 path and the scalar fallback give bit-identical
/// results. Double precision throughout.
/// </summary>
internal static class AggdAccumulator
{
    private const int Lanes = 8;

    /// <summary>Adds the samples <paramref name="a"/>.</summary>
    public static void AddValues(ReadOnlySpan<double> a, ref AggdSums sums, bool allowSimd = true) =>
        Add(a, a, product: false, ref sums, allowSimd);

    /// <summary>Adds the products a[i]·b[i].</summary>
    public static void AddProducts(ReadOnlySpan<double> a, ReadOnlySpan<double> b, ref AggdSums sums, bool allowSimd = true) =>
        Add(a, b, product: true, ref sums, allowSimd);

    /// <summary>Adds one sample (used for the wrap-around pairs of circular shifts and for tails).</summary>
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
        long negCount;
        long posCount;
        if (allowSimd && Vector512.IsHardwareAccelerated)
        {
            Accumulate512(a, b, product, full, negSq, posSq, abs, out negCount, out posCount);
        }
        else if (allowSimd && Vector256.IsHardwareAccelerated)
        {
            Accumulate256(a, b, product, full, negSq, posSq, abs, out negCount, out posCount);
        }
        else
        {
            AccumulateScalar(a, b, product, full, negSq, posSq, abs, out negCount, out posCount);
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

    private static void Accumulate512(ReadOnlySpan<double> a, ReadOnlySpan<double> b, bool product, int full, Span<double> negSq, Span<double> posSq, Span<double> abs, out long negCount, out long posCount)
    {
        ref var ra = ref MemoryMarshal.GetReference(a);
        ref var rb = ref MemoryMarshal.GetReference(b);
        var vNegSq = Vector512<double>.Zero;
        var vPosSq = Vector512<double>.Zero;
        var vAbs = Vector512<double>.Zero;
        var vNegCount = Vector512<long>.Zero;
        var vPosCount = Vector512<long>.Zero;
        for (var i = 0; i < full; i += Lanes)
        {
            var v = Vector512.LoadUnsafe(ref ra, (nuint)i);
            if (product)
            {
                v *= Vector512.LoadUnsafe(ref rb, (nuint)i);
            }

            var sq = v * v;
            var neg = Vector512.LessThan(v, Vector512<double>.Zero);
            var pos = Vector512.GreaterThan(v, Vector512<double>.Zero);
            vNegSq += sq & neg;
            vPosSq += sq & pos;
            vAbs += Vector512.Abs(v);
            vNegCount -= neg.AsInt64();
            vPosCount -= pos.AsInt64();
        }

        vNegSq.CopyTo(negSq);
        vPosSq.CopyTo(posSq);
        vAbs.CopyTo(abs);
        negCount = Vector512.Sum(vNegCount);
        posCount = Vector512.Sum(vPosCount);
    }

    private static void Accumulate256(ReadOnlySpan<double> a, ReadOnlySpan<double> b, bool product, int full, Span<double> negSq, Span<double> posSq, Span<double> abs, out long negCount, out long posCount)
    {
        ref var ra = ref MemoryMarshal.GetReference(a);
        ref var rb = ref MemoryMarshal.GetReference(b);
        var negSqLo = Vector256<double>.Zero;
        var negSqHi = Vector256<double>.Zero;
        var posSqLo = Vector256<double>.Zero;
        var posSqHi = Vector256<double>.Zero;
        var absLo = Vector256<double>.Zero;
        var absHi = Vector256<double>.Zero;
        var negCountV = Vector256<long>.Zero;
        var posCountV = Vector256<long>.Zero;
        for (var i = 0; i < full; i += Lanes)
        {
            var lo = Vector256.LoadUnsafe(ref ra, (nuint)i);
            var hi = Vector256.LoadUnsafe(ref ra, (nuint)(i + 4));
            if (product)
            {
                lo *= Vector256.LoadUnsafe(ref rb, (nuint)i);
                hi *= Vector256.LoadUnsafe(ref rb, (nuint)(i + 4));
            }

            var sqLo = lo * lo;
            var sqHi = hi * hi;
            var negLo = Vector256.LessThan(lo, Vector256<double>.Zero);
            var negHi = Vector256.LessThan(hi, Vector256<double>.Zero);
            var posLo = Vector256.GreaterThan(lo, Vector256<double>.Zero);
            var posHi = Vector256.GreaterThan(hi, Vector256<double>.Zero);
            negSqLo += sqLo & negLo;
            negSqHi += sqHi & negHi;
            posSqLo += sqLo & posLo;
            posSqHi += sqHi & posHi;
            absLo += Vector256.Abs(lo);
            absHi += Vector256.Abs(hi);
            negCountV -= negLo.AsInt64() + negHi.AsInt64();
            posCountV -= posLo.AsInt64() + posHi.AsInt64();
        }

        negSqLo.CopyTo(negSq);
        negSqHi.CopyTo(negSq[4..]);
        posSqLo.CopyTo(posSq);
        posSqHi.CopyTo(posSq[4..]);
        absLo.CopyTo(abs);
        absHi.CopyTo(abs[4..]);
        negCount = Vector256.Sum(negCountV);
        posCount = Vector256.Sum(posCountV);
    }

    private static void AccumulateScalar(ReadOnlySpan<double> a, ReadOnlySpan<double> b, bool product, int full, Span<double> negSq, Span<double> posSq, Span<double> abs, out long negCount, out long posCount)
    {
        negSq.Clear();
        posSq.Clear();
        abs.Clear();
        negCount = 0;
        posCount = 0;
        for (var i = 0; i < full; i += Lanes)
        {
            for (var l = 0; l < Lanes; l++)
            {
                var v = product ? a[i + l] * b[i + l] : a[i + l];
                var sq = v * v;

                // The operations of the vector paths: a masked-out square adds +0.0.
                negSq[l] += v < 0 ? sq : 0.0;
                posSq[l] += v > 0 ? sq : 0.0;
                abs[l] += Math.Abs(v);
                negCount += v < 0 ? 1 : 0;
                posCount += v > 0 ? 1 : 0;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double Combine(ReadOnlySpan<double> lanes) =>
        ((lanes[0] + lanes[1]) + (lanes[2] + lanes[3])) + ((lanes[4] + lanes[5]) + (lanes[6] + lanes[7]));
}
