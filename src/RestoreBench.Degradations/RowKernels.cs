using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace RestoreBench.Degradations;

/// <summary>
/// Inner loops shared by the separable filters and the resizer. Every output is a sum that starts
/// at 0 and adds one product weight·sample at a time, in the given tap order, without fused
/// multiply-add; the <see cref="SimdPath"/> flavours compute several outputs per instruction with
/// exactly those operations, so all flavours give bit-identical results.
/// </summary>
internal static class RowKernels
{
    /// <summary>Rows per block of <see cref="ResampleRows"/> (interleaved so that one vector holds one column of several rows).</summary>
    public const int BlockRows = 16;

    /// <summary>Output rows computed together by <see cref="WeightedRowBlock"/>.</summary>
    public const int RowBlock = 4;

    /// <summary>destination[x] = Σ_t k[t]·source[x + t]; <paramref name="source"/> holds destination.Length + k.Length − 1 samples.</summary>
    public static void Correlate(ReadOnlySpan<double> source, ReadOnlySpan<double> k, Span<double> destination, SimdPath path)
    {
        if (source.Length < destination.Length + k.Length - 1)
        {
            throw new ArgumentException($"Correlation of {destination.Length} outputs with {k.Length} taps needs {destination.Length + k.Length - 1} samples, got {source.Length}.", nameof(source));
        }

        var x = path switch
        {
            SimdPath.Vector512 => CorrelateVector512(source, k, destination),
            SimdPath.Vector256 => CorrelateVector256(source, k, destination),
            SimdPath.Scalar => 0,
            _ => throw new ArgumentOutOfRangeException(nameof(path), path, "Accepted: Scalar, Vector256, Vector512."),
        };

        for (; x < destination.Length; x++)
        {
            var sum = 0.0;
            for (var t = 0; t < k.Length; t++)
            {
                sum += k[t] * source[x + t];
            }

            destination[x] = sum;
        }
    }

    /// <summary>
    /// destination[x] = Σ_t weights[t]·source[offsets[t] + x]: a weighted sum of rows that start at
    /// <paramref name="offsets"/> in <paramref name="source"/> (each at least destination.Length long).
    /// </summary>
    public static void WeightedRows(ReadOnlySpan<double> source, ReadOnlySpan<int> offsets, ReadOnlySpan<double> weights, Span<double> destination, SimdPath path)
    {
        for (var t = 0; t < offsets.Length; t++)
        {
            if (offsets[t] < 0 || offsets[t] + destination.Length > source.Length)
            {
                throw new ArgumentOutOfRangeException(nameof(offsets), $"Row at offset {offsets[t]} with {destination.Length} samples is outside the {source.Length}-sample source.");
            }
        }

        var x = path switch
        {
            SimdPath.Vector512 => WeightedRowsVector512(source, offsets, weights, destination),
            SimdPath.Vector256 => WeightedRowsVector256(source, offsets, weights, destination),
            SimdPath.Scalar => 0,
            _ => throw new ArgumentOutOfRangeException(nameof(path), path, "Accepted: Scalar, Vector256, Vector512."),
        };

        for (; x < destination.Length; x++)
        {
            var sum = 0.0;
            for (var t = 0; t < offsets.Length; t++)
            {
                sum += weights[t] * source[offsets[t] + x];
            }

            destination[x] = sum;
        }
    }

