using System.Globalization;
using RestoreBench.Onnx.Graph;

namespace RestoreBench.Onnx.Import.TfGraph;

/// <summary>
/// Converts TensorFlow graph nodes one at a time, in topological order, with every shape known. A node
/// whose inputs are all constants is evaluated here (constant folding, float64 arithmetic rounded to the
/// element type after each op); any other node becomes ONNX nodes on NHWC tensors (TensorFlow's layout),
/// with the layout changed only around convolutions (NHWC → NCHW → NHWC transposes, which ONNX Runtime's
/// transpose optimiser merges). Op semantics follow the TensorFlow op reference; each case names its
/// ONNX mapping.
/// </summary>
internal sealed class TfGraphConverter(OnnxGraphBuilder builder, string source)
{
    private const long OnnxFloat = 1, OnnxInt32 = 6, OnnxInt64 = 7, OnnxBool = 9;

    private static readonly Dictionary<string, (string Onnx, Func<double, double, double> Fold)> Arithmetic = new(StringComparer.Ordinal)
    {
        ["AddV2"] = ("Add", (a, b) => a + b),
        ["Add"] = ("Add", (a, b) => a + b),
        ["Sub"] = ("Sub", (a, b) => a - b),
        ["Mul"] = ("Mul", (a, b) => a * b),
        ["RealDiv"] = ("Div", (a, b) => a / b),
        ["Maximum"] = ("Max", Math.Max),
        ["Minimum"] = ("Min", Math.Min),
        ["Pow"] = ("Pow", Math.Pow),
    };

    private static readonly Dictionary<string, (string Onnx, Func<double, double, bool> Fold)> Comparisons = new(StringComparer.Ordinal)
    {
        ["Greater"] = ("Greater", (a, b) => a > b),
        ["GreaterEqual"] = ("GreaterOrEqual", (a, b) => a >= b),
        ["Less"] = ("Less", (a, b) => a < b),
        ["LessEqual"] = ("LessOrEqual", (a, b) => a <= b),
        ["Equal"] = ("Equal", (a, b) => a == b),
        ["LogicalAnd"] = ("And", (a, b) => a != 0 && b != 0),
        ["LogicalOr"] = ("Or", (a, b) => a != 0 || b != 0),
    };

    private static readonly Dictionary<string, (string Onnx, Func<double, double> Fold)> Unary = new(StringComparer.Ordinal)
    {
        ["Neg"] = ("Neg", a => -a),
        ["Abs"] = ("Abs", Math.Abs),
        ["Exp"] = ("Exp", Math.Exp),
        ["Log"] = ("Log", Math.Log),
        ["Sqrt"] = ("Sqrt", Math.Sqrt),
        ["Reciprocal"] = ("Reciprocal", a => 1 / a),
        ["Tanh"] = ("Tanh", Math.Tanh),
        ["Sigmoid"] = ("Sigmoid", a => 1 / (1 + Math.Exp(-a))),
        ["Relu"] = ("Relu", a => Math.Max(a, 0)),
        ["Floor"] = ("Floor", Math.Floor),
        ["Ceil"] = ("Ceil", Math.Ceiling),
        ["Round"] = ("Round", a => Math.Round(a, MidpointRounding.ToEven)),
        ["Sign"] = ("Sign", a => Math.Sign(a)),
        ["LogicalNot"] = ("Not", a => a != 0 ? 0 : 1),
    };

    private static readonly string[] Structural =
    [
        "Const", "Placeholder", "Identity", "StopGradient", "FloorDiv", "FloorMod", "NotEqual", "Rsqrt", "Square",
        "SquaredDifference", "Cast", "Shape", "Reshape", "ExpandDims", "Squeeze", "Transpose", "Pack", "ConcatV2",
        "StridedSlice", "GatherV2", "Range", "BroadcastTo", "SelectV2", "Sum", "Mean", "Max", "Einsum", "Conv2D",
        "Conv2DBackpropInput",
    ];

    private int _constants;

    /// <summary>Every op the converter maps, sorted.</summary>
    public static IReadOnlyList<string> SupportedOps { get; } = BuildSupported();

    /// <summary>Number of nodes evaluated at import (constant folding).</summary>
    public int FoldedNodes { get; private set; }

    /// <summary>Converts one node (not Const or Placeholder, which the importer resolves).</summary>
    public TfValue Convert(TfNode node, IReadOnlyList<TfValue> inputs)
    {
        var result = ConvertCore(node, inputs);
        if (result.IsConst)
        {
            FoldedNodes++;
            foreach (var input in inputs)
            {
                result.Learned |= input.Learned;
            }
        }

        return result;
    }

    /// <summary>The ONNX value name of <paramref name="value"/>, adding a constant for a folded value the first time (an initializer when <see cref="TfValue.Learned"/>, else a Constant node).</summary>
    public string Onnx(TfValue value)
    {
        if (value.OnnxName is { } name)
        {
            return name;
        }

        var data = value.Data!;
        var dims = TfShape.Dims(value.Shape);
        if (value.Type == TfType.Float)
        {
            var floats = new float[data.Length];
            for (var i = 0; i < data.Length; i++)
            {
                floats[i] = (float)data[i];
            }

            value.OnnxName = value.Learned
                ? builder.AddInitializer(string.Create(CultureInfo.InvariantCulture, $"tf_weight_{++_constants}"), floats, dims)
                : builder.Constant(floats, dims);
        }
        else
        {
            var longs = builder.Constant(value.Longs(), dims);
            value.OnnxName = value.Type switch
            {
                TfType.Int64 => longs,
                TfType.Int32 => builder.Node("Cast", [longs], OnnxAttr.Scalar("to", OnnxInt32)),
                _ => builder.Node("Cast", [longs], OnnxAttr.Scalar("to", OnnxBool)),
            };
        }

        return value.OnnxName;
    }

