namespace RestoreBench.Onnx.Import.TfGraph;

/// <summary>Element types of TensorFlow values the graph importer handles.</summary>
internal enum TfType
{
    /// <summary>DT_FLOAT (float32).</summary>
    Float,

    /// <summary>DT_INT32.</summary>
    Int32,

    /// <summary>DT_INT64.</summary>
    Int64,

    /// <summary>DT_BOOL.</summary>
    Bool,
}

/// <summary>
/// A value of the TensorFlow graph with a fully known shape (the importer fixes the input size): either a
/// constant (<see cref="Data"/>, folded at import) or a value computed by the ONNX graph (<see cref="OnnxName"/>).
/// Constants hold their elements as float64 (exact for float32, int32 and bool), rounded to the element
/// type after every folded operation, as TensorFlow.js's CPU backend rounds every result to float32.
/// </summary>
internal sealed class TfValue
{
    private TfValue(TfType type, int[] shape, double[]? data, string? onnxName)
    {
        Type = type;
        Shape = shape;
        Data = data;
        OnnxName = onnxName;
    }

    /// <summary>Element type.</summary>
    public TfType Type { get; }

    /// <summary>Shape (empty for a scalar).</summary>
    public int[] Shape { get; }

    /// <summary>Elements (row-major) of a constant, else null.</summary>
    public double[]? Data { get; }

    /// <summary>Name of the ONNX value holding it: a computed value, or a constant once materialised.</summary>
    public string? OnnxName { get; set; }

    /// <summary>
    /// True for a constant derived from a learned tensor of the weights manifest (a float32 weight with more
    /// than one element): written as an ONNX initializer, i.e. counted as parameters. Other folded constants
    /// (shape arithmetic, resize matrices, scalars) become Constant nodes.
    /// </summary>
    public bool Learned { get; set; }

    /// <summary>True for a folded constant.</summary>
    public bool IsConst => Data is not null;

    /// <summary>Number of elements.</summary>
    public int Count => TfShape.Count(Shape);

    public static TfValue Const(TfType type, int[] shape, double[] data)
    {
        if (data.Length != TfShape.Count(shape))
        {
            throw new InvalidOperationException($"constant of shape [{string.Join(",", shape)}] with {data.Length} elements");
        }

        return new TfValue(type, shape, data, null);
    }

    public static TfValue Computed(TfType type, int[] shape, string onnxName) => new(type, shape, null, onnxName);

    /// <summary>Rounds a float64 result to the element type (float32 rounding, int32 wrap, bool 0/1).</summary>
    public static double Round(TfType type, double value) => type switch
    {
        TfType.Float => (float)value,
        TfType.Int32 => unchecked((int)(long)value),
        TfType.Int64 => (long)value,
        TfType.Bool => value != 0 ? 1 : 0,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Accepted: Float, Int32, Int64, Bool."),
    };

    /// <summary>The constant's elements as integers (shapes, axes, indices).</summary>
    public long[] Longs()
    {
        var data = Data ?? throw new InvalidOperationException("not a constant");
        var result = new long[data.Length];
        for (var i = 0; i < data.Length; i++)
        {
            result[i] = (long)data[i];
        }

        return result;
    }

    public override string ToString() => $"{Type}[{string.Join(",", Shape)}]{(IsConst ? " const" : "")}";
}

/// <summary>Shape arithmetic shared by folding and emission.</summary>
internal static class TfShape
{
    public static int Count(int[] shape)
    {
        long n = 1;
        foreach (var d in shape)
        {
            n *= d;
        }

        return checked((int)n);
    }

    public static int[] Strides(int[] shape)
    {
        var strides = new int[shape.Length];
        var s = 1;
        for (var i = shape.Length - 1; i >= 0; i--)
        {
            strides[i] = s;
            s *= shape[i];
        }

        return strides;
    }

    public static long[] Dims(int[] shape) => Array.ConvertAll(shape, d => (long)d);

    public static string Text(int[] shape) => "[" + string.Join(",", shape) + "]";

    /// <summary>NumPy broadcasting of two shapes, or null when they are incompatible.</summary>
    public static int[]? Broadcast(int[] a, int[] b)
    {
        var rank = Math.Max(a.Length, b.Length);
        var result = new int[rank];
        for (var i = 0; i < rank; i++)
        {
            var da = i < rank - a.Length ? 1 : a[i - (rank - a.Length)];
            var db = i < rank - b.Length ? 1 : b[i - (rank - b.Length)];
            if (da != db && da != 1 && db != 1)
            {
                return null;
            }

            result[i] = da == 1 ? db : da;
        }

        return result;
    }

    /// <summary>For each element of <paramref name="output"/>, the offset of the broadcast element of <paramref name="input"/>.</summary>
    public static int[] BroadcastOffsets(int[] input, int[] output)
    {
        var count = Count(output);
        var offsets = new int[count];
        var rank = output.Length;
        var inStrides = Strides(input);
        var strides = new int[rank];
        for (var i = 0; i < rank; i++)
        {
            var j = i - (rank - input.Length);
            strides[i] = j < 0 || input[j] == 1 ? 0 : inStrides[j];
        }

        var index = new int[rank];
        var offset = 0;
        for (var k = 0; k < count; k++)
        {
            offsets[k] = offset;
            for (var d = rank - 1; d >= 0; d--)
            {
                index[d]++;
                offset += strides[d];
                if (index[d] < output[d])
                {
                    break;
                }

                offset -= strides[d] * index[d];
                index[d] = 0;
            }
        }

        return offsets;
    }

    /// <summary>Offsets (into the input) of the elements of the input permuted by <paramref name="perm"/>.</summary>
    public static int[] TransposeOffsets(int[] input, int[] perm, out int[] output)
    {
        output = new int[perm.Length];
        var inStrides = Strides(input);
        var strides = new int[perm.Length];
        for (var i = 0; i < perm.Length; i++)
        {
            output[i] = input[perm[i]];
            strides[i] = inStrides[perm[i]];
        }

        return StridedOffsets(output, strides, 0);
    }

    /// <summary>Offsets start + Σ index[d]·strides[d] over all indices of <paramref name="shape"/>, row-major.</summary>
    public static int[] StridedOffsets(int[] shape, int[] strides, int start)
    {
        var count = Count(shape);
        var offsets = new int[count];
        var rank = shape.Length;
        var index = new int[rank];
        var offset = start;
        for (var k = 0; k < count; k++)
        {
            offsets[k] = offset;
            for (var d = rank - 1; d >= 0; d--)
            {
                index[d]++;
                offset += strides[d];
                if (index[d] < shape[d])
                {
                    break;
                }

                offset -= strides[d] * index[d];
                index[d] = 0;
            }
        }

        return offsets;
    }
}