    /// <summary>
    /// <see cref="WeightedRows"/> for <see cref="BlockRows"/> consecutive output rows at once, all
    /// with the same <paramref name="weights"/>: output row j (j = 0 … 3) is
    /// destination[j·stride + x] = Σ_t weights[t]·source[offsets[j + t] + x], x &lt; <paramref name="width"/>,
    /// so <paramref name="offsets"/> lists weights.Length + 3 rows. Each row's sum is formed exactly
    /// as <see cref="WeightedRows"/> forms it (same products, same order); computing four rows
    /// together loads every source row once for all four instead of four times.
    /// </summary>
    public static void WeightedRowBlock(
        ReadOnlySpan<double> source, ReadOnlySpan<int> offsets, ReadOnlySpan<double> weights, Span<double> destination, int stride, int width, SimdPath path)
    {
        if (offsets.Length != weights.Length + RowBlock - 1)
        {
            throw new ArgumentException($"A block of {RowBlock} rows with {weights.Length} taps reads {weights.Length + RowBlock - 1} source rows, got {offsets.Length}.", nameof(offsets));
        }

        if (width < 0 || stride < width || (RowBlock - 1) * stride + width > destination.Length)
        {
            throw new ArgumentException($"{RowBlock} rows of {width} samples {stride} apart do not fit the {destination.Length}-sample destination.", nameof(destination));
        }

        foreach (var offset in offsets)
        {
            if (offset < 0 || offset + width > source.Length)
            {
                throw new ArgumentOutOfRangeException(nameof(offsets), $"Row at offset {offset} with {width} samples is outside the {source.Length}-sample source.");
            }
        }

        var x = path switch
        {
            SimdPath.Vector512 => WeightedRowBlockVector512(source, offsets, weights, destination, stride, width),
            SimdPath.Vector256 => WeightedRowBlockVector256(source, offsets, weights, destination, stride, width),
            SimdPath.Scalar => 0,
            _ => throw new ArgumentOutOfRangeException(nameof(path), path, "Accepted: Scalar, Vector256, Vector512."),
        };

        for (var j = 0; j < RowBlock; j++)
        {
            for (var c = x; c < width; c++)
            {
                var sum = 0.0;
                for (var t = 0; t < weights.Length; t++)
                {
                    sum += weights[t] * source[offsets[j + t] + c];
                }

                destination[j * stride + c] = sum;
            }
        }
    }

    /// <summary>
    /// Resamples rows [<paramref name="first"/>, <paramref name="end"/>) of <paramref name="input"/>
    /// (row length <paramref name="inWidth"/>) along the row: output[y, c] = Σ_j weights[j]·input[y, indices[j]],
    /// j = starts[c] … starts[c + 1] − 1, written to the same rows of <paramref name="output"/>
    /// (row length starts.Length − 1). The SIMD paths interleave blocks of <see cref="BlockRows"/> rows
    /// so that a vector holds one input column of several rows, and handle the remaining rows as scalars.
    /// </summary>
    public static void ResampleRows(
        ReadOnlySpan<double> input, int inWidth, ReadOnlySpan<int> starts, ReadOnlySpan<int> indices, ReadOnlySpan<double> weights,
        Span<double> output, int first, int end, SimdPath path)
    {
        var outWidth = starts.Length - 1;
        if (starts[0] != 0 || starts[outWidth] > Math.Min(indices.Length, weights.Length))
        {
            throw new ArgumentException("Tap table starts must begin at 0 and end within the index and weight lists.", nameof(starts));
        }

        for (var c = 0; c < outWidth; c++)
        {
            if (starts[c + 1] < starts[c])
            {
                throw new ArgumentException($"Tap table starts decrease at output {c}.", nameof(starts));
            }
        }

        foreach (var index in indices[..starts[outWidth]])
        {
            if ((uint)index >= (uint)inWidth)
            {
                throw new ArgumentOutOfRangeException(nameof(indices), index, $"Tap index outside the {inWidth}-sample row.");
            }
        }

        var y = path switch
        {
            SimdPath.Vector256 or SimdPath.Vector512 => ResampleBlocks(input, inWidth, starts, indices, weights, output, first, end, path),
            SimdPath.Scalar => first,
            _ => throw new ArgumentOutOfRangeException(nameof(path), path, "Accepted: Scalar, Vector256, Vector512."),
        };

        for (; y < end; y++)
        {
            var source = input.Slice(y * inWidth, inWidth);
            var row = output.Slice(y * outWidth, outWidth);
            for (var c = 0; c < outWidth; c++)
            {
                var sum = 0.0;
                for (var j = starts[c]; j < starts[c + 1]; j++)
                {
                    sum += weights[j] * source[indices[j]];
                }

                row[c] = sum;
            }
        }
    }

    /// <summary>
    /// How many doubles <paramref name="values"/> starts past a 64-byte boundary (0–7), from its
    /// address (the byte distance from a null reference, no pointer types). Used only to align
    /// stores; the GC may move small arrays afterwards, which affects speed, never values.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)] // inlined, it turns its callers' optimisation off (MinOpts)
    public static int Misalignment(ReadOnlySpan<double> values)
    {
        var address = Unsafe.ByteOffset(ref Unsafe.NullRef<double>(), ref MemoryMarshal.GetReference(values));
        return (int)(address & 63) / sizeof(double);
    }

