using System.Globalization;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace RestoreBench.Onnx.Runtime;

/// <summary>One dimension of a model input or output: a fixed size, or a symbolic/unknown one.</summary>
/// <param name="Value">The size; -1 when the dimension is symbolic or unknown.</param>
/// <param name="Symbol">The symbolic name (e.g. <c>height</c>), or null for a fixed or anonymous dimension.</param>
public readonly record struct OnnxDimension(long Value, string? Symbol)
{
    /// <summary>A fixed dimension.</summary>
    public static OnnxDimension Fixed(long value)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(value);
        return new(value, null);
    }

    /// <summary>A symbolic dimension named <paramref name="symbol"/>.</summary>
    public static OnnxDimension Symbolic(string symbol)
    {
        ArgumentException.ThrowIfNullOrEmpty(symbol);
        return new(-1, symbol);
    }

    /// <summary>True when the size is not fixed.</summary>
    public bool IsDynamic => Value < 0;

    /// <summary>Implicit fixed dimension.</summary>
    public static implicit operator OnnxDimension(long value) => Fixed(value);

    /// <summary>Implicit symbolic dimension.</summary>
    public static implicit operator OnnxDimension(string symbol) => Symbolic(symbol);

    /// <summary>The size, the symbol, or <c>?</c> for an anonymous dynamic dimension.</summary>
    public override string ToString() => Value >= 0 ? Value.ToString(CultureInfo.InvariantCulture) : Symbol ?? "?";
}

/// <summary>A model input or output.</summary>
/// <param name="Name">Tensor name in the graph.</param>
/// <param name="IsTensor">False for sequence/map/optional values (then the other fields describe nothing useful).</param>
/// <param name="ElementType">Element type (the ONNX data type).</param>
/// <param name="Shape">Dimensions, outermost first (for images usually N, C, H, W).</param>
public sealed record OnnxTensorInfo(string Name, bool IsTensor, TensorElementType ElementType, IReadOnlyList<OnnxDimension> Shape)
{
    /// <summary>Rank (number of dimensions).</summary>
    public int Rank => Shape.Count;

    /// <summary>Shape as text, e.g. <c>[batch,3,height,width]</c>.</summary>
    public string ShapeText => "[" + string.Join(",", Shape) + "]";

    /// <summary>Element type name in ONNX spelling, e.g. <c>float32</c>.</summary>
    public string ElementTypeName => ElementType switch
    {
        TensorElementType.Float => "float32",
        TensorElementType.Double => "float64",
        TensorElementType.Float16 => "float16",
        TensorElementType.BFloat16 => "bfloat16",
        TensorElementType.UInt8 => "uint8",
        TensorElementType.Int8 => "int8",
        TensorElementType.UInt16 => "uint16",
        TensorElementType.Int16 => "int16",
        TensorElementType.Int32 => "int32",
        TensorElementType.Int64 => "int64",
        TensorElementType.UInt32 => "uint32",
        TensorElementType.UInt64 => "uint64",
        TensorElementType.Bool => "bool",
        TensorElementType.String => "string",
        _ => ElementType.ToString().ToLowerInvariant(),
    };

    /// <summary><c>name: float32[batch,3,height,width]</c>.</summary>
    public override string ToString() => IsTensor ? $"{Name}: {ElementTypeName}{ShapeText}" : $"{Name}: (not a tensor)";
}
