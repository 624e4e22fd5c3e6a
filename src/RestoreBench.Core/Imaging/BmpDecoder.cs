using System.Buffers.Binary;

namespace RestoreBench.Core.Imaging;

/// <summary>
/// Windows bitmap decoder (the libvips build shipped with NetVips has no BMP loader).
/// Accepts header sizes 12 (OS/2 1.x), 40, 52, 56, 108 and 124 bytes; 1/4/8-bit palette, 16-bit
/// (5-5-5 or bit fields), 24-bit and 32-bit (BGRX or bit fields) pixels; bottom-up and top-down rows.
/// Rejects RLE and embedded JPEG/PNG. Palette images whose palette entries are all gray decode as
/// 1-channel gray (as OpenCV and Pillow do); others as RGB. Bit-field channels of n bits are scaled by
/// 1/(2^n − 1). The header is validated and the pixel limit checked before the pixel array is allocated.
/// </summary>
internal static class BmpDecoder
{
    private const uint BiRgb = 0;
    private const uint BiRle8 = 1;
    private const uint BiRle4 = 2;
    private const uint BiBitfields = 3;
    private const uint BiJpeg = 4;
    private const uint BiPng = 5;
    private const uint BiAlphaBitfields = 6;

    /// <summary>Decodes the bitmap in <paramref name="stream"/> (seekable, any position).</summary>
    /// <exception cref="ImageFileException">Malformed, truncated, unsupported or too large.</exception>
    public static ImageTensor Decode(Stream stream, string path, long maxPixels, List<string> warnings)
    {
        try
        {
            return DecodeCore(stream, path, maxPixels, warnings);
        }
        catch (EndOfStreamException e)
        {
            throw new ImageFileException(path, "truncated BMP (the file ends inside the header or pixel data)", e);
        }
    }

