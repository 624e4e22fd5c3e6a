using NetVips;

namespace RestoreBench.Core.Imaging;

/// <summary>An image read from a file, with what the reader noticed.</summary>
/// <param name="Image">Samples in [0, 1]; 1 channel for gray files, 3 for colour files.</param>
/// <param name="BitDepth">Bits per sample in the file: 16 for 16-bit PNG/TIFF, else 8.</param>
/// <param name="Warnings">Non-fatal notes (alpha dropped, orientation applied, extension mismatch, extra pages), each naming the file.</param>
public sealed record LoadedImage(ImageTensor Image, int BitDepth, IReadOnlyList<string> Warnings)
{
    /// <summary>The format recognised from the file's content; null when the image did not come from a file.</summary>
    public ImageFormat? Format { get; init; }
}

/// <summary>
/// Image reading and writing. Reads PNG (1–16 bit, gray, gray+alpha, RGB, RGBA, palette), JPEG, TIFF
/// and WebP through libvips (NetVips), and BMP with <see cref="BmpDecoder"/>; writes PNG with 8 or 16
/// bits per sample. Policies (docs/io.md): the content decides the decoder, the extension only admits
/// the file; EXIF orientation is applied; an alpha channel is dropped (not composited) with a warning;
/// gray stays 1-channel; 16-bit samples round-trip exactly; the pixel limit is checked from the header
/// before pixels are decoded; decoder warnings (truncated or corrupt data) are errors.
/// </summary>
public static class ImageFile
{
    /// <summary>Default pixel limit: 250 megapixels (width × height).</summary>
    public const long DefaultMaxPixels = 250_000_000;

    /// <summary>File extensions (compared case-insensitively, with dot) that <see cref="Read"/> accepts.</summary>
    public static IReadOnlySet<string> SupportedExtensions { get; } =
        new HashSet<string>(StringComparer.OrdinalIgnoreCase) { ".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff", ".webp" };

    /// <summary>True when the path has an extension that <see cref="Read"/> accepts.</summary>
    public static bool IsSupported(string path) => SupportedExtensions.Contains(Path.GetExtension(path));

