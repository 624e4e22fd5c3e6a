using System.Buffers.Binary;
using System.Text;
using RestoreBench.Onnx.Weights;

namespace RestoreBench.Onnx.Tests.Weights;

/// <summary>The safetensors reader: dtypes, metadata and malformed files.</summary>
public sealed class SafeTensorsTests
{
    [Fact]
    public void SafeTensors_reads_f32_and_f16_and_metadata()
    {
        var bytes = SafeTensorFile(
            """{"__metadata__":{"format":"pt"},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F16","shape":[1,2],"data_offsets":[8,12]}}""",
            data =>
            {
                BinaryPrimitives.WriteSingleLittleEndian(data, 1.5f);
                BinaryPrimitives.WriteSingleLittleEndian(data[4..], -2.25f);
                BinaryPrimitives.WriteHalfLittleEndian(data[8..], (Half)0.5f);
                BinaryPrimitives.WriteHalfLittleEndian(data[10..], (Half)(-3f));
            },
            12);
        var tensors = SafeTensors.Read(bytes, out var metadata);
        Assert.Equal("pt", metadata["format"]);
        Assert.Equal([1.5f, -2.25f], tensors["a"].Values);
        Assert.Equal([0.5f, -3f], tensors["b"].Values);
        Assert.Equal([1L, 2L], tensors["b"].Shape);
        Assert.Equal("F16", tensors["b"].DataType);
    }

    [Theory]
    [InlineData("""{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}""", "expected 12")]
    [InlineData("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,16]}}""", "outside")]
    [InlineData("""{"a":{"dtype":"I8","shape":[2],"data_offsets":[0,2]}}""", "not supported")]
    [InlineData("""[1,2]""", "not a JSON object")]
    public void SafeTensors_rejects_malformed_files(string header, string fragment)
    {
        var bytes = SafeTensorFile(header, _ => { }, 8);
        var e = Assert.Throws<FormatException>(() => SafeTensors.Read(bytes, out _));
        Assert.Contains(fragment, e.Message, StringComparison.Ordinal);
        Assert.Throws<FormatException>(() => SafeTensors.Read(new byte[] { 200, 0, 0, 0, 0, 0, 0, 0, 1 }, out _));
    }

    private static byte[] SafeTensorFile(string header, SpanAction write, int dataBytes)
    {
        var json = Encoding.UTF8.GetBytes(header);
        var bytes = new byte[8 + json.Length + dataBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)json.Length);
        json.CopyTo(bytes, 8);
        write(bytes.AsSpan(8 + json.Length));
        return bytes;
    }

    private delegate void SpanAction(Span<byte> data);
}