    private static IReadOnlyList<string> BuildSupported()
    {
        var all = new SortedSet<string>(StringComparer.Ordinal);
        all.UnionWith(Arithmetic.Keys);
        all.UnionWith(Comparisons.Keys);
        all.UnionWith(Unary.Keys);
        all.UnionWith(Structural);
        return [.. all];
    }

    private static bool IsAllConst(IReadOnlyList<TfValue> inputs)
    {
        foreach (var v in inputs)
        {
            if (!v.IsConst)
            {
                return false;
            }
        }

        return true;
    }

    private TfValue ConvertCore(TfNode node, IReadOnlyList<TfValue> x)
    {
        var op = node.Op;
        if (Arithmetic.TryGetValue(op, out var arithmetic))
        {
            Arity(node, x, 2);
            return Binary(node, x[0], x[1], x[0].Type, arithmetic.Fold, () => builder.Node(arithmetic.Onnx, [Onnx(x[0]), Onnx(x[1])]));
        }

        if (Comparisons.TryGetValue(op, out var comparison))
        {
            Arity(node, x, 2);
            return Binary(node, x[0], x[1], TfType.Bool, (a, b) => comparison.Fold(a, b) ? 1 : 0, () => builder.Node(comparison.Onnx, [Onnx(x[0]), Onnx(x[1])]));
        }

        if (Unary.TryGetValue(op, out var unary))
        {
            Arity(node, x, 1);
            return Map(x[0], x[0].Type, unary.Fold, () => builder.Node(unary.Onnx, [Onnx(x[0])]));
        }

        switch (op)
        {
            case "Identity" or "StopGradient":
                Arity(node, x, 1);
                return x[0];
            case "NotEqual":
                Arity(node, x, 2);
                return Binary(node, x[0], x[1], TfType.Bool, (a, b) => a != b ? 1 : 0, () => builder.Node("Not", [builder.Node("Equal", [Onnx(x[0]), Onnx(x[1])])]));
            case "FloorDiv":
                Arity(node, x, 2);
                return Binary(node, x[0], x[1], x[0].Type, (a, b) => Math.Floor(a / b), () => x[0].Type == TfType.Float
                    ? builder.Node("Floor", [builder.Node("Div", [Onnx(x[0]), Onnx(x[1])])])
                    : throw Fail(node, "integer FloorDiv of computed values is not supported (only of constants)"));
            case "FloorMod":
                Arity(node, x, 2);
                return Binary(node, x[0], x[1], x[0].Type, FloorMod, () => x[0].Type == TfType.Float
                    ? builder.Sub(Onnx(x[0]), builder.Mul(builder.Node("Floor", [builder.Div(Onnx(x[0]), Onnx(x[1]))]), Onnx(x[1])))
                    : builder.Node("Mod", [Onnx(x[0]), Onnx(x[1])], OnnxAttr.Scalar("fmod", 0L)));
            case "Rsqrt":
                Arity(node, x, 1);
                return Map(x[0], x[0].Type, a => 1 / Math.Sqrt(a), () => builder.Node("Reciprocal", [builder.Node("Sqrt", [Onnx(x[0])])]));
            case "Square":
                Arity(node, x, 1);
                return Map(x[0], x[0].Type, a => a * a, () => builder.Mul(Onnx(x[0]), Onnx(x[0])));
            case "SquaredDifference":
                Arity(node, x, 2);
                return Binary(node, x[0], x[1], x[0].Type, (a, b) => (a - b) * (a - b), () =>
                {
                    var d = builder.Sub(Onnx(x[0]), Onnx(x[1]));
                    return builder.Mul(d, d);
                });
            case "Cast":
                return Cast(node, x);
            case "Shape":
                Arity(node, x, 1);
                return TfValue.Const(node.Type("out_type") ?? TfType.Int32, [x[0].Shape.Length], Array.ConvertAll(x[0].Shape, d => (double)d));
            case "Reshape":
                Arity(node, x, 2);
                return Reshape(x[0], ReshapeTarget(node, x[0], ConstLongs(node, x[1], "shape")));
            case "ExpandDims":
                return ExpandDims(node, x);
            case "Squeeze":
                return Squeeze(node, x);
            case "Transpose":
                Arity(node, x, 2);
                return Transpose(node, x[0], Array.ConvertAll(ConstLongs(node, x[1], "perm"), p => (int)p));
            case "Pack":
                return Pack(node, x);
            case "ConcatV2":
                return Concat(node, x);
            case "StridedSlice":
                return StridedSlice(node, x);
            case "GatherV2":
                return Gather(node, x);
            case "Range":
                return Range(node, x);
            case "BroadcastTo":
                return BroadcastTo(node, x);
            case "SelectV2":
                return Select(node, x);
            case "Sum" or "Mean" or "Max":
                return Reduce(node, x);
            case "Einsum":
                return Einsum(node, x);
            case "Conv2D":
                return Conv2D(node, x);
            case "Conv2DBackpropInput":
                return ConvTranspose(node, x);
            default:
                throw Fail(node, $"op '{op}' is not supported (supported: {string.Join(", ", SupportedOps)})");
        }
    }