    /// <summary>
    /// Reads an image. The file's first bytes choose the decoder (PNG, JPEG, BMP, TIFF, WebP); the
    /// header's width × height is checked against <paramref name="maxPixels"/> before any pixel is
    /// decoded, so a hostile header cannot exhaust memory. The file is read lazily (not loaded whole).
    /// </summary>
    /// <param name="path">The image file.</param>
    /// <param name="maxPixels">Largest accepted width × height; must be positive.</param>
    /// <exception cref="ImageFileException">
    /// The file is missing, a folder, unreadable, empty, truncated, corrupt, not an image, of an
    /// unsupported format or layout, or larger than <paramref name="maxPixels"/>. The message is one line.
    /// </exception>
    public static LoadedImage Read(string path, long maxPixels = DefaultMaxPixels)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxPixels);
        if (Directory.Exists(path))
        {
            throw new ImageFileException(path, "is a folder, not an image file");
        }

        if (!File.Exists(path))
        {
            throw new ImageFileException(path, "file not found");
        }

        var extension = Path.GetExtension(path);
        if (!IsSupported(path))
        {
            var shown = extension.Length == 0 ? "(no extension)" : $"'{extension}'";
            throw new ImageFileException(path, $"unsupported format {shown} (accepted: {string.Join(", ", SupportedExtensions.Order(StringComparer.Ordinal))})");
        }

        var warnings = new List<string>();
        ImageFormat format;
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ImageFileException(path, "cannot open the file for reading: " + DotNetReason(e, path), e);
        }

        using (stream)
        {
            try
            {
                Span<byte> head = stackalloc byte[FormatSniffer.HeadLength];
                var count = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
                if (count == 0)
                {
                    throw new ImageFileException(path, "empty file (0 bytes)");
                }

                format = FormatSniffer.Sniff(head[..count], out var unsupported) ?? throw new ImageFileException(path, unsupported!);
                if (!FormatSniffer.Extensions(format).Contains(extension.ToLowerInvariant()))
                {
                    warnings.Add($"{path}: the content is {Name(format)} although the extension is '{extension}'");
                }

                if (format == ImageFormat.Bmp)
                {
                    var tensor = BmpDecoder.Decode(stream, path, maxPixels, warnings);
                    return new LoadedImage(tensor, 8, warnings) { Format = format };
                }
            }
            catch (IOException e) when (e is not EndOfStreamException)
            {
                throw new ImageFileException(path, "cannot read the file: " + DotNetReason(e, path), e);
            }
        }

        return DecodeWithVips(path, format, maxPixels, warnings);
    }

    /// <summary>
    /// Writes a PNG with 8 or 16 bits per sample, gray for 1 channel and RGB for 3. Samples are clipped
    /// to [0, 1], scaled by 255 or 65535 and rounded with <paramref name="rounding"/> (default: half away
    /// from zero, as MATLAB's <c>im2uint8</c>/<c>im2uint16</c>). The folder must exist.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="bitDepth"/> is not 8 or 16, or <paramref name="rounding"/> is unknown.</exception>
    /// <exception cref="ArgumentException">A sample is NaN.</exception>
    /// <exception cref="ImageFileException">The file cannot be written (missing folder, a folder path, no permission, disk error).</exception>
    public static void WritePng(ImageTensor image, string path, int bitDepth = 8, RoundingMode rounding = RoundingMode.HalfAwayFromZero)
    {
        ArgumentNullException.ThrowIfNull(image);
        CheckPngArguments(path, bitDepth, rounding);
        int c = image.Channels, h = image.Height, w = image.Width;
        CheckNotNaN(image.Data, c, h, w, 0, nameof(image));
        CheckPngTarget(path);
        if (bitDepth == 8)
        {
            var buffer = new byte[c * h * w];
            Interleave8(image.Data, c, h * w, buffer, rounding);
            WriteEncoded(path, () => EncodePng(buffer, c, h, w));
        }
        else
        {
            var buffer = new ushort[c * h * w];
            Interleave16(image.Data, c, h * w, buffer, rounding);
            WriteEncoded(path, () => EncodePng(buffer, c, h, w));
        }
    }

    internal static void CheckPngArguments(string path, int bitDepth, RoundingMode rounding)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (bitDepth is not (8 or 16))
        {
            throw new ArgumentOutOfRangeException(nameof(bitDepth), bitDepth, "PNG bit depth must be 8 or 16.");
        }

        if (!Enum.IsDefined(rounding))
        {
            throw new ArgumentOutOfRangeException(nameof(rounding), rounding, "Accepted: HalfAwayFromZero, HalfToEven.");
        }
    }

    /// <summary>Throws for a NaN sample, naming its channel, row (offset by <paramref name="firstRow"/>) and column.</summary>
    internal static void CheckNotNaN(ReadOnlySpan<double> src, int c, int h, int w, int firstRow, string parameter)
    {
        var n = h * w;
        for (var i = 0; i < src.Length; i++)
        {
            if (double.IsNaN(src[i]))
            {
                throw new ArgumentException($"Sample at channel {i / n}, row {firstRow + i % n / w}, column {i % w} is NaN; a PNG needs numbers.", parameter);
            }
        }
    }

    /// <summary>The path must not be a folder and its folder must exist.</summary>
    internal static void CheckPngTarget(string path)
    {
        if (Directory.Exists(path))
        {
            throw new ImageFileException(path, "cannot write PNG: the path is a folder");
        }

        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(folder) && !Directory.Exists(folder))
        {
            throw new ImageFileException(path, $"cannot write PNG: the folder '{folder}' does not exist");
        }
    }

    internal static void WriteEncoded(string path, Func<byte[]> encode)
    {
        byte[] encoded;
        try
        {
            encoded = encode();
        }
        catch (VipsException e)
        {
            throw new ImageFileException(path, "cannot encode PNG: " + VipsReason(e.Message, path), e);
        }

        try
        {
            File.WriteAllBytes(path, encoded);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ImageFileException(path, "cannot write PNG: " + DotNetReason(e, path), e);
        }
    }

    /// <summary>Planar samples (c planes of n) → interleaved 8-bit, clipped and rounded.</summary>
    internal static void Interleave8(ReadOnlySpan<double> src, int c, int n, Span<byte> dst, RoundingMode rounding)
    {
        for (var i = 0; i < n; i++)
        {
            for (var k = 0; k < c; k++)
            {
                dst[i * c + k] = (byte)Rounding.Quantize(src[k * n + i], 255, rounding);
            }
        }
    }

    /// <summary>Planar samples (c planes of n) → interleaved 16-bit, clipped and rounded.</summary>
    internal static void Interleave16(ReadOnlySpan<double> src, int c, int n, Span<ushort> dst, RoundingMode rounding)
    {
        for (var i = 0; i < n; i++)
        {
            for (var k = 0; k < c; k++)
            {
                dst[i * c + k] = (ushort)Rounding.Quantize(src[k * n + i], 65535, rounding);
            }
        }
    }

    /// <summary>
    /// Encodes interleaved 8- or 16-bit samples (same encoder and settings as <see cref="WritePng"/>,
    /// hence the same bytes) straight into a temporary file beside <paramref name="path"/>, then renames
    /// it into place: the encoded image is never held in memory and a failed write leaves no partial file.
    /// </summary>
    internal static void SavePng<T>(T[] interleaved, int c, int h, int w, string path)
        where T : unmanaged
    {
        var sixteen = typeof(T) == typeof(ushort);
        var temp = path + ".partial-" + Guid.NewGuid().ToString("N")[..8] + ".png";
        try
        {
            using (var raw = Image.NewFromMemory(interleaved, w, h, c, sixteen ? Enums.BandFormat.Ushort : Enums.BandFormat.Uchar))
            using (var tagged = raw.Copy(interpretation: sixteen
                ? (c == 3 ? Enums.Interpretation.Rgb16 : Enums.Interpretation.Grey16)
                : (c == 3 ? Enums.Interpretation.Srgb : Enums.Interpretation.Bw)))
            {
                tagged.Pngsave(temp, compression: 6, bitdepth: sixteen ? 16 : 8);
            }

            File.Move(temp, path, overwrite: true);
        }
        catch (VipsException e)
        {
            throw new ImageFileException(path, "cannot encode PNG: " + VipsReason(e.Message, temp), e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ImageFileException(path, "cannot write PNG: " + DotNetReason(e, path), e);
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }

    internal static byte[] EncodePng(byte[] interleaved, int c, int h, int w)
    {
        using var raw = Image.NewFromMemory(interleaved, w, h, c, Enums.BandFormat.Uchar);
        using var tagged = raw.Copy(interpretation: c == 3 ? Enums.Interpretation.Srgb : Enums.Interpretation.Bw);
        return tagged.PngsaveBuffer(compression: 6, bitdepth: 8);
    }

    internal static byte[] EncodePng(ushort[] interleaved, int c, int h, int w)
    {
        using var raw = Image.NewFromMemory(interleaved, w, h, c, Enums.BandFormat.Ushort);
        using var tagged = raw.Copy(interpretation: c == 3 ? Enums.Interpretation.Rgb16 : Enums.Interpretation.Grey16);
        return tagged.PngsaveBuffer(compression: 6, bitdepth: 16);
    }

    /// <summary>Throws when width × height exceeds the limit or the samples cannot fit in one array.</summary>
    internal static void CheckSize(string path, long width, long height, int channels, long maxPixels)
    {
        var pixels = width * height;
        if (pixels > maxPixels)
        {
            throw new ImageFileException(path, $"{width}x{height} = {pixels:N0} pixels exceeds the limit of {maxPixels:N0} pixels (checked from the header, nothing decoded; the limit is configurable)");
        }

        if (pixels * channels > Array.MaxLength)
        {
            throw new ImageFileException(path, $"{width}x{height} with {channels} channels is too large for one in-memory image (at most {Array.MaxLength:N0} samples)");
        }
    }

    private static LoadedImage DecodeWithVips(string path, ImageFormat format, long maxPixels, List<string> warnings)
    {
        var owned = new List<Image>();
        try
        {
            // Header only: libvips decodes no pixels until WriteToMemory/CopyMemory.
            var image = Own(owned, Load(path, format));
            var hasAlpha = image.HasAlpha();
            var colourBands = hasAlpha ? image.Bands - 1 : image.Bands;
            CheckSize(path, image.Width, image.Height, Math.Max(colourBands, 1), maxPixels);
            if (image.Format is not (Enums.BandFormat.Uchar or Enums.BandFormat.Ushort))
            {
                throw new ImageFileException(path, $"unsupported sample format '{image.Format}' (accepted: 8- or 16-bit unsigned integers)");
            }

            if (colourBands is not (1 or 3))
            {
                throw new ImageFileException(path, $"unsupported colour layout: {image.Bands} channels, '{image.Interpretation}' (accepted: gray or RGB, each optionally with alpha)");
            }

            if (image.Contains("n-pages") && image.Get("n-pages") is int pages && pages > 1)
            {
                warnings.Add($"{path}: {pages} pages or frames; only the first was read");
            }

            var orientation = image.Contains("orientation") && image.Get("orientation") is int o ? o : 1;
            if (hasAlpha)
            {
                image = Own(owned, image.ExtractBand(0, n: colourBands));
                warnings.Add($"{path}: alpha channel dropped (not composited)");
            }

            if (orientation is > 1 and <= 8)
            {
                // Autorot reads columns for 90° turns: decode to memory first, since the loader is
                // sequential (rotating the lazy image fails with "out of order read").
                image = Own(owned, image.CopyMemory());
                image = Own(owned, image.Autorot());
                warnings.Add($"{path}: EXIF orientation {orientation} applied");
            }
            else if (orientation != 1)
            {
                warnings.Add($"{path}: invalid EXIF orientation {orientation} ignored");
            }

            var sixteen = image.Format == Enums.BandFormat.Ushort;
            var tensor = sixteen ? FromUShort(image) : FromByte(image);
            return new LoadedImage(tensor, sixteen ? 16 : 8, warnings) { Format = format };
        }
        catch (VipsException e)
        {
            throw new ImageFileException(path, $"cannot decode {Name(format)}: {VipsReason(e.Message, path)}", e);
        }
        finally
        {
            for (var i = owned.Count - 1; i >= 0; i--)
            {
                owned[i].Dispose();
            }
        }
    }

    /// <summary>
    /// The format's own loader (so that no other libvips loader ever sees the file); sequential access
    /// (top to bottom, small buffers); fail on warnings (with the default level libvips decodes a
    /// truncated PNG/JPEG into gray rows without an error); revalidate (libvips caches random-access
    /// loads by file name and would serve the old image after the file is rewritten in place;
    /// sequential loads are not cached today, revalidate keeps that so if the access mode changes).
    /// </summary>
    private static Image Load(string path, ImageFormat format) => format switch
    {
        ImageFormat.Png => Image.Pngload(path, access: Enums.Access.Sequential, failOn: Enums.FailOn.Warning, revalidate: true),
        ImageFormat.Jpeg => Image.Jpegload(path, access: Enums.Access.Sequential, failOn: Enums.FailOn.Warning, revalidate: true),
        ImageFormat.Tiff => Image.Tiffload(path, access: Enums.Access.Sequential, failOn: Enums.FailOn.Warning, revalidate: true),
        ImageFormat.WebP => Image.Webpload(path, access: Enums.Access.Sequential, failOn: Enums.FailOn.Warning, revalidate: true),
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "Accepted here: Png, Jpeg, Tiff, WebP."),
    };

    private static Image Own(List<Image> owned, Image image)
    {
        owned.Add(image);
        return image;
    }

    private static string Name(ImageFormat format) => format switch
    {
        ImageFormat.Png => "PNG",
        ImageFormat.Jpeg => "JPEG",
        ImageFormat.Bmp => "BMP",
        ImageFormat.Tiff => "TIFF",
        ImageFormat.WebP => "WebP",
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "Accepted: Png, Jpeg, Bmp, Tiff, WebP."),
    };

    private static ImageTensor FromByte(Image image)
    {
        var pixels = image.WriteToMemory<byte>();
        int c = image.Bands, h = image.Height, w = image.Width, n = h * w;
        var data = new double[c * n];
        for (var i = 0; i < n; i++)
        {
            for (var k = 0; k < c; k++)
            {
                data[k * n + i] = pixels[i * c + k] / 255.0;
            }
        }

        return new ImageTensor(c, h, w, data);
    }

    private static ImageTensor FromUShort(Image image)
    {
        var pixels = image.WriteToMemory<ushort>();
        int c = image.Bands, h = image.Height, w = image.Width, n = h * w;
        var data = new double[c * n];
        for (var i = 0; i < n; i++)
        {
            for (var k = 0; k < c; k++)
            {
                data[k * n + i] = pixels[i * c + k] / 65535.0;
            }
        }

        return new ImageTensor(c, h, w, data);
    }

    /// <summary>
    /// The useful part of a libvips error, one line: libvips reports a generic "unable to …" line, then
    /// the decoder's lines (sometimes repeated); keep the decoder's lines once each, without the path.
    /// </summary>
    internal static string VipsReason(string message, string path)
    {
        var full = Path.GetFullPath(path);
        var kept = new List<string>();
        string? generic = null;
        foreach (var raw in message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var line = raw.Replace(full, "file", StringComparison.Ordinal).Replace(path, "file", StringComparison.Ordinal);
            if (line.StartsWith("unable to ", StringComparison.Ordinal))
            {
                generic ??= line;
                continue;
            }

            if (!kept.Contains(line, StringComparer.Ordinal))
            {
                kept.Add(line);
            }
        }

        var reason = kept.Count > 0
            ? string.Join("; ", kept)
            : $"corrupt or truncated data (libvips: {generic ?? "no detail"})";
        return reason.Length <= 400 ? reason : reason[..397] + "...";
    }

    /// <summary>A .NET I/O message without the path it repeats.</summary>
    private static string DotNetReason(Exception e, string path)
    {
        var full = Path.GetFullPath(path);
        return e.Message
            .Replace($" : '{full}'", string.Empty, StringComparison.Ordinal)
            .Replace($" '{full}'", string.Empty, StringComparison.Ordinal)
            .Replace($"'{full}'", "the file", StringComparison.Ordinal);
    }
}