    private static ImageTensor DecodeCore(Stream stream, string path, long maxPixels, List<string> warnings)
    {
        var fileLength = stream.Length;
        stream.Position = 0;
        Span<byte> fileHeader = stackalloc byte[18];
        stream.ReadExactly(fileHeader);
        var pixelOffset = BinaryPrimitives.ReadUInt32LittleEndian(fileHeader[10..]);
        var infoSize = BinaryPrimitives.ReadUInt32LittleEndian(fileHeader[14..]);
        if (infoSize is not (12 or 40 or 52 or 56 or 108 or 124))
        {
            throw Fail(path, $"unsupported BMP header size {infoSize} bytes (accepted: 12, 40, 52, 56, 108, 124)");
        }

        var info = new byte[infoSize - 4];
        stream.ReadExactly(info);
        var core = infoSize == 12;
        long width, height;
        int planes, bitCount;
        uint compression = BiRgb, colorsUsed = 0;
        if (core)
        {
            width = BinaryPrimitives.ReadUInt16LittleEndian(info);
            height = BinaryPrimitives.ReadUInt16LittleEndian(info.AsSpan(2));
            planes = BinaryPrimitives.ReadUInt16LittleEndian(info.AsSpan(4));
            bitCount = BinaryPrimitives.ReadUInt16LittleEndian(info.AsSpan(6));
        }
        else
        {
            width = BinaryPrimitives.ReadInt32LittleEndian(info);
            height = BinaryPrimitives.ReadInt32LittleEndian(info.AsSpan(4));
            planes = BinaryPrimitives.ReadUInt16LittleEndian(info.AsSpan(8));
            bitCount = BinaryPrimitives.ReadUInt16LittleEndian(info.AsSpan(10));
            compression = BinaryPrimitives.ReadUInt32LittleEndian(info.AsSpan(12));
            colorsUsed = BinaryPrimitives.ReadUInt32LittleEndian(info.AsSpan(28));
        }

        var topDown = height < 0;
        height = Math.Abs(height);
        if (width <= 0 || height == 0)
        {
            throw Fail(path, $"invalid BMP size {width}x{height}");
        }

        if (planes != 1)
        {
            throw Fail(path, $"invalid BMP: {planes} colour planes (must be 1)");
        }

        switch (compression)
        {
            case BiRle8 or BiRle4:
                throw Fail(path, "RLE-compressed BMP is not supported (accepted: uncompressed or bit fields)");
            case BiJpeg or BiPng:
                throw Fail(path, "BMP with embedded JPEG or PNG data is not supported");
            case BiBitfields or BiAlphaBitfields when bitCount is not (16 or 32):
                throw Fail(path, $"invalid BMP: bit fields with {bitCount}-bit pixels (must be 16 or 32)");
            case BiRgb or BiBitfields or BiAlphaBitfields:
                break;
            default:
                throw Fail(path, $"unsupported BMP compression {compression} (accepted: 0 uncompressed, 3 or 6 bit fields)");
        }

        if (bitCount is not (1 or 4 or 8 or 16 or 24 or 32))
        {
            throw Fail(path, $"unsupported BMP bit count {bitCount} (accepted: 1, 4, 8, 16, 24, 32)");
        }

        if (pixelOffset < 14 + infoSize)
        {
            throw Fail(path, $"invalid BMP: pixel data offset {pixelOffset} lies inside the header");
        }

        var indexed = bitCount <= 8;
        double[]? paletteR = null, paletteG = null, paletteB = null;
        var gray = false;
        if (indexed)
        {
            var maxEntries = 1 << bitCount;
            var entrySize = core ? 3 : 4;
            var room = ((long)pixelOffset - 14 - infoSize) / entrySize;
            if (colorsUsed > maxEntries)
            {
                throw Fail(path, $"invalid BMP: a palette of {colorsUsed} colours for {bitCount}-bit pixels (at most {maxEntries})");
            }

            // No count in the header (always so for OS/2 1.x): as many entries as fit before the pixels, at most 2^bits.
            var entries = colorsUsed != 0 ? colorsUsed : Math.Clamp(room, 1, maxEntries);
            var palette = new byte[(int)entries * entrySize];
            stream.ReadExactly(palette);
            paletteR = new double[entries];
            paletteG = new double[entries];
            paletteB = new double[entries];
            gray = true;
            for (var i = 0; i < entries; i++)
            {
                byte b = palette[i * entrySize], g = palette[i * entrySize + 1], r = palette[i * entrySize + 2];
                gray &= r == g && g == b;
                paletteR[i] = r / 255.0;
                paletteG[i] = g / 255.0;
                paletteB[i] = b / 255.0;
            }
        }

        var channels = gray ? 1 : 3;
        ImageFile.CheckSize(path, width, height, channels, maxPixels);

        var masks = indexed || bitCount == 24 ? null : ReadMasks(stream, path, info, infoSize, compression, bitCount, warnings);

        var stride = (bitCount * width + 31) / 32 * 4;
        var rowBytes = (bitCount * width + 7) / 8;
        if (stride > Array.MaxLength)
        {
            throw Fail(path, $"BMP rows of {stride:N0} bytes are too long to decode");
        }

        var needed = pixelOffset + stride * (height - 1) + rowBytes;
        if (needed > fileLength)
        {
            throw Fail(path, $"truncated BMP: {width}x{height} at {bitCount} bits needs {needed:N0} bytes, the file has {fileLength:N0}");
        }

        int w = (int)width, h = (int)height, n = w * h;
        var data = new double[channels * n];
        var row = new byte[stride];
        stream.Position = pixelOffset;
        for (var r = 0; r < h; r++)
        {
            stream.ReadExactly(row, 0, r == h - 1 ? (int)rowBytes : (int)stride);
            var y = topDown ? r : h - 1 - r;
            var o = y * w;
            if (indexed)
            {
                DecodeIndexedRow(row, bitCount, w, y, path, paletteR!, paletteG!, paletteB!, gray, data, o, n);
            }
            else if (bitCount == 24)
            {
                for (var x = 0; x < w; x++)
                {
                    data[o + x] = row[3 * x + 2] / 255.0;
                    data[n + o + x] = row[3 * x + 1] / 255.0;
                    data[2 * n + o + x] = row[3 * x] / 255.0;
                }
            }
            else
            {
                var m = masks!.Value;
                for (var x = 0; x < w; x++)
                {
                    uint v = bitCount == 16
                        ? BinaryPrimitives.ReadUInt16LittleEndian(row.AsSpan(2 * x))
                        : BinaryPrimitives.ReadUInt32LittleEndian(row.AsSpan(4 * x));
                    data[o + x] = m.Red.Sample(v);
                    data[n + o + x] = m.Green.Sample(v);
                    data[2 * n + o + x] = m.Blue.Sample(v);
                }
            }
        }

        return new ImageTensor(channels, h, w, data);
    }

