using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace RestoreBench.Diffusion.Components;

/// <summary>A float tensor read from a NumPy <c>.npy</c> file.</summary>
/// <param name="Shape">Dimensions, outermost first.</param>
/// <param name="Data">Values in C (row-major) order, as float32.</param>
public sealed record NpyArray(long[] Shape, float[] Data);

/// <summary>
/// Reads NumPy <c>.npy</c> files (format versions 1–3) holding little-endian float32 (<c>&lt;f4</c>),
/// float64 (<c>&lt;f8</c>) or float16 (<c>&lt;f2</c>) arrays in C order: the precomputed text
/// context c_t of a CLDM (paper Eq. 6) is stored this way.
/// </summary>
public static class NpyFile
{
    /// <summary>Reads <paramref name="path"/>.</summary>
    /// <exception cref="InvalidDataException">Not an .npy file, Fortran order, or an unsupported dtype (one line naming the file).</exception>
    public static NpyArray Read(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidDataException($"{path}: cannot read ({e.Message})", e);
        }

        if (bytes.Length < 10 || bytes[0] != 0x93 || Encoding.ASCII.GetString(bytes, 1, 5) != "NUMPY")
        {
            throw new InvalidDataException($"{path}: not a NumPy .npy file (magic string missing)");
        }

        int major = bytes[6], headerLength, offset;
        if (major == 1)
        {
            headerLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8));
            offset = 10;
        }
        else if (major is 2 or 3)
        {
            headerLength = checked((int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8)));
            offset = 12;
        }
        else
        {
            throw new InvalidDataException($"{path}: unsupported .npy format version {major}");
        }

        var header = Encoding.UTF8.GetString(bytes, offset, headerLength);
        var descr = Field(header, "descr", path).Trim('\'', '"', ' ');
        if (Field(header, "fortran_order", path).Trim() != "False")
        {
            throw new InvalidDataException($"{path}: Fortran-order arrays are not supported (save with np.ascontiguousarray)");
        }

        var shapeText = Field(header, "shape", path).Trim().Trim('(', ')');
        var dims = new List<long>();
        foreach (var part in shapeText.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            dims.Add(long.Parse(part, CultureInfo.InvariantCulture));
        }

        long count = 1;
        foreach (var d in dims)
        {
            count = checked(count * d);
        }

        var data = new float[count];
        var body = bytes.AsSpan(offset + headerLength);
        var size = descr switch
        {
            "<f4" => 4,
            "<f8" => 8,
            "<f2" => 2,
            _ => throw new InvalidDataException($"{path}: dtype '{descr}' is not supported (accepted: <f4, <f8, <f2)"),
        };
        if (body.Length != count * size)
        {
            throw new InvalidDataException($"{path}: {body.Length} data bytes for shape ({shapeText}) of {descr}, expected {count * size}");
        }

        for (var i = 0; i < count; i++)
        {
            data[i] = size switch
            {
                4 => BinaryPrimitives.ReadSingleLittleEndian(body[(i * 4)..]),
                8 => (float)BinaryPrimitives.ReadDoubleLittleEndian(body[(i * 8)..]),
                _ => (float)BinaryPrimitives.ReadHalfLittleEndian(body[(i * 2)..]),
            };
        }

        return new NpyArray([.. dims], data);
    }

    /// <summary>Writes a little-endian float32 C-order .npy file (format 1.0).</summary>
    public static void Write(string path, ReadOnlySpan<float> data, params long[] shape)
    {
        var shapeText = shape.Length == 1 ? $"({shape[0]},)" : "(" + string.Join(", ", shape) + ")";
        var header = $"{{'descr': '<f4', 'fortran_order': False, 'shape': {shapeText}, }}";
        var total = 10 + header.Length + 1;
        var pad = (64 - total % 64) % 64;
        header = header + new string(' ', pad) + "\n";
        using var stream = File.Create(path);
        stream.Write([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0]);
        Span<byte> len = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(len, (ushort)header.Length);
        stream.Write(len);
        stream.Write(Encoding.ASCII.GetBytes(header));
        Span<byte> value = stackalloc byte[4];
        foreach (var v in data)
        {
            BinaryPrimitives.WriteSingleLittleEndian(value, v);
            stream.Write(value);
        }
    }

    private static string Field(string header, string key, string path)
    {
        var at = header.IndexOf($"'{key}'", StringComparison.Ordinal);
        if (at < 0)
        {
            throw new InvalidDataException($"{path}: .npy header has no '{key}'");
        }

        var colon = header.IndexOf(':', at);
        var start = colon + 1;
        var end = header[start..].TrimStart().StartsWith('(')
            ? header.IndexOf(')', start) + 1
            : header.IndexOf(',', start);
        return header[start..end];
    }
}
