using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using RestoreBench.Core.Imaging;

namespace RestoreBench.Metrics.FullReference;

/// <summary>
/// A read-only view of one plane on the 0–255 scale, optionally cropped, read row by row without
/// copying the image: one channel (sample × 255) or the MATLAB <c>rgb2ycbcr</c> luma of an RGB image
/// (computed on the fly with exactly the arithmetic of <see cref="Luma.YMatlab255"/>), or a plain
/// array of 0–255 values (used for MS-SSIM pyramid levels).
/// </summary>
public readonly struct MetricPlane
{
    private const int LumaChannel = -1;

    private readonly ImageTensor? _image;
    private readonly double[]? _values;
    private readonly int _channel;
    private readonly int _top;
    private readonly int _left;

    private MetricPlane(ImageTensor? image, double[]? values, int channel, int top, int left, int height, int width)
    {
        _image = image;
        _values = values;
        _channel = channel;
        _top = top;
        _left = left;
        Height = height;
        Width = width;
    }

    /// <summary>Rows of the view.</summary>
    public int Height { get; }

    /// <summary>Columns of the view.</summary>
    public int Width { get; }

    /// <summary>Channel <paramref name="channel"/> × 255 with <paramref name="cropBorder"/> pixels removed from every side.</summary>
    /// <exception cref="ArgumentException">The crop leaves no pixel.</exception>
    public static MetricPlane Channel255(ImageTensor image, int channel, int cropBorder = 0)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentOutOfRangeException.ThrowIfNegative(channel);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(channel, image.Channels);
        var (h, w) = CroppedSize(image, cropBorder);
        return new MetricPlane(image, null, channel, cropBorder, cropBorder, h, w);
    }

    /// <summary>
    /// MATLAB <c>rgb2ycbcr</c> luma on 0–255, not rounded: 16 + 65.481 R + 128.553 G + 24.966 B
    /// (R, G, B in [0, 1]); a gray image gives its plane × 255. <paramref name="cropBorder"/> pixels
    /// are removed from every side (cropping before or after the conversion is the same thing).
    /// </summary>
    /// <exception cref="ArgumentException">The crop leaves no pixel.</exception>
    public static MetricPlane LumaY255(ImageTensor image, int cropBorder = 0)
    {
        ArgumentNullException.ThrowIfNull(image);
        var (h, w) = CroppedSize(image, cropBorder);
        return new MetricPlane(image, null, image.IsRgb ? LumaChannel : 0, cropBorder, cropBorder, h, w);
    }

    /// <summary>A plane of values already on the 0–255 scale, row-major (not copied).</summary>
    public static MetricPlane FromValues(double[] values, int height, int width)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        if (values.Length != (long)height * width)
        {
            throw new ArgumentException($"Expected {height}x{width} = {(long)height * width} values, got {values.Length}.", nameof(values));
        }

        return new MetricPlane(null, values, 0, 0, 0, height, width);
    }

    /// <summary>The plane selected by <paramref name="channels"/>: Y, or channel <paramref name="channel"/> × 255.</summary>
    internal static MetricPlane Select(ImageTensor image, MetricChannels channels, int channel, int cropBorder) => channels switch
    {
        MetricChannels.Y => LumaY255(image, cropBorder),
        MetricChannels.Rgb => Channel255(image, channel, cropBorder),
        _ => throw new ArgumentOutOfRangeException(nameof(channels), channels, "Accepted: Rgb, Y."),
    };

    /// <summary>
    /// Writes <paramref name="destination"/>.Length values of row <paramref name="row"/>, starting at
    /// column <paramref name="column"/> of the view.
    /// </summary>
    public void ReadRow(int row, int column, Span<double> destination)
    {
        if ((uint)row >= (uint)Height || column < 0 || column + destination.Length > Width)
        {
            throw new ArgumentOutOfRangeException(nameof(row), $"Row {row}, columns [{column}, {column + destination.Length}) are outside the {Height}x{Width} plane.");
        }

        if (_values is not null)
        {
            _values.AsSpan(row * Width + column, destination.Length).CopyTo(destination);
            return;
        }

        var image = _image!;
        var start = (_top + row) * image.Width + _left + column;
        if (_channel == LumaChannel)
        {
            LumaRow(
                image.ReadPlane(0).Slice(start, destination.Length),
                image.ReadPlane(1).Slice(start, destination.Length),
                image.ReadPlane(2).Slice(start, destination.Length),
                destination);
        }
        else
        {
            ScaleRow(image.ReadPlane(_channel).Slice(start, destination.Length), destination);
        }
    }

    /// <summary>Copies the whole view into a new row-major array of 0–255 values.</summary>
    public double[] ToArray()
    {
        var result = new double[Height * Width];
        for (var r = 0; r < Height; r++)
        {
            ReadRow(r, 0, result.AsSpan(r * Width, Width));
        }

        return result;
    }

    private static (int Height, int Width) CroppedSize(ImageTensor image, int cropBorder)
    {
        if (cropBorder < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(cropBorder), cropBorder, "crop_border must be 0 or more pixels.");
        }

        int h = image.Height - 2 * cropBorder, w = image.Width - 2 * cropBorder;
        if (h <= 0 || w <= 0)
        {
            throw new ArgumentException($"crop_border {cropBorder} removes the whole {image.Height}x{image.Width} image (it crops {cropBorder} px from every side).", nameof(cropBorder));
        }

        return (h, w);
    }

    // Same operations in the same order as Luma.YMatlab255 (no fused multiply-add), so the vector
    // and scalar lanes give bit-identical Y.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void LumaRow(ReadOnlySpan<double> r, ReadOnlySpan<double> g, ReadOnlySpan<double> b, Span<double> y)
    {
        var n = y.Length;
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var kr = Vector256.Create(65.481);
            var kg = Vector256.Create(128.553);
            var kb = Vector256.Create(24.966);
            var k16 = Vector256.Create(16.0);
            ref var rr = ref MemoryMarshal.GetReference(r);
            ref var rg = ref MemoryMarshal.GetReference(g);
            ref var rb = ref MemoryMarshal.GetReference(b);
            ref var ry = ref MemoryMarshal.GetReference(y);
            for (; i <= n - Vector256<double>.Count; i += Vector256<double>.Count)
            {
                var v = kr * Vector256.LoadUnsafe(ref rr, (nuint)i) + kg * Vector256.LoadUnsafe(ref rg, (nuint)i);
                v = v + kb * Vector256.LoadUnsafe(ref rb, (nuint)i) + k16;
                v.StoreUnsafe(ref ry, (nuint)i);
            }
        }

        for (; i < n; i++)
        {
            y[i] = LumaScalar(r[i], g[i], b[i]);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double LumaScalar(double r, double g, double b) => 65.481 * r + 128.553 * g + 24.966 * b + 16.0;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ScaleRow(ReadOnlySpan<double> source, Span<double> destination)
    {
        var n = destination.Length;
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var k = Vector256.Create(255.0);
            ref var rs = ref MemoryMarshal.GetReference(source);
            ref var rd = ref MemoryMarshal.GetReference(destination);
            for (; i <= n - Vector256<double>.Count; i += Vector256<double>.Count)
            {
                (Vector256.LoadUnsafe(ref rs, (nuint)i) * k).StoreUnsafe(ref rd, (nuint)i);
            }
        }

        for (; i < n; i++)
        {
            destination[i] = source[i] * 255.0;
        }
    }
}
