using NetVips;

namespace RestoreBench.Core.Imaging;

/// <summary>An image read from a file, with what the reader noticed.</summary>
/// <param name="Image">Samples in [0, 1]; 1 channel for gray files, 3 for colour files.</param>
/// <param name="BitDepth">Bits per sample in the file: 8 or 16.</param>
/// <param name="Warnings">Non-fatal notes (alpha dropped, orientation applied), each naming the file.</param>
public sealed record LoadedImage(ImageTensor Image, int BitDepth, IReadOnlyList<string> Warnings);

/// <summary>Thrown when a file cannot be read or written as an image; the message names the file and the reason.</summary>
public sealed class ImageFileException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ImageFileException(string path, string reason, Exception? inner = null)
        : base($"{path}: {reason}", inner)
    {
        Path = path;
        Reason = reason;
    }

    /// <summary>The file concerned.</summary>
    public string Path { get; }

    /// <summary>Why it failed, without the path.</summary>
    public string Reason { get; }
}

/// <summary>
/// Image reading and writing through libvips (NetVips). Reads PNG (1–16 bit, gray, gray+alpha,
/// RGB, RGBA, palette), JPEG, BMP, TIFF and WebP; writes PNG with 8 or 16 bits per sample.
/// Policies: EXIF orientation is applied on read; an alpha channel is dropped (not composited)
/// with a warning; gray files stay 1-channel; 16-bit values round-trip exactly.
/// </summary>
public static class ImageFile
{
    /// <summary>Default pixel limit: 250 megapixels.</summary>
    public const long DefaultMaxPixels = 250_000_000;

    /// <summary>File extensions (lower case, with dot) that <see cref="Read"/> accepts.</summary>
    public static IReadOnlySet<string> SupportedExtensions { get; } =
        new HashSet<string>(StringComparer.OrdinalIgnoreCase) { ".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff", ".webp" };

    /// <summary>True when the path has an extension that <see cref="Read"/> accepts.</summary>
    public static bool IsSupported(string path) => SupportedExtensions.Contains(System.IO.Path.GetExtension(path));

    /// <summary>
    /// Reads an image. The header is checked against <paramref name="maxPixels"/> before any pixel
    /// is decoded, so a hostile file cannot exhaust memory.
    /// </summary>
    /// <exception cref="ImageFileException">The file is missing, unreadable, truncated, not an image, unsupported or too large.</exception>
    public static LoadedImage Read(string path, long maxPixels = DefaultMaxPixels)
    {
        if (!File.Exists(path))
        {
            throw new ImageFileException(path, "file not found");
        }

        if (!IsSupported(path))
        {
            throw new ImageFileException(path, $"unsupported format '{System.IO.Path.GetExtension(path)}' (accepted: {string.Join(", ", SupportedExtensions.Order())})");
        }

        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ImageFileException(path, $"cannot read file ({e.Message})", e);
        }

        if (bytes.Length == 0)
        {
            throw new ImageFileException(path, "empty file (0 bytes)");
        }

        try
        {
            return Decode(path, bytes, maxPixels);
        }
        catch (VipsException e)
        {
            throw new ImageFileException(path, "not a readable image: " + FirstLine(e.Message), e);
        }
    }

    private static LoadedImage Decode(string path, byte[] bytes, long maxPixels)
    {
        var warnings = new List<string>();
        using var header = Image.NewFromBuffer(bytes, access: Enums.Access.Sequential, failOn: Enums.FailOn.Warning);
        if ((long)header.Width * header.Height > maxPixels)
        {
            throw new ImageFileException(path, $"{header.Width}x{header.Height} = {(long)header.Width * header.Height:N0} pixels exceeds the limit of {maxPixels:N0} (raise it with --max-pixels)");
        }

        var image = header;
        var disposables = new List<Image>();
        try
        {
            var orientation = image.Contains("orientation") ? image.Get("orientation") as int? ?? 1 : 1;
            if (orientation is > 1 and <= 8)
            {
                image = Track(disposables, image.Autorot());
                warnings.Add($"{path}: EXIF orientation {orientation} applied");
            }

            if (image.HasAlpha())
            {
                image = Track(disposables, image.ExtractBand(0, image.Bands - 1));
                warnings.Add($"{path}: alpha channel dropped (not composited)");
            }

            var sixteen = image.Format is Enums.BandFormat.Ushort or Enums.BandFormat.Short;
            if (image.Format is not (Enums.BandFormat.Uchar or Enums.BandFormat.Ushort))
            {
                throw new ImageFileException(path, $"unsupported sample format '{image.Format}' (accepted: 8- or 16-bit unsigned)");
            }

            if (image.Bands is not (1 or 3))
            {
                throw new ImageFileException(path, $"unsupported channel count {image.Bands} (accepted: gray or RGB, each optionally with alpha)");
            }

            var tensor = sixteen ? FromUShort(image) : FromByte(image);
            return new LoadedImage(tensor, sixteen ? 16 : 8, warnings);
        }
        finally
        {
            foreach (var d in disposables)
            {
                d.Dispose();
            }
        }
    }

    private static Image Track(List<Image> list, Image image)
    {
        list.Add(image);
        return image;
    }

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
    /// Writes a PNG with 8 or 16 bits per sample; samples are clipped to [0, 1] and rounded with
    /// <paramref name="rounding"/> (default: half away from zero, as MATLAB's <c>im2uint8</c>).
    /// </summary>
    /// <exception cref="ImageFileException">The file cannot be written.</exception>
    public static void WritePng(ImageTensor image, string path, int bitDepth = 8, RoundingMode rounding = RoundingMode.HalfAwayFromZero)
    {
        if (bitDepth is not (8 or 16))
        {
            throw new ArgumentOutOfRangeException(nameof(bitDepth), bitDepth, "PNG bit depth must be 8 or 16.");
        }

        int c = image.Channels, h = image.Height, w = image.Width, n = h * w;
        var src = image.Data;
        try
        {
            Image vips;
            if (bitDepth == 8)
            {
                var buffer = new byte[c * n];
                for (var i = 0; i < n; i++)
                {
                    for (var k = 0; k < c; k++)
                    {
                        buffer[i * c + k] = (byte)Rounding.Quantize(src[k * n + i], 255, rounding);
                    }
                }

                vips = Image.NewFromMemory(buffer, w, h, c, Enums.BandFormat.Uchar);
            }
            else
            {
                var buffer = new ushort[c * n];
                for (var i = 0; i < n; i++)
                {
                    for (var k = 0; k < c; k++)
                    {
                        buffer[i * c + k] = (ushort)Rounding.Quantize(src[k * n + i], 65535, rounding);
                    }
                }

                using var raw = Image.NewFromMemory(buffer, w, h, c, Enums.BandFormat.Ushort);
                vips = raw.Copy(interpretation: c == 3 ? Enums.Interpretation.Rgb16 : Enums.Interpretation.Grey16);
            }

            using (vips)
            {
                var bytes = vips.PngsaveBuffer(compression: 6, bitdepth: bitDepth);
                File.WriteAllBytes(path, bytes);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or VipsException)
        {
            throw new ImageFileException(path, "cannot write PNG: " + FirstLine(e.Message), e);
        }
    }

    private static string FirstLine(string message)
    {
        var line = message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return line.Length == 0 ? "unknown error" : string.Join("; ", line.Take(2));
    }
}