    /// <summary>TensorFlow FloorMod: the remainder takes the divisor's sign (x − ⌊x/y⌋·y, via fmod for accuracy).</summary>
    private static double FloorMod(double a, double b)
    {
        var r = a % b;
        return r != 0 && (r < 0) != (b < 0) ? r + b : r;
    }

    private ModelImportException Fail(TfNode node, string message) => new($"{source}: node '{node.Name}' ({node.Op}): {message}");

    private void Arity(TfNode node, IReadOnlyList<TfValue> x, int count)
    {
        if (x.Count != count)
        {
            throw Fail(node, $"expected {count} input(s), got {x.Count}");
        }
    }

    private long[] ConstLongs(TfNode node, TfValue value, string what) =>
        value.IsConst ? value.Longs() : throw Fail(node, $"the {what} input is computed from the image; only constant {what}s are supported (the importer fixes the input size)");

    private TfValue Binary(TfNode node, TfValue a, TfValue b, TfType type, Func<double, double, double> fold, Func<string> emit)
    {
        var shape = TfShape.Broadcast(a.Shape, b.Shape) ?? throw Fail(node, $"shapes {TfShape.Text(a.Shape)} and {TfShape.Text(b.Shape)} do not broadcast");
        if (!a.IsConst || !b.IsConst)
        {
            return TfValue.Computed(type, shape, emit());
        }

        var oa = TfShape.BroadcastOffsets(a.Shape, shape);
        var ob = TfShape.BroadcastOffsets(b.Shape, shape);
        var da = a.Data!;
        var db = b.Data!;
        var result = new double[oa.Length];
        for (var k = 0; k < result.Length; k++)
        {
            result[k] = TfValue.Round(type, fold(da[oa[k]], db[ob[k]]));
        }

        return TfValue.Const(type, shape, result);
    }

    private static TfValue Map(TfValue a, TfType type, Func<double, double> fold, Func<string> emit)
    {
        if (!a.IsConst)
        {
            return TfValue.Computed(type, a.Shape, emit());
        }

        var result = new double[a.Count];
        var data = a.Data!;
        for (var k = 0; k < result.Length; k++)
        {
            result[k] = TfValue.Round(type, fold(data[k]));
        }

        return TfValue.Const(type, a.Shape, result);
    }

    /// <summary>Cast: float → int truncates toward zero (as TensorFlow); any → bool is x ≠ 0. ONNX Cast.</summary>
    private TfValue Cast(TfNode node, IReadOnlyList<TfValue> x)
    {
        Arity(node, x, 1);
        var to = node.Type("DstT") ?? throw Fail(node, "no DstT");
        return Map(x[0], to, a => to is TfType.Int32 or TfType.Int64 ? Math.Truncate(a) : a, () => builder.Node("Cast", [Onnx(x[0])], OnnxAttr.Scalar("to", to switch
        {
            TfType.Float => OnnxFloat,
            TfType.Int32 => OnnxInt32,
            TfType.Int64 => OnnxInt64,
            _ => OnnxBool,
        })));
    }

    /// <summary>A value with a new shape of the same element count (ONNX Reshape with a constant shape).</summary>
    private TfValue Reshape(TfValue x, int[] shape)
    {
        if (x.IsConst)
        {
            return TfValue.Const(x.Type, shape, x.Data!);
        }

        if (shape.AsSpan().SequenceEqual(x.Shape))
        {
            return x;
        }

        return TfValue.Computed(x.Type, shape, builder.Node("Reshape", [Onnx(x), builder.Constant(TfShape.Dims(shape), shape.Length)]));
    }

    private int[] ReshapeTarget(TfNode node, TfValue x, long[] target)
    {
        var shape = new int[target.Length];
        var unknown = -1;
        long known = 1;
        for (var i = 0; i < target.Length; i++)
        {
            if (target[i] == -1)
            {
                if (unknown >= 0)
                {
                    throw Fail(node, "more than one -1 in the target shape");
                }

                unknown = i;
                continue;
            }

            shape[i] = checked((int)target[i]);
            known *= shape[i];
        }

        if (unknown >= 0)
        {
            shape[unknown] = known == 0 ? 0 : (int)(x.Count / known);
            known *= shape[unknown];
        }

        if (known != x.Count)
        {
            throw Fail(node, $"cannot reshape {TfShape.Text(x.Shape)} to [{string.Join(",", target)}]");
        }

        return shape;
    }

    private TfValue ExpandDims(TfNode node, IReadOnlyList<TfValue> x)
    {
        Arity(node, x, 2);
        var axis = (int)ConstLongs(node, x[1], "axis")[0];
        var rank = x[0].Shape.Length;
        if (axis < 0)
        {
            axis += rank + 1;
        }

        if (axis < 0 || axis > rank)
        {
            throw Fail(node, $"axis out of range for rank {rank}");
        }

        var shape = new List<int>(x[0].Shape);
        shape.Insert(axis, 1);
        return Reshape(x[0], [.. shape]);
    }

