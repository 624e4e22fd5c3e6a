using System.Buffers.Binary;
using System.Globalization;
using System.Text.Json;

namespace RestoreBench.Onnx.Weights;

/// <summary>One tensor read from a <c>.safetensors</c> file, widened to float32.</summary>
/// <param name="Name">Key in the file's header.</param>
/// <param name="DataType">Stored element type as written in the header (<c>F32</c>, <c>F16</c>, <c>BF16</c>, <c>F64</c>).</param>
/// <param name="Shape">Dimensions, outermost first.</param>
/// <param name="Values">Elements in row-major order (float64 and float16 values converted to float32).</param>
public sealed record SafeTensor(string Name, string DataType, IReadOnlyList<long> Shape, float[] Values);

/// <summary>
/// A reader for the safetensors format: an 8-byte little-endian header length <c>N</c>, a JSON header
/// of <c>N</c> bytes mapping tensor names to <c>dtype</c>, <c>shape</c> and <c>data_offsets</c>
/// (begin, end, relative to the end of the header), then the raw little-endian data. Floating-point
/// tensors (F32, F16, BF16, F64) are supported; the optional <c>__metadata__</c> entry is returned
/// separately. Every offset and size is checked, so a truncated or malformed file gives a
/// <see cref="FormatException"/>, never an out-of-range read.
/// </summary>
public static class SafeTensors
{
    /// <summary>Largest header accepted (the format's reference implementation uses the same 100 MB bound).</summary>
    public const long MaxHeaderBytes = 100_000_000;

    /// <summary>Reads every tensor of the file at <paramref name="path"/>.</summary>
    /// <exception cref="FormatException">The file is not a valid safetensors file; the message names it.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static IReadOnlyDictionary<string, SafeTensor> ReadFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        try
        {
            return Read(File.ReadAllBytes(path), out _);
        }
        catch (FormatException e)
        {
            throw new FormatException($"{path}: {e.Message}", e);
        }
    }

    /// <summary>Reads every tensor of a safetensors file held in memory.</summary>
    /// <param name="bytes">The whole file.</param>
    /// <param name="metadata">The <c>__metadata__</c> string map (empty when absent).</param>
    /// <exception cref="FormatException">Malformed header, unsupported dtype, or offsets outside the data.</exception>
    public static IReadOnlyDictionary<string, SafeTensor> Read(ReadOnlySpan<byte> bytes, out IReadOnlyDictionary<string, string> metadata)
    {
        if (bytes.Length < 8)
        {
            throw new FormatException($"not a safetensors file ({bytes.Length} bytes; the header length alone takes 8)");
        }

        var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        if (headerLength > MaxHeaderBytes || (long)headerLength > bytes.Length - 8)
        {
            throw new FormatException($"not a safetensors file (header length {headerLength} does not fit in {bytes.Length} bytes)");
        }

        var data = bytes[(8 + (int)headerLength)..];
        var tensors = new SortedDictionary<string, SafeTensor>(StringComparer.Ordinal);
        var meta = new SortedDictionary<string, string>(StringComparer.Ordinal);
        try
        {
            using var header = JsonDocument.Parse(bytes.Slice(8, (int)headerLength).ToArray());
            if (header.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException("the safetensors header is not a JSON object");
            }

            foreach (var entry in header.RootElement.EnumerateObject())
            {
                if (entry.Name == "__metadata__")
                {
                    foreach (var m in entry.Value.EnumerateObject())
                    {
                        meta[m.Name] = m.Value.GetString() ?? "";
                    }

                    continue;
                }

                tensors[entry.Name] = ReadTensor(entry.Name, entry.Value, data);
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException)
        {
            throw new FormatException($"malformed safetensors header ({e.Message})", e);
        }

        metadata = meta;
        return tensors;
    }

    private static SafeTensor ReadTensor(string name, JsonElement info, ReadOnlySpan<byte> data)
    {
        var dtype = info.GetProperty("dtype").GetString() ?? "";
        var size = dtype switch
        {
            "F32" => 4,
            "F16" or "BF16" => 2,
            "F64" => 8,
            _ => throw new FormatException($"tensor '{name}': dtype '{dtype}' is not supported (accepted: F32, F16, BF16, F64)"),
        };

        var shape = new List<long>();
        long count = 1;
        foreach (var d in info.GetProperty("shape").EnumerateArray())
        {
            var dim = d.GetInt64();
            if (dim < 0)
            {
                throw new FormatException($"tensor '{name}': negative dimension {dim}");
            }

            shape.Add(dim);
            count = checked(count * dim);
        }

        var offsets = info.GetProperty("data_offsets");
        if (offsets.GetArrayLength() != 2)
        {
            throw new FormatException($"tensor '{name}': data_offsets must hold two numbers");
        }

        long begin = offsets[0].GetInt64(), end = offsets[1].GetInt64();
        if (begin < 0 || end < begin || end > data.Length)
        {
            throw new FormatException($"tensor '{name}': data_offsets [{begin}, {end}] lie outside the {data.Length} data bytes");
        }

        if (end - begin != count * size)
        {
            throw new FormatException(string.Create(CultureInfo.InvariantCulture,
                $"tensor '{name}': {end - begin} bytes for {count} {dtype} elements (expected {count * size})"));
        }

        var raw = data[(int)begin..(int)end];
        var values = new float[count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = dtype switch
            {
                "F32" => BinaryPrimitives.ReadSingleLittleEndian(raw[(4 * i)..]),
                "F16" => (float)BinaryPrimitives.ReadHalfLittleEndian(raw[(2 * i)..]),
                "BF16" => BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(raw[(2 * i)..]) << 16),
                _ => (float)BinaryPrimitives.ReadDoubleLittleEndian(raw[(8 * i)..]),
            };
        }

        return new SafeTensor(name, dtype, shape, values);
    }
}
