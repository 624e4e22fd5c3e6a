using System.Buffers.Binary;
using System.IO.Compression;
using NetVips;
using RestoreBench.Core.Imaging;

namespace RestoreBench.Core.Tests.Imaging;

/// <summary>A fresh folder under the temp directory, deleted (permissions restored first) on dispose.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "rb-io-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public string Write(string name, byte[] bytes)
    {
        var path = File(name);
        System.IO.File.WriteAllBytes(path, bytes);
        return path;
    }

    public void Dispose()
    {
        if (!OperatingSystem.IsWindows())
        {
            foreach (var entry in Directory.EnumerateFileSystemEntries(Path, "*", SearchOption.AllDirectories))
            {
                if (!System.IO.File.GetAttributes(entry).HasFlag(FileAttributes.ReparsePoint))
                {
                    System.IO.File.SetUnixFileMode(entry, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
                }
            }
        }

        Directory.Delete(Path, recursive: true);
    }
}

/// <summary>Builders of test images: pixel patterns, libvips-written files, and hand-written PNG/BMP bytes.</summary>
internal static class TestFiles
{
    /// <summary>Interleaved 8-bit samples, distinct enough to catch channel or row mix-ups.</summary>
    public static byte[] Pattern8(int width, int height, int bands)
    {
        var px = new byte[width * height * bands];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                for (var b = 0; b < bands; b++)
                {
                    px[(y * width + x) * bands + b] = (byte)((x * 37 + y * 11 + b * 85 + x * y) % 256);
                }
            }
        }

        return px;
    }

    /// <summary>Interleaved 16-bit samples covering low, high and odd codes.</summary>
    public static ushort[] Pattern16(int width, int height, int bands)
    {
        var px = new ushort[width * height * bands];
        for (var i = 0; i < px.Length; i++)
        {
            px[i] = (ushort)(i * 9173 % 65536);
        }

        px[0] = 0;
        px[^1] = 65535;
        return px;
    }

    public static Image Vips8(byte[] interleaved, int width, int height, int bands, Enums.Interpretation interpretation)
    {
        using var raw = Image.NewFromMemory(interleaved, width, height, bands, Enums.BandFormat.Uchar);
        return raw.Copy(interpretation: interpretation);
    }

    public static Image Vips16(ushort[] interleaved, int width, int height, int bands, Enums.Interpretation interpretation)
    {
        using var raw = Image.NewFromMemory(interleaved, width, height, bands, Enums.BandFormat.Ushort);
        return raw.Copy(interpretation: interpretation);
    }

    /// <summary>Asserts that channel k of the tensor equals band k of the interleaved samples divided by 255 (or 65535).</summary>
    public static void AssertPlanes(ImageTensor image, ReadOnlySpan<byte> interleaved, int bands, int channels)
    {
        var n = image.PlaneSize;
        for (var k = 0; k < channels; k++)
        {
            var plane = image.ReadPlane(k);
            for (var i = 0; i < n; i++)
            {
                if (plane[i] != interleaved[i * bands + k] / 255.0)
                {
                    Assert.Fail($"channel {k}, pixel {i}: expected {interleaved[i * bands + k]}/255, got {plane[i] * 255}/255");
                }
            }
        }
    }

    public static void AssertPlanes(ImageTensor image, ReadOnlySpan<ushort> interleaved, int bands, int channels)
    {
        var n = image.PlaneSize;
        for (var k = 0; k < channels; k++)
        {
            var plane = image.ReadPlane(k);
            for (var i = 0; i < n; i++)
            {
                if (plane[i] != interleaved[i * bands + k] / 65535.0)
                {
                    Assert.Fail($"channel {k}, pixel {i}: expected {interleaved[i * bands + k]}/65535, got {plane[i] * 65535}/65535");
                }
            }
        }
    }

    /// <summary>Asserts a one-line message that starts with the path.</summary>
    public static ImageFileException AssertOneLine(ImageFileException e, string path)
    {
        Assert.DoesNotContain('\n', e.Message);
        Assert.DoesNotContain('\r', e.Message);
        Assert.StartsWith(path + ": ", e.Message, StringComparison.Ordinal);
        Assert.Equal(path, e.Path);
        return e;
    }

    // ---- hand-written PNG ----

    /// <summary>A PNG from raw chunks: signature, IHDR, optional PLTE/tRNS, one IDAT of <paramref name="idatPayload"/> (zlib), IEND.</summary>
    public static byte[] Png(int width, int height, byte bitDepth, byte colourType, byte[] idatPayload, byte[]? plte = null, byte[]? trns = null)
    {
        using var ms = new MemoryStream();
        ms.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteUInt32BigEndian(ihdr, (uint)width);
        BinaryPrimitives.WriteUInt32BigEndian(ihdr.AsSpan(4), (uint)height);
        ihdr[8] = bitDepth;
        ihdr[9] = colourType;
        WriteChunk(ms, "IHDR", ihdr);
        if (plte is not null)
        {
            WriteChunk(ms, "PLTE", plte);
        }

        if (trns is not null)
        {
            WriteChunk(ms, "tRNS", trns);
        }

        WriteChunk(ms, "IDAT", Zlib(idatPayload));
        WriteChunk(ms, "IEND", []);
        return ms.ToArray();
    }

    /// <summary>Scanlines with filter byte 0 in front of each row.</summary>
    public static byte[] Scanlines(byte[][] rows)
    {
        using var ms = new MemoryStream();
        foreach (var row in rows)
        {
            ms.WriteByte(0);
            ms.Write(row);
        }

        return ms.ToArray();
    }

    private static byte[] Zlib(byte[] data)
    {
        using var ms = new MemoryStream();
        using (var z = new ZLibStream(ms, CompressionLevel.Optimal, leaveOpen: true))
        {
            z.Write(data);
        }

        return ms.ToArray();
    }

    private static void WriteChunk(Stream s, string type, byte[] data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(word, (uint)data.Length);
        s.Write(word);
        var typeAndData = new byte[4 + data.Length];
        for (var i = 0; i < 4; i++)
        {
            typeAndData[i] = (byte)type[i];
        }

        data.CopyTo(typeAndData, 4);
        s.Write(typeAndData);
        BinaryPrimitives.WriteUInt32BigEndian(word, Crc32(typeAndData));
        s.Write(word);
    }

    /// <summary>CRC-32 (ISO-HDLC, the PNG chunk CRC), bitwise.</summary>
    public static uint Crc32(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }

        return ~crc;
    }

    // ---- hand-written BMP ----

    /// <summary>
    /// A BMP. <paramref name="rows"/> are unpadded pixel rows, top row first; they are written bottom-up
    /// (positive height) unless <paramref name="topDown"/>. <paramref name="palette"/> holds raw entries
    /// (4 bytes BGRX each, or 3 bytes BGR with the 12-byte header). With a 40-byte header and bit fields the
    /// masks follow the header; with 52+ they are inside it.
    /// </summary>
    public static byte[] Bmp(
        int width, int height, int bitCount, byte[][] rows, byte[]? palette = null, int infoSize = 40,
        uint compression = 0, uint[]? masks = null, bool topDown = false, uint colorsUsed = 0, int? pixelBytesToKeep = null)
    {
        using var ms = new MemoryStream();
        using var w = new BinaryWriter(ms);
        var extraMasks = infoSize == 40 && masks is not null ? masks.Length * 4 : 0;
        var offset = 14 + infoSize + extraMasks + (palette?.Length ?? 0);
        var stride = ((long)bitCount * width + 31) / 32 * 4;
        w.Write((byte)'B');
        w.Write((byte)'M');
        w.Write((uint)(offset + stride * height));
        w.Write(0u);
        w.Write((uint)offset);
        w.Write((uint)infoSize);
        if (infoSize == 12)
        {
            w.Write((ushort)width);
            w.Write((ushort)height);
            w.Write((ushort)1);
            w.Write((ushort)bitCount);
        }
        else
        {
            w.Write(width);
            w.Write(topDown ? -height : height);
            w.Write((ushort)1);
            w.Write((ushort)bitCount);
            w.Write(compression);
            w.Write((uint)(stride * height));
            w.Write(2835);
            w.Write(2835);
            w.Write(colorsUsed);
            w.Write(0u);
            var written = 40;
            if (infoSize >= 52)
            {
                for (var i = 0; i < (infoSize >= 56 ? 4 : 3); i++)
                {
                    w.Write(masks is not null && i < masks.Length ? masks[i] : 0u);
                    written += 4;
                }
            }

            w.Write(new byte[infoSize - written]);
            if (extraMasks > 0)
            {
                foreach (var m in masks!)
                {
                    w.Write(m);
                }
            }
        }

        if (palette is not null)
        {
            w.Write(palette);
        }

        for (var r = 0; r < rows.Length; r++)
        {
            var row = rows[topDown ? r : height - 1 - r];
            w.Write(row);
            w.Write(new byte[stride - row.Length]);
        }

        w.Flush();
        var bytes = ms.ToArray();
        return pixelBytesToKeep is int keep ? bytes[..(offset + keep)] : bytes;
    }

    /// <summary>A gray ramp palette of <paramref name="count"/> BGRX entries (0 … 255).</summary>
    public static byte[] GrayPalette(int count)
    {
        var p = new byte[count * 4];
        for (var i = 0; i < count; i++)
        {
            var v = (byte)(count == 1 ? 0 : i * 255 / (count - 1));
            p[4 * i] = p[4 * i + 1] = p[4 * i + 2] = v;
        }

        return p;
    }

    // ---- EXIF ----

    /// <summary>
    /// The EXIF orientation stored in a JPEG's APP1 segment, read from the bytes (independently of libvips),
    /// or null when there is none.
    /// </summary>
    public static int? JpegExifOrientation(byte[] jpeg)
    {
        var i = 2;
        while (i + 4 <= jpeg.Length && jpeg[i] == 0xFF)
        {
            var marker = jpeg[i + 1];
            var length = (jpeg[i + 2] << 8) | jpeg[i + 3];
            if (marker == 0xE1 && jpeg.AsSpan(i + 4, 6).SequenceEqual("Exif\0\0"u8))
            {
                var t = i + 10;
                var little = jpeg[t] == (byte)'I';
                int U16(int p) => little ? jpeg[p] | (jpeg[p + 1] << 8) : (jpeg[p] << 8) | jpeg[p + 1];
                int U32(int p) => little
                    ? jpeg[p] | (jpeg[p + 1] << 8) | (jpeg[p + 2] << 16) | (jpeg[p + 3] << 24)
                    : (jpeg[p] << 24) | (jpeg[p + 1] << 16) | (jpeg[p + 2] << 8) | jpeg[p + 3];
                var ifd = t + U32(t + 4);
                var count = U16(ifd);
                for (var k = 0; k < count; k++)
                {
                    var entry = ifd + 2 + 12 * k;
                    if (U16(entry) == 0x0112)
                    {
                        return U16(entry + 8);
                    }
                }

                return null;
            }

            if (marker == 0xDA)
            {
                break;
            }

            i += 2 + length;
        }

        return null;
    }
}