    /// <summary>The whole blocks of <see cref="BlockRows"/> rows of <see cref="ResampleRows"/>; returns the first row left.</summary>
    private static int ResampleBlocks(
        ReadOnlySpan<double> input, int inWidth, ReadOnlySpan<int> starts, ReadOnlySpan<int> indices, ReadOnlySpan<double> weights,
        Span<double> output, int first, int end, SimdPath path)
    {
        var outWidth = starts.Length - 1;
        var y = first;
        if (end - first < BlockRows)
        {
            return y;
        }

        var pool = ArrayPool<double>.Shared;
        var interleaved = pool.Rent(BlockRows * inWidth);
        var block = pool.Rent(BlockRows * outWidth);
        try
        {
            for (; y + BlockRows <= end; y += BlockRows)
            {
                // interleaved[x·16 + i] = input[y + i, x]: one vector load gives column x of 4 or 8 rows.
                for (var x = 0; x < inWidth; x++)
                {
                    for (var i = 0; i < BlockRows; i++)
                    {
                        interleaved[x * BlockRows + i] = input[(y + i) * inWidth + x];
                    }
                }

                if (path == SimdPath.Vector512)
                {
                    ResampleBlockVector512(interleaved, starts, indices, weights, block);
                }
                else
                {
                    ResampleBlockVector256(interleaved, starts, indices, weights, block);
                }

                for (var i = 0; i < BlockRows; i++)
                {
                    var row = output.Slice((y + i) * outWidth, outWidth);
                    for (var c = 0; c < outWidth; c++)
                    {
                        row[c] = block[c * BlockRows + i];
                    }
                }
            }
        }
        finally
        {
            pool.Return(block);
            pool.Return(interleaved);
        }

        return y;
    }