    private TfValue Squeeze(TfNode node, IReadOnlyList<TfValue> x)
    {
        Arity(node, x, 1);
        var rank = x[0].Shape.Length;
        var dims = node.Ints("squeeze_dims", []);
        var drop = new bool[rank];
        foreach (var d in dims)
        {
            var a = (int)(d < 0 ? d + rank : d);
            if (a < 0 || a >= rank || x[0].Shape[a] != 1)
            {
                throw Fail(node, $"cannot squeeze dimension {d} of {TfShape.Text(x[0].Shape)}");
            }

            drop[a] = true;
        }

        var shape = new List<int>();
        for (var i = 0; i < rank; i++)
        {
            if (!(dims.Length == 0 ? x[0].Shape[i] == 1 : drop[i]))
            {
                shape.Add(x[0].Shape[i]);
            }
        }

        return Reshape(x[0], [.. shape]);
    }

    private TfValue Transpose(TfNode node, TfValue x, int[] perm)
    {
        if (perm.Length != x.Shape.Length || !IsPermutation(perm))
        {
            throw Fail(node, $"perm [{string.Join(",", perm)}] is not a permutation of the {x.Shape.Length} axes");
        }

        var offsets = TfShape.TransposeOffsets(x.Shape, perm, out var shape);
        if (!x.IsConst)
        {
            return TfValue.Computed(x.Type, shape, builder.Transpose(Onnx(x), Array.ConvertAll(perm, p => (long)p)));
        }

        var data = x.Data!;
        var result = new double[offsets.Length];
        for (var k = 0; k < result.Length; k++)
        {
            result[k] = data[offsets[k]];
        }

        return TfValue.Const(x.Type, shape, result);
    }

    private static bool IsPermutation(int[] perm)
    {
        var seen = new bool[perm.Length];
        foreach (var p in perm)
        {
            if (p < 0 || p >= perm.Length || seen[p])
            {
                return false;
            }

            seen[p] = true;
        }

        return true;
    }

    /// <summary>Pack (tf.stack) along <c>axis</c>: ONNX Reshape of each input (a 1 inserted) + Concat.</summary>
    private TfValue Pack(TfNode node, IReadOnlyList<TfValue> x)
    {
        if (x.Count == 0)
        {
            throw Fail(node, "no inputs");
        }

        var rank = x[0].Shape.Length;
        var axis = (int)node.Int("axis", 0);
        if (axis < 0)
        {
            axis += rank + 1;
        }

        if (axis < 0 || axis > rank)
        {
            throw Fail(node, $"axis out of range for rank {rank}");
        }

        var expanded = new List<int>(x[0].Shape);
        expanded.Insert(axis, 1);
        var parts = new TfValue[x.Count];
        for (var i = 0; i < x.Count; i++)
        {
            if (!x[i].Shape.AsSpan().SequenceEqual(x[0].Shape) || x[i].Type != x[0].Type)
            {
                throw Fail(node, $"input {i} is {x[i]}, input 0 is {x[0]}");
            }

            parts[i] = Reshape(x[i], [.. expanded]);
        }

        return ConcatCore(node, parts, axis);
    }

    private TfValue Concat(TfNode node, IReadOnlyList<TfValue> x)
    {
        if (x.Count < 2)
        {
            throw Fail(node, "needs values and an axis");
        }

        var values = new TfValue[x.Count - 1];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = x[i];
        }

        var axis = (int)ConstLongs(node, x[^1], "axis")[0];
        if (axis < 0)
        {
            axis += values[0].Shape.Length;
        }

