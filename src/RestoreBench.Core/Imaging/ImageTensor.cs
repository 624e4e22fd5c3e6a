namespace RestoreBench.Core.Imaging;

/// <summary>
/// The one image convention of RestoreBench: planar (CHW) samples in [0, 1], 1 channel (gray) or
/// 3 channels (RGB). Samples are stored as float64 so that MATLAB-style operations on 8-bit data
/// (dyadic bicubic weights, exact halves before rounding) and metrics with 1e-8 tolerances are
/// reproducible; conversion to ONNX float32 happens at the model boundary. See docs/architecture.md.
/// </summary>
public sealed class ImageTensor
{
    private readonly double[] _data;

    /// <summary>Creates a zero image.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Channels is not 1 or 3, or a dimension is not positive.</exception>
    public ImageTensor(int channels, int height, int width)
        : this(channels, height, width, new double[checked(channels * height * width)])
    {
    }

    /// <summary>Wraps planar CHW samples (not copied).</summary>
    public ImageTensor(int channels, int height, int width, double[] data)
    {
        if (channels is not (1 or 3))
        {
            throw new ArgumentOutOfRangeException(nameof(channels), channels, "An image has 1 (gray) or 3 (RGB) channels.");
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentNullException.ThrowIfNull(data);
        if (data.Length != (long)channels * height * width)
        {
            throw new ArgumentException($"Expected {channels}x{height}x{width} samples, got {data.Length}.", nameof(data));
        }

        Channels = channels;
        Height = height;
        Width = width;
        _data = data;
    }

    /// <summary>Number of channels: 1 (gray) or 3 (RGB).</summary>
    public int Channels { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Pixels per channel (H·W).</summary>
    public int PlaneSize => Height * Width;

    /// <summary>True for a 3-channel RGB image.</summary>
    public bool IsRgb => Channels == 3;

    /// <summary>All samples, channel-major (CHW).</summary>
    public Span<double> Data => _data;

    /// <summary>One channel plane, row-major.</summary>
    public Span<double> Plane(int channel) => _data.AsSpan(channel * PlaneSize, PlaneSize);

    /// <summary>One channel plane, row-major, read-only.</summary>
    public ReadOnlySpan<double> ReadPlane(int channel) => _data.AsSpan(channel * PlaneSize, PlaneSize);

    /// <summary>A deep copy.</summary>
    public ImageTensor Clone() => new(Channels, Height, Width, (double[])_data.Clone());

    /// <summary>True when both images have the same channel count and size.</summary>
    public bool SameShape(ImageTensor other) =>
        other.Channels == Channels && other.Height == Height && other.Width == Width;

    /// <summary>Shape as text, e.g. <c>3x288x288</c> (CxHxW).</summary>
    public string ShapeText => $"{Channels}x{Height}x{Width}";

    /// <summary>
    /// Explicit gray → RGB conversion (the gray plane is repeated). An RGB image is returned as is.
    /// </summary>
    public ImageTensor ToRgb()
    {
        if (IsRgb)
        {
            return this;
        }

        var data = new double[3 * PlaneSize];
        for (var c = 0; c < 3; c++)
        {
            ReadPlane(0).CopyTo(data.AsSpan(c * PlaneSize, PlaneSize));
        }

        return new ImageTensor(3, Height, Width, data);
    }

    /// <summary>Crops <paramref name="border"/> pixels from every side (BasicSR <c>crop_border</c>).</summary>
    public ImageTensor CropBorder(int border)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(border);
        if (border == 0)
        {
            return this;
        }

        return Crop(border, border, Height - 2 * border, Width - 2 * border);
    }

    /// <summary>Copies the rectangle starting at (top, left) of size height x width.</summary>
    public ImageTensor Crop(int top, int left, int height, int width)
    {
        if (top < 0 || left < 0 || height <= 0 || width <= 0 || top + height > Height || left + width > Width)
        {
            throw new ArgumentOutOfRangeException(nameof(height), $"Crop {height}x{width} at ({top},{left}) does not fit in a {Height}x{Width} image.");
        }

        var result = new ImageTensor(Channels, height, width);
        for (var c = 0; c < Channels; c++)
        {
            var src = ReadPlane(c);
            var dst = result.Plane(c);
            for (var y = 0; y < height; y++)
            {
                src.Slice((top + y) * Width + left, width).CopyTo(dst.Slice(y * width, width));
            }
        }

        return result;
    }

    /// <summary>Clamps every sample to [0, 1] in place and returns this image.</summary>
    public ImageTensor ClampInPlace()
    {
        var d = Data;
        for (var i = 0; i < d.Length; i++)
        {
            d[i] = Math.Clamp(d[i], 0.0, 1.0);
        }

        return this;
    }
}
