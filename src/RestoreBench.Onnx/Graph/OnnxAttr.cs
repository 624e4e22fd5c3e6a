using Google.Protobuf;
using RestoreBench.Onnx.Proto;

namespace RestoreBench.Onnx.Graph;

/// <summary>A node attribute (name and value) for <see cref="OnnxGraphBuilder"/>.</summary>
public sealed class OnnxAttr
{
    private OnnxAttr(AttributeProto proto) => Proto = proto;

    internal AttributeProto Proto { get; }

    /// <summary>The attribute name.</summary>
    public string Name => Proto.Name;

    /// <summary>An integer attribute.</summary>
    public static OnnxAttr Scalar(string name, long value) =>
        new(new AttributeProto { Name = Check(name), Type = AttributeProto.Types.AttributeType.Int, I = value });

    /// <summary>An integer-list attribute.</summary>
    public static OnnxAttr List(string name, params long[] values)
    {
        var proto = new AttributeProto { Name = Check(name), Type = AttributeProto.Types.AttributeType.Ints };
        proto.Ints.AddRange(values);
        return new(proto);
    }

    /// <summary>A float attribute.</summary>
    public static OnnxAttr Scalar(string name, float value) =>
        new(new AttributeProto { Name = Check(name), Type = AttributeProto.Types.AttributeType.Float, F = value });

    /// <summary>A float-list attribute.</summary>
    public static OnnxAttr List(string name, params float[] values)
    {
        var proto = new AttributeProto { Name = Check(name), Type = AttributeProto.Types.AttributeType.Floats };
        proto.Floats.AddRange(values);
        return new(proto);
    }

    /// <summary>A string attribute (UTF-8).</summary>
    public static OnnxAttr Text(string name, string value) =>
        new(new AttributeProto { Name = Check(name), Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) });

    internal static OnnxAttr Tensor(string name, TensorProto value) =>
        new(new AttributeProto { Name = Check(name), Type = AttributeProto.Types.AttributeType.Tensor, T = value });

    private static string Check(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return name;
    }
}
