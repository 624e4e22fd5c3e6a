namespace RestoreBench.Core.Imaging;

/// <summary>A file format that <see cref="ImageFile.Read"/> decodes, recognised by the file's first bytes.</summary>
public enum ImageFormat
{
    /// <summary>PNG (signature <c>89 50 4E 47 0D 0A 1A 0A</c>); decoded by libvips.</summary>
    Png,

    /// <summary>JPEG (<c>FF D8 FF</c>); decoded by libvips.</summary>
    Jpeg,

    /// <summary>Windows bitmap (<c>BM</c>); decoded by RestoreBench (libvips has no BMP loader).</summary>
    Bmp,

    /// <summary>TIFF or BigTIFF (<c>II*\0</c>, <c>MM\0*</c>, <c>II+\0</c>, <c>MM\0+</c>); decoded by libvips.</summary>
    Tiff,

    /// <summary>WebP (<c>RIFF....WEBP</c>); decoded by libvips.</summary>
    WebP,
}

/// <summary>Recognises a format from a file's first bytes (the content decides, not the extension).</summary>
internal static class FormatSniffer
{
    /// <summary>How many leading bytes <see cref="Sniff"/> looks at.</summary>
    public const int HeadLength = 12;

    /// <summary>The format, or null with a description of what the content is when it is not a supported image.</summary>
    public static ImageFormat? Sniff(ReadOnlySpan<byte> head, out string? unsupported)
    {
        unsupported = null;
        if (head.StartsWith((ReadOnlySpan<byte>)[0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]))
        {
            return ImageFormat.Png;
        }

        if (head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]))
        {
            return ImageFormat.Jpeg;
        }

        if (head.StartsWith("BM"u8))
        {
            return ImageFormat.Bmp;
        }

        if (head.StartsWith("II*\0"u8) || head.StartsWith("MM\0*"u8) || head.StartsWith("II+\0"u8) || head.StartsWith("MM\0+"u8))
        {
            return ImageFormat.Tiff;
        }

        if (head.Length >= 12 && head.StartsWith("RIFF"u8) && head[8..12].SequenceEqual("WEBP"u8))
        {
            return ImageFormat.WebP;
        }

        unsupported =
            head.StartsWith("GIF87a"u8) || head.StartsWith("GIF89a"u8) ? "the content is a GIF image, which is not supported"
            : head.StartsWith("%PDF"u8) ? "the content is a PDF document, not an image"
            : head.Length >= 12 && head[4..12].SequenceEqual("ftypavif"u8) ? "the content is an AVIF image, which is not supported"
            : head.Length >= 12 && head[4..8].SequenceEqual("ftyp"u8) ? "the content is an ISO media file (HEIF/AVIF/MP4), which is not supported"
            : head.Length < HeadLength ? $"the file has only {head.Length} bytes: too short for a PNG, JPEG, BMP, TIFF or WebP image"
            : "the content is not a PNG, JPEG, BMP, TIFF or WebP image (no known signature in the first bytes)";
        return null;
    }

    /// <summary>The extensions (lower case, with dot) that are usual for a format.</summary>
    public static IReadOnlyList<string> Extensions(ImageFormat format) => format switch
    {
        ImageFormat.Png => [".png"],
        ImageFormat.Jpeg => [".jpg", ".jpeg"],
        ImageFormat.Bmp => [".bmp"],
        ImageFormat.Tiff => [".tif", ".tiff"],
        ImageFormat.WebP => [".webp"],
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "Accepted: Png, Jpeg, Bmp, Tiff, WebP."),
    };
}