    // ---------------- SIMD bodies; each returns the first output it did not compute ----------------
    // Several independent accumulators per iteration hide the latency of the dependent additions.

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int CorrelateVector256(ReadOnlySpan<double> source, ReadOnlySpan<double> k, Span<double> destination)
    {
        var lanes = Vector256<double>.Count;
        var n = destination.Length;
        if (n < lanes)
        {
            return 0;
        }

        ref var s = ref MemoryMarshal.GetReference(source);
        ref var d = ref MemoryMarshal.GetReference(destination);

        // One vector at the start, then stores aligned to the vector size, and a last vector ending
        // at n: outputs covered twice get the same value twice.
        CorrelateVector256One(ref s, k, ref d, 0);
        var x = lanes - Misalignment(destination) % lanes;
        for (; x <= n - 4 * lanes; x += 4 * lanes)
        {
            var a0 = Vector256<double>.Zero;
            var a1 = Vector256<double>.Zero;
            var a2 = Vector256<double>.Zero;
            var a3 = Vector256<double>.Zero;
            for (var t = 0; t < k.Length; t++)
            {
                var wt = Vector256.Create(k[t]);
                var o = (nuint)(x + t);
                a0 += wt * Vector256.LoadUnsafe(ref s, o);
                a1 += wt * Vector256.LoadUnsafe(ref s, o + (nuint)lanes);
                a2 += wt * Vector256.LoadUnsafe(ref s, o + (nuint)(2 * lanes));
                a3 += wt * Vector256.LoadUnsafe(ref s, o + (nuint)(3 * lanes));
            }

            a0.StoreUnsafe(ref d, (nuint)x);
            a1.StoreUnsafe(ref d, (nuint)(x + lanes));
            a2.StoreUnsafe(ref d, (nuint)(x + 2 * lanes));
            a3.StoreUnsafe(ref d, (nuint)(x + 3 * lanes));
        }

        for (; x <= n - lanes; x += lanes)
        {
            CorrelateVector256One(ref s, k, ref d, x);
        }

        if (x < n)
        {
            CorrelateVector256One(ref s, k, ref d, n - lanes);
        }

        return n;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CorrelateVector256One(ref double s, ReadOnlySpan<double> k, ref double d, int x)
    {
        var a = Vector256<double>.Zero;
        for (var t = 0; t < k.Length; t++)
        {
            var wt = Vector256.Create(k[t]);
            var o = (nuint)(x + t);
            a += wt * Vector256.LoadUnsafe(ref s, o);
        }

        a.StoreUnsafe(ref d, (nuint)x);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int CorrelateVector512(ReadOnlySpan<double> source, ReadOnlySpan<double> k, Span<double> destination)
    {
        var lanes = Vector512<double>.Count;
        var n = destination.Length;
        if (n < lanes)
        {
            return 0;
        }

        ref var s = ref MemoryMarshal.GetReference(source);
        ref var d = ref MemoryMarshal.GetReference(destination);

        // One vector at the start, then stores aligned to the vector size, and a last vector ending
        // at n: outputs covered twice get the same value twice.
        CorrelateVector512One(ref s, k, ref d, 0);
        var x = lanes - Misalignment(destination) % lanes;
        for (; x <= n - 4 * lanes; x += 4 * lanes)
        {
            var a0 = Vector512<double>.Zero;
            var a1 = Vector512<double>.Zero;
            var a2 = Vector512<double>.Zero;
            var a3 = Vector512<double>.Zero;
            for (var t = 0; t < k.Length; t++)
            {
                var wt = Vector512.Create(k[t]);
                var o = (nuint)(x + t);
                a0 += wt * Vector512.LoadUnsafe(ref s, o);
                a1 += wt * Vector512.LoadUnsafe(ref s, o + (nuint)lanes);
                a2 += wt * Vector512.LoadUnsafe(ref s, o + (nuint)(2 * lanes));
                a3 += wt * Vector512.LoadUnsafe(ref s, o + (nuint)(3 * lanes));
            }

            a0.StoreUnsafe(ref d, (nuint)x);
            a1.StoreUnsafe(ref d, (nuint)(x + lanes));
            a2.StoreUnsafe(ref d, (nuint)(x + 2 * lanes));
            a3.StoreUnsafe(ref d, (nuint)(x + 3 * lanes));
        }

        for (; x <= n - lanes; x += lanes)
        {
            CorrelateVector512One(ref s, k, ref d, x);
        }

        if (x < n)
        {
            CorrelateVector512One(ref s, k, ref d, n - lanes);
        }

        return n;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CorrelateVector512One(ref double s, ReadOnlySpan<double> k, ref double d, int x)
    {
        var a = Vector512<double>.Zero;
        for (var t = 0; t < k.Length; t++)
        {
            var wt = Vector512.Create(k[t]);
            var o = (nuint)(x + t);
            a += wt * Vector512.LoadUnsafe(ref s, o);
        }

        a.StoreUnsafe(ref d, (nuint)x);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int WeightedRowsVector256(ReadOnlySpan<double> source, ReadOnlySpan<int> offsets, ReadOnlySpan<double> weights, Span<double> destination)
    {
        var lanes = Vector256<double>.Count;
        var n = destination.Length;
        if (n < lanes)
        {
            return 0;
        }

        ref var s = ref MemoryMarshal.GetReference(source);
        ref var d = ref MemoryMarshal.GetReference(destination);

        // One vector at the start, then stores aligned to the vector size, and a last vector ending
        // at n: outputs covered twice get the same value twice.
        WeightedRowsVector256One(ref s, offsets, weights, ref d, 0);
        var x = lanes - Misalignment(destination) % lanes;
        for (; x <= n - 4 * lanes; x += 4 * lanes)
        {
            var a0 = Vector256<double>.Zero;
            var a1 = Vector256<double>.Zero;
            var a2 = Vector256<double>.Zero;
            var a3 = Vector256<double>.Zero;
            for (var t = 0; t < offsets.Length; t++)
            {
                var wt = Vector256.Create(weights[t]);
                var o = (nuint)(offsets[t] + x);
                a0 += wt * Vector256.LoadUnsafe(ref s, o);
                a1 += wt * Vector256.LoadUnsafe(ref s, o + (nuint)lanes);
                a2 += wt * Vector256.LoadUnsafe(ref s, o + (nuint)(2 * lanes));
                a3 += wt * Vector256.LoadUnsafe(ref s, o + (nuint)(3 * lanes));
            }

            a0.StoreUnsafe(ref d, (nuint)x);
            a1.StoreUnsafe(ref d, (nuint)(x + lanes));
            a2.StoreUnsafe(ref d, (nuint)(x + 2 * lanes));
            a3.StoreUnsafe(ref d, (nuint)(x + 3 * lanes));
        }

        for (; x <= n - lanes; x += lanes)
        {
            WeightedRowsVector256One(ref s, offsets, weights, ref d, x);
        }

        if (x < n)
        {
            WeightedRowsVector256One(ref s, offsets, weights, ref d, n - lanes);
        }

        return n;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void WeightedRowsVector256One(ref double s, ReadOnlySpan<int> offsets, ReadOnlySpan<double> weights, ref double d, int x)
    {
        var a = Vector256<double>.Zero;
        for (var t = 0; t < offsets.Length; t++)
        {
            var wt = Vector256.Create(weights[t]);
            var o = (nuint)(offsets[t] + x);
            a += wt * Vector256.LoadUnsafe(ref s, o);
        }

        a.StoreUnsafe(ref d, (nuint)x);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int WeightedRowsVector512(ReadOnlySpan<double> source, ReadOnlySpan<int> offsets, ReadOnlySpan<double> weights, Span<double> destination)
    {
        var lanes = Vector512<double>.Count;
        var n = destination.Length;
        if (n < lanes)
        {
            return 0;
        }

        ref var s = ref MemoryMarshal.GetReference(source);
        ref var d = ref MemoryMarshal.GetReference(destination);

        // One vector at the start, then stores aligned to the vector size, and a last vector ending
        // at n: outputs covered twice get the same value twice.
        WeightedRowsVector512One(ref s, offsets, weights, ref d, 0);
        var x = lanes - Misalignment(destination) % lanes;
        for (; x <= n - 4 * lanes; x += 4 * lanes)
        {
            var a0 = Vector512<double>.Zero;
            var a1 = Vector512<double>.Zero;
            var a2 = Vector512<double>.Zero;
            var a3 = Vector512<double>.Zero;
            for (var t = 0; t < offsets.Length; t++)
            {
                var wt = Vector512.Create(weights[t]);
                var o = (nuint)(offsets[t] + x);
                a0 += wt * Vector512.LoadUnsafe(ref s, o);
                a1 += wt * Vector512.LoadUnsafe(ref s, o + (nuint)lanes);
                a2 += wt * Vector512.LoadUnsafe(ref s, o + (nuint)(2 * lanes));
                a3 += wt * Vector512.LoadUnsafe(ref s, o + (nuint)(3 * lanes));
            }

            a0.StoreUnsafe(ref d, (nuint)x);
            a1.StoreUnsafe(ref d, (nuint)(x + lanes));
            a2.StoreUnsafe(ref d, (nuint)(x + 2 * lanes));
            a3.StoreUnsafe(ref d, (nuint)(x + 3 * lanes));
        }

        for (; x <= n - lanes; x += lanes)
        {
            WeightedRowsVector512One(ref s, offsets, weights, ref d, x);
        }

        if (x < n)
        {
            WeightedRowsVector512One(ref s, offsets, weights, ref d, n - lanes);
        }

        return n;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void WeightedRowsVector512One(ref double s, ReadOnlySpan<int> offsets, ReadOnlySpan<double> weights, ref double d, int x)
    {
        var a = Vector512<double>.Zero;
        for (var t = 0; t < offsets.Length; t++)
        {
            var wt = Vector512.Create(weights[t]);
            var o = (nuint)(offsets[t] + x);
            a += wt * Vector512.LoadUnsafe(ref s, o);
        }

        a.StoreUnsafe(ref d, (nuint)x);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ResampleBlockVector256(ReadOnlySpan<double> interleaved, ReadOnlySpan<int> starts, ReadOnlySpan<int> indices, ReadOnlySpan<double> weights, Span<double> destination)
    {
        var lanes = Vector256<double>.Count;
        ref var s = ref MemoryMarshal.GetReference(interleaved);
        ref var d = ref MemoryMarshal.GetReference(destination);
        for (var c = 0; c < starts.Length - 1; c++)
        {
            var a0 = Vector256<double>.Zero;
            var a1 = Vector256<double>.Zero;
            var a2 = Vector256<double>.Zero;
            var a3 = Vector256<double>.Zero;
            for (var j = starts[c]; j < starts[c + 1]; j++)
            {
                var wt = Vector256.Create(weights[j]);
                var o = (nuint)(indices[j] * BlockRows);
                a0 += wt * Vector256.LoadUnsafe(ref s, o);
                a1 += wt * Vector256.LoadUnsafe(ref s, o + (nuint)(1 * lanes));
                a2 += wt * Vector256.LoadUnsafe(ref s, o + (nuint)(2 * lanes));
                a3 += wt * Vector256.LoadUnsafe(ref s, o + (nuint)(3 * lanes));
            }

            a0.StoreUnsafe(ref d, (nuint)(c * BlockRows));
            a1.StoreUnsafe(ref d, (nuint)(c * BlockRows + 1 * lanes));
            a2.StoreUnsafe(ref d, (nuint)(c * BlockRows + 2 * lanes));
            a3.StoreUnsafe(ref d, (nuint)(c * BlockRows + 3 * lanes));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ResampleBlockVector512(ReadOnlySpan<double> interleaved, ReadOnlySpan<int> starts, ReadOnlySpan<int> indices, ReadOnlySpan<double> weights, Span<double> destination)
    {
        var lanes = Vector512<double>.Count;
        ref var s = ref MemoryMarshal.GetReference(interleaved);
        ref var d = ref MemoryMarshal.GetReference(destination);
        for (var c = 0; c < starts.Length - 1; c++)
        {
            var a0 = Vector512<double>.Zero;
            var a1 = Vector512<double>.Zero;
            for (var j = starts[c]; j < starts[c + 1]; j++)
            {
                var wt = Vector512.Create(weights[j]);
                var o = (nuint)(indices[j] * BlockRows);
                a0 += wt * Vector512.LoadUnsafe(ref s, o);
                a1 += wt * Vector512.LoadUnsafe(ref s, o + (nuint)(1 * lanes));
            }

            a0.StoreUnsafe(ref d, (nuint)(c * BlockRows));
            a1.StoreUnsafe(ref d, (nuint)(c * BlockRows + 1 * lanes));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int WeightedRowBlockVector256(ReadOnlySpan<double> source, ReadOnlySpan<int> offsets, ReadOnlySpan<double> weights, Span<double> destination, int stride, int width)
    {
        var lanes = Vector256<double>.Count;
        if (width < lanes)
        {
            return 0;
        }

        ref var s = ref MemoryMarshal.GetReference(source);
        ref var d = ref MemoryMarshal.GetReference(destination);
        var x = 0;
        for (; x <= width - 2 * lanes; x += 2 * lanes)
        {
            // Row j adds the product of tap t − j with source row t: a* hold columns x…, b* columns x + lanes….
            var a0 = Vector256<double>.Zero;
            var a1 = Vector256<double>.Zero;
            var a2 = Vector256<double>.Zero;
            var a3 = Vector256<double>.Zero;
            var b0 = Vector256<double>.Zero;
            var b1 = Vector256<double>.Zero;
            var b2 = Vector256<double>.Zero;
            var b3 = Vector256<double>.Zero;
            for (var t = 0; t < offsets.Length; t++)
            {
                var o = (nuint)(offsets[t] + x);
                var u = Vector256.LoadUnsafe(ref s, o);
                var v = Vector256.LoadUnsafe(ref s, o + (nuint)lanes);
                if (t < weights.Length)
                {
                    var w = Vector256.Create(weights[t]);
                    a0 += w * u;
                    b0 += w * v;
                }

                if (t >= 1 && t - 1 < weights.Length)
                {
                    var w = Vector256.Create(weights[t - 1]);
                    a1 += w * u;
                    b1 += w * v;
                }

                if (t >= 2 && t - 2 < weights.Length)
                {
                    var w = Vector256.Create(weights[t - 2]);
                    a2 += w * u;
                    b2 += w * v;
                }

                if (t >= 3)
                {
                    var w = Vector256.Create(weights[t - 3]);
                    a3 += w * u;
                    b3 += w * v;
                }
            }

            a0.StoreUnsafe(ref d, (nuint)x);
            b0.StoreUnsafe(ref d, (nuint)(x + lanes));
            a1.StoreUnsafe(ref d, (nuint)(stride + x));
            b1.StoreUnsafe(ref d, (nuint)(stride + x + lanes));
            a2.StoreUnsafe(ref d, (nuint)(2 * stride + x));
            b2.StoreUnsafe(ref d, (nuint)(2 * stride + x + lanes));
            a3.StoreUnsafe(ref d, (nuint)(3 * stride + x));
            b3.StoreUnsafe(ref d, (nuint)(3 * stride + x + lanes));
        }

        // At most two single vectors left, the last one ending at width (columns computed twice get the same value twice).
        for (; x < width; x += lanes)
        {
            WeightedRowBlockVector256One(ref s, offsets, weights, ref d, stride, Math.Min(x, width - lanes));
        }

        return width;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void WeightedRowBlockVector256One(ref double s, ReadOnlySpan<int> offsets, ReadOnlySpan<double> weights, ref double d, int stride, int x)
    {
        for (var j = 0; j < RowBlock; j++)
        {
            var a = Vector256<double>.Zero;
            for (var t = 0; t < weights.Length; t++)
            {
                a += Vector256.Create(weights[t]) * Vector256.LoadUnsafe(ref s, (nuint)(offsets[j + t] + x));
            }

            a.StoreUnsafe(ref d, (nuint)(j * stride + x));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int WeightedRowBlockVector512(ReadOnlySpan<double> source, ReadOnlySpan<int> offsets, ReadOnlySpan<double> weights, Span<double> destination, int stride, int width)
    {
        var lanes = Vector512<double>.Count;
        if (width < lanes)
        {
            return 0;
        }

        ref var s = ref MemoryMarshal.GetReference(source);
        ref var d = ref MemoryMarshal.GetReference(destination);
        var x = 0;
        for (; x <= width - 2 * lanes; x += 2 * lanes)
        {
            // Row j adds the product of tap t − j with source row t: a* hold columns x…, b* columns x + lanes….
            var a0 = Vector512<double>.Zero;
            var a1 = Vector512<double>.Zero;
            var a2 = Vector512<double>.Zero;
            var a3 = Vector512<double>.Zero;
            var b0 = Vector512<double>.Zero;
            var b1 = Vector512<double>.Zero;
            var b2 = Vector512<double>.Zero;
            var b3 = Vector512<double>.Zero;
            for (var t = 0; t < offsets.Length; t++)
            {
                var o = (nuint)(offsets[t] + x);
                var u = Vector512.LoadUnsafe(ref s, o);
                var v = Vector512.LoadUnsafe(ref s, o + (nuint)lanes);
                if (t < weights.Length)
                {
                    var w = Vector512.Create(weights[t]);
                    a0 += w * u;
                    b0 += w * v;
                }

                if (t >= 1 && t - 1 < weights.Length)
                {
                    var w = Vector512.Create(weights[t - 1]);
                    a1 += w * u;
                    b1 += w * v;
                }

                if (t >= 2 && t - 2 < weights.Length)
                {
                    var w = Vector512.Create(weights[t - 2]);
                    a2 += w * u;
                    b2 += w * v;
                }

                if (t >= 3)
                {
                    var w = Vector512.Create(weights[t - 3]);
                    a3 += w * u;
                    b3 += w * v;
                }
            }

            a0.StoreUnsafe(ref d, (nuint)x);
            b0.StoreUnsafe(ref d, (nuint)(x + lanes));
            a1.StoreUnsafe(ref d, (nuint)(stride + x));
            b1.StoreUnsafe(ref d, (nuint)(stride + x + lanes));
            a2.StoreUnsafe(ref d, (nuint)(2 * stride + x));
            b2.StoreUnsafe(ref d, (nuint)(2 * stride + x + lanes));
            a3.StoreUnsafe(ref d, (nuint)(3 * stride + x));
            b3.StoreUnsafe(ref d, (nuint)(3 * stride + x + lanes));
        }

        // At most two single vectors left, the last one ending at width (columns computed twice get the same value twice).
        for (; x < width; x += lanes)
        {
            WeightedRowBlockVector512One(ref s, offsets, weights, ref d, stride, Math.Min(x, width - lanes));
        }

        return width;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void WeightedRowBlockVector512One(ref double s, ReadOnlySpan<int> offsets, ReadOnlySpan<double> weights, ref double d, int stride, int x)
    {
        for (var j = 0; j < RowBlock; j++)
        {
            var a = Vector512<double>.Zero;
            for (var t = 0; t < weights.Length; t++)
            {
                a += Vector512.Create(weights[t]) * Vector512.LoadUnsafe(ref s, (nuint)(offsets[j + t] + x));
            }

            a.StoreUnsafe(ref d, (nuint)(j * stride + x));
        }
    }
}
