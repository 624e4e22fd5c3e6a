namespace RestoreBench.Core.Imaging;

/// <summary>
/// Writes a PNG whose rows arrive in bands, top to bottom (e.g. from a tiled restorer), holding only
/// the quantized 8- or 16-bit samples (1 or 2 bytes per sample instead of 8 for the float64 image):
/// a 15360x8640 RGB output takes 398 MB at 8 bits instead of 3.2 GB. Quantization, encoder and
/// settings are those of <see cref="ImageFile.WritePng"/>, so the file is byte-identical to writing
/// the assembled image.
/// </summary>
public sealed class PngRowWriter
{
    private readonly byte[]? _bytes;
    private readonly ushort[]? _words;
    private readonly RoundingMode _rounding;

    /// <summary>Prepares the file; nothing is written before <see cref="Complete"/>.</summary>
    /// <param name="path">The PNG to write (its folder must exist).</param>
    /// <param name="channels">1 (gray) or 3 (RGB).</param>
    /// <param name="height">Rows of the image.</param>
    /// <param name="width">Columns of the image.</param>
    /// <param name="bitDepth">8 or 16.</param>
    /// <param name="rounding">Rounding of the scaled samples (default: half away from zero, as MATLAB's im2uint8).</param>
    /// <exception cref="ArgumentOutOfRangeException">A bad size, channel count, bit depth or rounding mode.</exception>
    /// <exception cref="ImageFileException">The path is a folder or its folder does not exist.</exception>
    public PngRowWriter(string path, int channels, int height, int width, int bitDepth = 8, RoundingMode rounding = RoundingMode.HalfAwayFromZero)
    {
        ImageFile.CheckPngArguments(path, bitDepth, rounding);
        if (channels is not (1 or 3))
        {
            throw new ArgumentOutOfRangeException(nameof(channels), channels, "A PNG here is gray (1) or RGB (3).");
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        var samples = (long)channels * height * width;
        if (samples > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(height), $"{width}x{height} with {channels} channels is too large for one PNG buffer");
        }

        ImageFile.CheckPngTarget(path);
        Path = path;
        Channels = channels;
        Height = height;
        Width = width;
        BitDepth = bitDepth;
        _rounding = rounding;
        if (bitDepth == 8)
        {
            _bytes = new byte[samples];
        }
        else
        {
            _words = new ushort[samples];
        }
    }

    /// <summary>The file.</summary>
    public string Path { get; }

    /// <summary>Channels of the image.</summary>
    public int Channels { get; }

    /// <summary>Rows of the image.</summary>
    public int Height { get; }

    /// <summary>Columns of the image.</summary>
    public int Width { get; }

    /// <summary>8 or 16.</summary>
    public int BitDepth { get; }

    /// <summary>Rows received so far (the next band must start here).</summary>
    public int RowsWritten { get; private set; }

    /// <summary>Quantizes the next rows (samples clipped to [0, 1]).</summary>
    /// <param name="band">Channels x k x width samples.</param>
    /// <param name="firstRow">Image row of the band's first row; must equal <see cref="RowsWritten"/>.</param>
    /// <exception cref="ArgumentException">Wrong shape, out of order, past the last row, or a NaN sample (named by channel, row and column).</exception>
    public void Write(ImageTensor band, int firstRow)
    {
        ArgumentNullException.ThrowIfNull(band);
        if (band.Channels != Channels || band.Width != Width)
        {
            throw new ArgumentException($"band is {band.ShapeText}; this PNG has {Channels} channel(s) and {Width} columns", nameof(band));
        }

        if (firstRow != RowsWritten || firstRow + band.Height > Height)
        {
            throw new ArgumentException($"band of rows {firstRow}..{firstRow + band.Height - 1} does not continue at row {RowsWritten} of {Height}", nameof(firstRow));
        }

        ImageFile.CheckNotNaN(band.Data, band.Channels, band.Height, band.Width, firstRow, nameof(band));
        var n = band.PlaneSize;
        var offset = (long)firstRow * Width * Channels;
        if (_bytes is not null)
        {
            ImageFile.Interleave8(band.Data, Channels, n, _bytes.AsSpan((int)offset, n * Channels), _rounding);
        }
        else
        {
            ImageFile.Interleave16(band.Data, Channels, n, _words.AsSpan((int)offset, n * Channels), _rounding);
        }

        RowsWritten += band.Height;
    }

    /// <summary>
    /// Encodes and writes the file once every row has been received: libvips encodes into a temporary
    /// file beside the target, which is then renamed (the encoded PNG is not held in memory).
    /// </summary>
    /// <exception cref="InvalidOperationException">Rows are missing.</exception>
    /// <exception cref="ImageFileException">The file cannot be encoded or written.</exception>
    public void Complete()
    {
        if (RowsWritten != Height)
        {
            throw new InvalidOperationException($"{Path}: {RowsWritten} of {Height} rows received; the PNG is incomplete");
        }

        if (_bytes is not null)
        {
            ImageFile.SavePng(_bytes, Channels, Height, Width, Path);
        }
        else
        {
            ImageFile.SavePng(_words!, Channels, Height, Width, Path);
        }
    }
}