    private static void DecodeIndexedRow(
        byte[] row, int bitCount, int w, int y, string path, double[] r, double[] g, double[] b, bool gray, double[] data, int o, int n)
    {
        var mask = (1 << bitCount) - 1;
        for (var x = 0; x < w; x++)
        {
            var bit = x * bitCount;
            var index = (row[bit >> 3] >> (8 - bitCount - (bit & 7))) & mask;
            if (index >= r.Length)
            {
                throw Fail(path, $"invalid BMP: pixel ({x}, {y}) uses palette index {index}, the palette has {r.Length} colours");
            }

            if (gray)
            {
                data[o + x] = r[index];
            }
            else
            {
                data[o + x] = r[index];
                data[n + o + x] = g[index];
                data[2 * n + o + x] = b[index];
            }
        }
    }

    private static (Field Red, Field Green, Field Blue)? ReadMasks(
        Stream stream, string path, byte[] info, uint infoSize, uint compression, int bitCount, List<string> warnings)
    {
        if (compression == BiRgb)
        {
            return bitCount == 16
                ? (Field.Of(0x7C00, path), Field.Of(0x03E0, path), Field.Of(0x001F, path))
                : (Field.Of(0xFF0000, path), Field.Of(0x00FF00, path), Field.Of(0x0000FF, path));
        }

        uint red, green, blue, alpha = 0;
        if (infoSize >= 52)
        {
            red = BinaryPrimitives.ReadUInt32LittleEndian(info.AsSpan(36));
            green = BinaryPrimitives.ReadUInt32LittleEndian(info.AsSpan(40));
            blue = BinaryPrimitives.ReadUInt32LittleEndian(info.AsSpan(44));
            if (infoSize >= 56)
            {
                alpha = BinaryPrimitives.ReadUInt32LittleEndian(info.AsSpan(48));
            }
        }
        else
        {
            Span<byte> extra = stackalloc byte[16];
            var count = compression == BiAlphaBitfields ? 16 : 12;
            stream.ReadExactly(extra[..count]);
            red = BinaryPrimitives.ReadUInt32LittleEndian(extra);
            green = BinaryPrimitives.ReadUInt32LittleEndian(extra[4..]);
            blue = BinaryPrimitives.ReadUInt32LittleEndian(extra[8..]);
            alpha = count == 16 ? BinaryPrimitives.ReadUInt32LittleEndian(extra[12..]) : 0;
        }

        var limit = bitCount == 16 ? 0xFFFFu : uint.MaxValue;
        if (red > limit || green > limit || blue > limit || alpha > limit)
        {
            throw Fail(path, $"invalid BMP: a bit-field mask wider than the {bitCount}-bit pixel");
        }

        if (alpha != 0)
        {
            warnings.Add($"{path}: alpha channel dropped (not composited)");
        }

        return (Field.Of(red, path), Field.Of(green, path), Field.Of(blue, path));
    }

    private static ImageFileException Fail(string path, string reason) => new(path, reason);

    /// <summary>One colour channel of a 16- or 32-bit pixel: a contiguous mask.</summary>
    private readonly record struct Field(uint Mask, int Shift, double Max)
    {
        public static Field Of(uint mask, string path)
        {
            if (mask == 0)
            {
                throw Fail(path, "invalid BMP: a colour bit-field mask is zero");
            }

            var shift = System.Numerics.BitOperations.TrailingZeroCount(mask);
            var max = mask >> shift;
            if ((max & (max + 1)) != 0)
            {
                throw Fail(path, $"invalid BMP: bit-field mask 0x{mask:X8} is not contiguous");
            }

            return new Field(mask, shift, max);
        }

        public double Sample(uint pixel) => ((pixel & Mask) >> Shift) / Max;
    }
}
