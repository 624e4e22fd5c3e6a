namespace RestoreBench.Onnx.Import.TfGraph;

/// <summary>
/// TensorFlow's <c>StridedSlice</c> resolved against a known input shape, following
/// <c>tf.strided_slice</c>: the sparse spec (begin/end/strides with begin, end, ellipsis, new-axis and
/// shrink-axis bit masks) is expanded to one entry per input dimension (an ellipsis covers the
/// dimensions that no other entry names; without one, the unnamed trailing dimensions are kept whole).
/// Negative begin/end count from the end; out-of-range values are clamped ([0, n] for positive strides,
/// [−1, n−1] for negative ones); a shrink-axis entry takes the single index begin (which must be in range)
/// and removes the dimension; a new-axis entry inserts a dimension of 1.
/// </summary>
internal sealed class TfSlice
{
    private TfSlice(int[] starts, int[] steps, int[] lengths, int[] outputShape)
    {
        Starts = starts;
        Steps = steps;
        Lengths = lengths;
        OutputShape = outputShape;
    }

    /// <summary>Per input dimension: first index.</summary>
    public int[] Starts { get; }

    /// <summary>Per input dimension: step.</summary>
    public int[] Steps { get; }

    /// <summary>Per input dimension: number of indices taken (1 for a shrunk dimension).</summary>
    public int[] Lengths { get; }

    /// <summary>Shape of the result (shrunk dimensions removed, new axes inserted).</summary>
    public int[] OutputShape { get; }

    /// <exception cref="ArgumentException">Inconsistent spec (message without the node name).</exception>
    public static TfSlice Resolve(int[] shape, long[] begin, long[] end, long[] strides, long beginMask, long endMask, long ellipsisMask, long newAxisMask, long shrinkMask)
    {
        var n = begin.Length;
        if (end.Length != n || strides.Length != n)
        {
            throw new ArgumentException($"begin, end and strides have lengths {begin.Length}, {end.Length}, {strides.Length}");
        }

        if (System.Numerics.BitOperations.PopCount((ulong)ellipsisMask) > 1)
        {
            throw new ArgumentException("more than one ellipsis");
        }

        var rank = shape.Length;
        var consuming = 0;
        var hasEllipsis = false;
        for (var i = 0; i < n; i++)
        {
            if (Bit(ellipsisMask, i))
            {
                hasEllipsis = true;
            }
            else if (!Bit(newAxisMask, i))
            {
                consuming++;
            }
        }

        if (consuming > rank)
        {
            throw new ArgumentException($"the spec indexes {consuming} dimensions of a rank-{rank} input");
        }

        var starts = new int[rank];
        var steps = new int[rank];
        var lengths = new int[rank];
        var output = new List<int>();
        var dim = 0;

        void Whole()
        {
            starts[dim] = 0;
            steps[dim] = 1;
            lengths[dim] = shape[dim];
            output.Add(shape[dim]);
            dim++;
        }

        for (var i = 0; i < n; i++)
        {
            if (Bit(ellipsisMask, i))
            {
                var covered = rank - consuming;
                for (var j = 0; j < covered; j++)
                {
                    Whole();
                }

                continue;
            }

            if (Bit(newAxisMask, i))
            {
                output.Add(1);
                continue;
            }

            var size = shape[dim];
            var stride = strides[i];
            if (stride == 0)
            {
                throw new ArgumentException($"stride 0 at position {i}");
            }

            if (Bit(shrinkMask, i))
            {
                var index = begin[i] < 0 ? begin[i] + size : begin[i];
                if (index < 0 || index >= size)
                {
                    throw new ArgumentException($"index {begin[i]} at position {i} is out of range for a dimension of {size}");
                }

                starts[dim] = (int)index;
                steps[dim] = 1;
                lengths[dim] = 1;
                dim++;
                continue;
            }

            long lo = stride > 0 ? 0 : -1, hi = stride > 0 ? size : size - 1;
            long Canonical(long x, bool masked, bool isBegin)
            {
                if (masked)
                {
                    return isBegin ? (stride > 0 ? 0 : size - 1) : (stride > 0 ? size : -1);
                }

                var v = x < 0 ? x + size : x;
                return Math.Clamp(v, lo, hi);
            }

            var b = Canonical(begin[i], Bit(beginMask, i), isBegin: true);
            var e = Canonical(end[i], Bit(endMask, i), isBegin: false);
            var length = stride > 0 ? Math.Max(0, (e - b + stride - 1) / stride) : Math.Max(0, (b - e + (-stride) - 1) / -stride);
            starts[dim] = (int)b;
            steps[dim] = (int)stride;
            lengths[dim] = (int)length;
            output.Add((int)length);
            dim++;
        }

        if (!hasEllipsis)
        {
            while (dim < rank)
            {
                Whole();
            }
        }

        return new TfSlice(starts, steps, lengths, [.. output]);
    }

    /// <summary>True when dimension <paramref name="d"/> is taken whole, in order.</summary>
    public bool IsWhole(int d, int size) => Starts[d] == 0 && Steps[d] == 1 && Lengths[d] == size;

    private static bool Bit(long mask, int i) => ((mask >> i) & 1) != 0;
}
