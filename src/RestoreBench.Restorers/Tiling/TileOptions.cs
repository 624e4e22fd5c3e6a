using RestoreBench.Degradations.Blur;

namespace RestoreBench.Restorers.Tiling;

/// <summary>
/// How <see cref="Tiler"/> cuts an image: square tiles of <see cref="TileSize"/> input pixels that
/// overlap their neighbours by at least <see cref="Overlap"/> pixels, and padding of each tile to a
/// multiple of <see cref="PadMultiple"/> for models that need it.
/// </summary>
public sealed record TileOptions
{
    /// <summary>Whole-image processing (no tiling), no padding.</summary>
    public static TileOptions WholeImage { get; } = new(0, 0);

    /// <summary>Creates tiling options.</summary>
    /// <param name="tileSize">Tile side in input pixels; 0 processes the whole image as one tile.</param>
    /// <param name="overlap">Minimum overlap between neighbouring tiles in input pixels; 0 ≤ overlap &lt; tileSize.</param>
    /// <param name="padMultiple">Each tile (or the whole image) is padded at its bottom and right to a multiple of this (≥ 1).</param>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range.</exception>
    public TileOptions(int tileSize, int overlap, int padMultiple = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(tileSize);
        ArgumentOutOfRangeException.ThrowIfNegative(overlap);
        ArgumentOutOfRangeException.ThrowIfLessThan(padMultiple, 1);
        if (tileSize > 0 && overlap >= tileSize)
        {
            throw new ArgumentOutOfRangeException(nameof(overlap), overlap, $"The tile overlap ({overlap}) must be smaller than the tile size ({tileSize}).");
        }

        if (tileSize == 0 && overlap != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(overlap), overlap, "A tile overlap needs a tile size.");
        }

        TileSize = tileSize;
        Overlap = overlap;
        PadMultiple = padMultiple;
    }

    /// <summary>Tile side in input pixels (0: whole image).</summary>
    public int TileSize { get; }

    /// <summary>Minimum overlap between neighbouring tiles, input pixels.</summary>
    public int Overlap { get; }

    /// <summary>Padding multiple (1: no padding).</summary>
    public int PadMultiple { get; }

    /// <summary>
    /// How the padding for <see cref="PadMultiple"/> is filled; default <see cref="BorderMode.Reflect101"/>
    /// (PyTorch <c>F.pad(mode='reflect')</c>, as Real-ESRGAN pads before inference).
    /// </summary>
    public BorderMode PadMode { get; init; } = BorderMode.Reflect101;

    /// <summary>
    /// Pixels at each inner tile edge that get zero blending weight: ⌊overlap / 4⌋. Tiled and
    /// whole-image outputs are identical when the tile function's receptive-field radius is at most
    /// this (e.g. overlap 8 for a 5x5 filter).
    /// </summary>
    public int Margin => Overlap / 4;

    /// <summary>True when tiles are used.</summary>
    public bool IsTiled => TileSize > 0;
}