        return ConcatCore(node, values, axis);
    }

    private TfValue ConcatCore(TfNode node, TfValue[] values, int axis)
    {
        var first = values[0];
        var rank = first.Shape.Length;
        if (axis < 0 || axis >= rank)
        {
            throw Fail(node, $"axis {axis} out of range for rank {rank}");
        }

        var shape = (int[])first.Shape.Clone();
        shape[axis] = 0;
        var allConst = true;
        foreach (var v in values)
        {
            for (var d = 0; d < rank; d++)
            {
                if (v.Shape.Length != rank || (d != axis && v.Shape[d] != first.Shape[d]) || v.Type != first.Type)
                {
                    throw Fail(node, $"cannot concatenate {v} with {first} along axis {axis}");
                }
            }

            shape[axis] += v.Shape[axis];
            allConst &= v.IsConst;
        }

        if (values.Length == 1)
        {
            return first;
        }

        if (!allConst)
        {
            var names = new string[values.Length];
            for (var i = 0; i < values.Length; i++)
            {
                names[i] = Onnx(values[i]);
            }

            return TfValue.Computed(first.Type, shape, builder.Concat(axis, names));
        }

        long outer = 1, inner = 1;
        for (var d = 0; d < axis; d++)
        {
            outer *= shape[d];
        }

        for (var d = axis + 1; d < rank; d++)
        {
            inner *= shape[d];
        }

        var result = new double[TfShape.Count(shape)];
        var at = 0;
        for (var o = 0; o < outer; o++)
        {
            foreach (var v in values)
            {
                var block = (int)(v.Shape[axis] * inner);
                Array.Copy(v.Data!, o * block, result, at, block);
                at += block;
            }
        }

        return TfValue.Const(first.Type, shape, result);
    }

    /// <summary>StridedSlice (see <see cref="TfSlice"/>): ONNX Slice over the dimensions not taken whole, then Reshape.</summary>
    private TfValue StridedSlice(TfNode node, IReadOnlyList<TfValue> x)
    {
        Arity(node, x, 4);
        var input = x[0];
        TfSlice slice;
        try
        {
            slice = TfSlice.Resolve(input.Shape, ConstLongs(node, x[1], "begin"), ConstLongs(node, x[2], "end"), ConstLongs(node, x[3], "strides"),
                node.Int("begin_mask", 0), node.Int("end_mask", 0), node.Int("ellipsis_mask", 0), node.Int("new_axis_mask", 0), node.Int("shrink_axis_mask", 0));
        }
        catch (ArgumentException e)
        {
            throw Fail(node, $"{e.Message} (input {TfShape.Text(input.Shape)})");
        }

        var rank = input.Shape.Length;
        if (input.IsConst)
        {
            var inStrides = TfShape.Strides(input.Shape);
            var strides = new int[rank];
            var start = 0;
            for (var d = 0; d < rank; d++)
            {
                strides[d] = inStrides[d] * slice.Steps[d];
                start += inStrides[d] * slice.Starts[d];
            }

            var offsets = TfShape.StridedOffsets(slice.Lengths, strides, start);
            var data = input.Data!;
            var result = new double[offsets.Length];
            for (var k = 0; k < result.Length; k++)
            {
                result[k] = data[offsets[k]];
            }

            return TfValue.Const(input.Type, slice.OutputShape, result);
        }

        List<long> starts = [], ends = [], axes = [], steps = [];
        for (var d = 0; d < rank; d++)
        {
            if (slice.IsWhole(d, input.Shape[d]))
            {
                continue;
            }

            long s = slice.Starts[d], step = slice.Steps[d];
            var end = s + step * slice.Lengths[d];
            starts.Add(s);
            ends.Add(step < 0 && end < 0 ? long.MinValue / 2 : end);
            axes.Add(d);
            steps.Add(step);
        }

        var sliced = input.OnnxName!;
        if (axes.Count > 0)
        {
            sliced = builder.Node("Slice", [Onnx(input), builder.Constant([.. starts], starts.Count), builder.Constant([.. ends], ends.Count),
                builder.Constant([.. axes], axes.Count), builder.Constant([.. steps], steps.Count)]);
        }

        return Reshape(TfValue.Computed(input.Type, slice.Lengths, sliced), slice.OutputShape);
    }

    /// <summary>GatherV2 with batch_dims 0: ONNX Gather (indices as int64).</summary>
    private TfValue Gather(TfNode node, IReadOnlyList<TfValue> x)
    {
        Arity(node, x, 3);
        if (node.Int("batch_dims", 0) != 0)
        {
            throw Fail(node, "batch_dims other than 0 is not supported");
        }

        var (data, indices) = (x[0], x[1]);
        var rank = data.Shape.Length;
        var axis = (int)ConstLongs(node, x[2], "axis")[0];
        if (axis < 0)
        {
            axis += rank;
        }

        if (axis < 0 || axis >= rank)
        {
            throw Fail(node, $"axis out of range for rank {rank}");
        }

        var shape = new List<int>();
        shape.AddRange(data.Shape[..axis]);
        shape.AddRange(indices.Shape);
        shape.AddRange(data.Shape[(axis + 1)..]);
        var size = data.Shape[axis];
        if (indices.IsConst)
        {
            foreach (var i in indices.Data!)
            {
                if (i < 0 || i >= size)
                {
                    throw Fail(node, $"index {i} is out of range for a dimension of {size}");
                }
            }
        }

        if (!data.IsConst || !indices.IsConst)
        {
            var index = indices.IsConst
                ? builder.Constant(indices.Longs(), TfShape.Dims(indices.Shape))
                : builder.Node("Cast", [Onnx(indices)], OnnxAttr.Scalar("to", OnnxInt64));
            return TfValue.Computed(data.Type, [.. shape], builder.Node("Gather", [Onnx(data), index], OnnxAttr.Scalar("axis", (long)axis)));
        }

        long outer = 1, inner = 1;
        for (var d = 0; d < axis; d++)
        {
            outer *= data.Shape[d];
        }

        for (var d = axis + 1; d < rank; d++)
        {
            inner *= data.Shape[d];
        }

        var result = new double[TfShape.Count([.. shape])];
        var at = 0;
        for (var o = 0; o < outer; o++)
        {
            foreach (var i in indices.Data!)
            {
                Array.Copy(data.Data!, (int)((o * size + (long)i) * inner), result, at, (int)inner);
                at += (int)inner;
            }
        }

        return TfValue.Const(data.Type, [.. shape], result);
    }

    /// <summary>Range(start, limit, delta): ⌈(limit − start)/delta⌉ values; constants only.</summary>
    private TfValue Range(TfNode node, IReadOnlyList<TfValue> x)
    {
        Arity(node, x, 3);
        var type = node.Type("Tidx") ?? x[0].Type;
        if (!x[0].IsConst || !x[1].IsConst || !x[2].IsConst)
        {
            throw Fail(node, "a range computed from image values is not supported");
        }

        double start = x[0].Data![0], limit = x[1].Data![0], delta = x[2].Data![0];
        if (delta == 0)
        {
            throw Fail(node, "delta is 0");
        }

        var count = (int)Math.Max(0, Math.Ceiling((limit - start) / delta));
        var result = new double[count];
        for (var i = 0; i < count; i++)
        {
            result[i] = TfValue.Round(type, start + i * delta);
        }

        return TfValue.Const(type, [count], result);
    }

    /// <summary>BroadcastTo: ONNX Expand with the constant target shape.</summary>
    private TfValue BroadcastTo(TfNode node, IReadOnlyList<TfValue> x)
    {
        Arity(node, x, 2);
        var target = Array.ConvertAll(ConstLongs(node, x[1], "shape"), d => checked((int)d));
        var shape = TfShape.Broadcast(x[0].Shape, target);
        if (shape is null || !shape.AsSpan().SequenceEqual(target))
        {
            throw Fail(node, $"cannot broadcast {TfShape.Text(x[0].Shape)} to {TfShape.Text(target)}");
        }

        if (!x[0].IsConst)
        {
            return shape.AsSpan().SequenceEqual(x[0].Shape)
                ? x[0]
                : TfValue.Computed(x[0].Type, shape, builder.Node("Expand", [Onnx(x[0]), builder.Constant(TfShape.Dims(shape), shape.Length)]));
        }

        var offsets = TfShape.BroadcastOffsets(x[0].Shape, shape);
        var result = new double[offsets.Length];
        for (var k = 0; k < result.Length; k++)
        {
            result[k] = x[0].Data![offsets[k]];
        }

        return TfValue.Const(x[0].Type, shape, result);
    }

    /// <summary>SelectV2(condition, then, else) with NumPy broadcasting: ONNX Where.</summary>
    private TfValue Select(TfNode node, IReadOnlyList<TfValue> x)
    {
        Arity(node, x, 3);
        var shape = TfShape.Broadcast(x[0].Shape, x[1].Shape) is { } s ? TfShape.Broadcast(s, x[2].Shape) : null;
        if (shape is null)
        {
            throw Fail(node, $"shapes {TfShape.Text(x[0].Shape)}, {TfShape.Text(x[1].Shape)}, {TfShape.Text(x[2].Shape)} do not broadcast");
        }

        if (!IsAllConst(x))
        {
            return TfValue.Computed(x[1].Type, shape, builder.Node("Where", [Onnx(x[0]), Onnx(x[1]), Onnx(x[2])]));
        }

        var oc = TfShape.BroadcastOffsets(x[0].Shape, shape);
        var ot = TfShape.BroadcastOffsets(x[1].Shape, shape);
        var oe = TfShape.BroadcastOffsets(x[2].Shape, shape);
        var result = new double[oc.Length];
        for (var k = 0; k < result.Length; k++)
        {
            result[k] = x[0].Data![oc[k]] != 0 ? x[1].Data![ot[k]] : x[2].Data![oe[k]];
        }

        return TfValue.Const(x[1].Type, shape, result);
    }

    /// <summary>Sum / Mean / Max over constant axes (keep_dims): ONNX ReduceSum (axes input), ReduceMean / ReduceMax (axes attribute, opset 17).</summary>
    private TfValue Reduce(TfNode node, IReadOnlyList<TfValue> x)
    {
        Arity(node, x, 2);
        var input = x[0];
        var rank = input.Shape.Length;
        var reduced = new bool[rank];
        foreach (var a in ConstLongs(node, x[1], "axes"))
        {
            var axis = (int)(a < 0 ? a + rank : a);
            if (axis < 0 || axis >= rank)
            {
                throw Fail(node, $"axis {a} out of range for rank {rank}");
            }

            reduced[axis] = true;
        }

        var keep = node.Bool("keep_dims", false);
        var kept = new int[rank];
        var shape = new List<int>();
        var axes = new List<long>();
        for (var d = 0; d < rank; d++)
        {
            kept[d] = reduced[d] ? 1 : input.Shape[d];
            if (reduced[d])
            {
                axes.Add(d);
            }

            if (!reduced[d] || keep)
            {
                shape.Add(kept[d]);
            }
        }

        if (axes.Count == 0)
        {
            return input;
        }

        if (!input.IsConst)
        {
            var name = node.Op switch
            {
                "Sum" => builder.Node("ReduceSum", [Onnx(input), builder.Constant([.. axes], axes.Count)], OnnxAttr.Scalar("keepdims", keep ? 1L : 0L)),
                "Mean" => builder.Node("ReduceMean", [Onnx(input)], OnnxAttr.List("axes", [.. axes]), OnnxAttr.Scalar("keepdims", keep ? 1L : 0L)),
                _ => builder.Node("ReduceMax", [Onnx(input)], OnnxAttr.List("axes", [.. axes]), OnnxAttr.Scalar("keepdims", keep ? 1L : 0L)),
            };
            return TfValue.Computed(input.Type, [.. shape], name);
        }

        var targets = TfShape.BroadcastOffsets(kept, input.Shape);
        var count = TfShape.Count(kept);
        var acc = new double[count];
        if (node.Op == "Max")
        {
            Array.Fill(acc, double.NegativeInfinity);
        }

        var data = input.Data!;
        for (var k = 0; k < data.Length; k++)
        {
            acc[targets[k]] = node.Op == "Max" ? Math.Max(acc[targets[k]], data[k]) : acc[targets[k]] + data[k];
        }

        var n = input.Count / Math.Max(1, count);
        for (var k = 0; k < count; k++)
        {
            acc[k] = TfValue.Round(input.Type, node.Op == "Mean" ? acc[k] / n : acc[k]);
        }

        return TfValue.Const(input.Type, [.. shape], acc);
    }

    /// <summary>
    /// Einsum of two operands without ellipsis. <c>P…g,gf->P…f</c> (contraction over the last axis of the first
    /// operand with a matrix) becomes ONNX MatMul; any other equation becomes ONNX Einsum with the same equation.
    /// </summary>
    private TfValue Einsum(TfNode node, IReadOnlyList<TfValue> x)
    {
        Arity(node, x, 2);
        var equation = node.Text("equation").Replace(" ", "", StringComparison.Ordinal);
        var arrow = equation.IndexOf("->", StringComparison.Ordinal);
        var terms = arrow < 0 ? [] : equation[..arrow].Split(',');
        if (arrow < 0 || terms.Length != 2 || equation.Contains('.', StringComparison.Ordinal))
        {
            throw Fail(node, $"equation '{equation}' is not supported (two operands, explicit output, no ellipsis)");
        }

        var output = equation[(arrow + 2)..];
        var sizes = new Dictionary<char, int>();
        for (var t = 0; t < 2; t++)
        {
            if (terms[t].Length != x[t].Shape.Length)
            {
                throw Fail(node, $"operand {t} '{terms[t]}' does not match its shape {TfShape.Text(x[t].Shape)}");
            }

            for (var i = 0; i < terms[t].Length; i++)
            {
                var size = x[t].Shape[i];
                if (sizes.TryGetValue(terms[t][i], out var known) && known != size)
                {
                    throw Fail(node, $"index '{terms[t][i]}' has sizes {known} and {size}");
                }

                sizes[terms[t][i]] = size;
            }
        }

        var shape = new int[output.Length];
        for (var i = 0; i < output.Length; i++)
        {
            shape[i] = sizes.TryGetValue(output[i], out var s) ? s : throw Fail(node, $"output index '{output[i]}' is not in an operand");
        }

        string a = terms[0], b = terms[1];
        var contracted = a[^1];
        var isMatMul = b.Length == 2 && b[0] == contracted && output == a[..^1] + b[1]
            && a.IndexOf(b[1], StringComparison.Ordinal) < 0 && a.IndexOf(contracted, StringComparison.Ordinal) == a.Length - 1;
        var name = isMatMul
            ? builder.Node("MatMul", [Onnx(x[0]), Onnx(x[1])])
            : builder.Node("Einsum", [Onnx(x[0]), Onnx(x[1])], OnnxAttr.Text("equation", equation));
        return TfValue.Computed(TfType.Float, shape, name);
    }

    private (long[] Strides, long[] Dilations) Spatial(TfNode node)
    {
        if (node.Text("data_format", "NHWC") != "NHWC")
        {
            throw Fail(node, $"data_format '{node.Text("data_format")}' is not supported (only NHWC)");
        }

        var strides = node.Ints("strides", [1, 1, 1, 1]);
        var dilations = node.Ints("dilations", [1, 1, 1, 1]);
        if (strides.Length != 4 || dilations.Length != 4 || strides[0] != 1 || strides[3] != 1 || dilations[0] != 1 || dilations[3] != 1)
        {
            throw Fail(node, $"strides [{string.Join(",", strides)}] / dilations [{string.Join(",", dilations)}] must be [1,h,w,1]");
        }

        return ([strides[1], strides[2]], [dilations[1], dilations[2]]);
    }

    /// <summary>
    /// TensorFlow's padding of one spatial axis: VALID none; SAME out = ⌈in/stride⌉ with total padding
    /// max((out−1)·stride + (k−1)·dilation + 1 − in, 0), ⌊total/2⌋ before and the rest after (ONNX SAME_UPPER);
    /// EXPLICIT from explicit_paddings.
    /// </summary>
    private (long Before, long After) Padding(TfNode node, string padding, int axis, long input, long kernel, long stride, long dilation)
    {
        var effective = ((kernel - 1) * dilation) + 1;
        switch (padding)
        {
            case "VALID":
                return (0, 0);
            case "SAME":
            {
                var output = (input + stride - 1) / stride;
                var total = Math.Max(((output - 1) * stride) + effective - input, 0);
                return (total / 2, total - (total / 2));
            }

            case "EXPLICIT":
            {
                var pads = node.Ints("explicit_paddings");
                if (pads.Length != 8)
                {
                    throw Fail(node, "explicit_paddings must hold 8 values (NHWC before/after pairs)");
                }

                return (pads[2 * (axis + 1)], pads[(2 * (axis + 1)) + 1]);
            }

            default:
                throw Fail(node, $"padding '{padding}' is not supported (SAME, VALID, EXPLICIT)");
        }
    }

    /// <summary>Filter HWIO (Conv2D: [kh, kw, in, out]) → OIHW, or for Conv2DBackpropInput [kh, kw, out, in] → [in, out, kh, kw]: both the permutation (3, 2, 0, 1).</summary>
    private string FilterOihw(TfNode node, TfValue filter)
    {
        if (filter.Shape.Length != 4)
        {
            throw Fail(node, $"filter {TfShape.Text(filter.Shape)} is not 4-D");
        }

        var oihw = Transpose(node, filter, [3, 2, 0, 1]);
        oihw.Learned = filter.Learned;
        return Onnx(oihw);
    }

    /// <summary>Conv2D (NHWC, filter HWIO) → Transpose to NCHW, ONNX Conv with explicit pads and group = C / filter_in, Transpose back.</summary>
    private TfValue Conv2D(TfNode node, IReadOnlyList<TfValue> x)
    {
        Arity(node, x, 2);
        var (input, filter) = (x[0], x[1]);
        var (strides, dilations) = Spatial(node);
        if (input.Shape.Length != 4 || filter.Shape.Length != 4 || filter.Shape[2] == 0 || input.Shape[3] % filter.Shape[2] != 0)
        {
            throw Fail(node, $"input {TfShape.Text(input.Shape)} and filter {TfShape.Text(filter.Shape)} do not match");
        }

        var padding = node.Text("padding");
        var (top, bottom) = Padding(node, padding, 0, input.Shape[1], filter.Shape[0], strides[0], dilations[0]);
        var (left, right) = Padding(node, padding, 1, input.Shape[2], filter.Shape[1], strides[1], dilations[1]);
        var outH = ((input.Shape[1] + top + bottom - (((filter.Shape[0] - 1) * dilations[0]) + 1)) / strides[0]) + 1;
        var outW = ((input.Shape[2] + left + right - (((filter.Shape[1] - 1) * dilations[1]) + 1)) / strides[1]) + 1;
        var nchw = builder.Transpose(Onnx(input), 0, 3, 1, 2);
        var conv = builder.Conv(nchw, FilterOihw(node, filter), null, [top, left, bottom, right], strides, dilations, input.Shape[3] / filter.Shape[2]);
        return TfValue.Computed(TfType.Float, [input.Shape[0], (int)outH, (int)outW, filter.Shape[3]], builder.Transpose(conv, 0, 2, 3, 1));
    }

    /// <summary>
    /// Conv2DBackpropInput(input_sizes, filter [kh, kw, out, in], dy) (tf.nn.conv2d_transpose) → ONNX ConvTranspose with
    /// the filter permuted (3, 2, 0, 1) and not flipped, pads = the forward convolution's padding of input_sizes, and
    /// output_padding = what is left to reach input_sizes (positions no kernel tap reaches are 0, as in TensorFlow).
    /// </summary>
    private TfValue ConvTranspose(TfNode node, IReadOnlyList<TfValue> x)
    {
        Arity(node, x, 3);
        var sizes = Array.ConvertAll(ConstLongs(node, x[0], "input_sizes"), v => (int)v);
        var (filter, dy) = (x[1], x[2]);
        var (strides, dilations) = Spatial(node);
        if (sizes.Length != 4 || dy.Shape.Length != 4 || filter.Shape.Length != 4 || filter.Shape[3] != dy.Shape[3] || filter.Shape[2] != sizes[3])
        {
            throw Fail(node, $"input_sizes [{string.Join(",", sizes)}], filter {TfShape.Text(filter.Shape)} and input {TfShape.Text(dy.Shape)} do not match");
        }

        var padding = node.Text("padding");
        var pads = new long[4];
        var outputPadding = new long[2];
        for (var axis = 0; axis < 2; axis++)
        {
            var (before, after) = Padding(node, padding, axis, sizes[axis + 1], filter.Shape[axis], strides[axis], dilations[axis]);
            pads[axis] = before;
            pads[axis + 2] = after;
            var effective = ((filter.Shape[axis] - 1) * dilations[axis]) + 1;
            outputPadding[axis] = sizes[axis + 1] - ((strides[axis] * (dy.Shape[axis + 1] - 1)) + effective - before - after);
            if (outputPadding[axis] < 0 || outputPadding[axis] >= Math.Max(strides[axis], dilations[axis]))
            {
                throw Fail(node, $"input_sizes [{string.Join(",", sizes)}] cannot be reached from {TfShape.Text(dy.Shape)} with stride {strides[axis]}");
            }
        }

        var nchw = builder.Transpose(Onnx(dy), 0, 3, 1, 2);
        var attributes = new List<OnnxAttr>
        {
            OnnxAttr.List("pads", pads),
            OnnxAttr.List("strides", strides),
            OnnxAttr.List("dilations", dilations),
        };
        if (outputPadding[0] != 0 || outputPadding[1] != 0)
        {
            attributes.Add(OnnxAttr.List("output_padding", outputPadding));
        }

        var conv = builder.AddNode("ConvTranspose", [nchw, FilterOihw(node, filter)], attributes)[0];
        return TfValue.Computed(TfType.Float, sizes, builder.Transpose(conv, 0, 2, 3, 1));
    }
}
