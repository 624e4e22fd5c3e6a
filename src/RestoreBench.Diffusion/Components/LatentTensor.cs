using RestoreBench.Core.Imaging;
using RestoreBench.Diffusion.Schedulers;

namespace RestoreBench.Diffusion.Components;

/// <summary>
/// A planar C x H x W tensor in float64 (one batch item): a latent z, a model output, or an image
/// in a model's value range. Layout CHW, row-major, like <see cref="ImageTensor"/> but with any
/// channel count.
/// </summary>
public sealed class LatentTensor
{
    /// <summary>Wraps <paramref name="data"/> (not copied).</summary>
    public LatentTensor(int channels, int height, int width, double[] data)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(channels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentNullException.ThrowIfNull(data);
        if (data.Length != (long)channels * height * width)
        {
            throw new ArgumentException($"expected {channels}x{height}x{width} values, got {data.Length}", nameof(data));
        }

        Channels = channels;
        Height = height;
        Width = width;
        Data = data;
    }

    /// <summary>A zero tensor.</summary>
    public LatentTensor(int channels, int height, int width)
        : this(channels, height, width, new double[checked(channels * height * width)])
    {
    }

    /// <summary>Channels.</summary>
    public int Channels { get; }

    /// <summary>Height.</summary>
    public int Height { get; }

    /// <summary>Width.</summary>
    public int Width { get; }

    /// <summary>The values, CHW.</summary>
    public double[] Data { get; }

    /// <summary><c>CxHxW</c>.</summary>
    public string ShapeText => $"{Channels}x{Height}x{Width}";

    /// <summary>A deep copy.</summary>
    public LatentTensor Clone() => new(Channels, Height, Width, (double[])Data.Clone());

    /// <summary>The rectangle at (top, left) of size height x width, all channels.</summary>
    public LatentTensor Crop(int top, int left, int height, int width)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        var result = new LatentTensor(Channels, height, width);
        CropInto(top, left, result);
        return result;
    }

    /// <summary>Copies the window of <paramref name="destination"/>'s size at (top, left), every channel, into it.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The window does not fit, or the channel counts differ.</exception>
    public void CropInto(int top, int left, LatentTensor destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        int height = destination.Height, width = destination.Width;
        if (top < 0 || left < 0 || top + height > Height || left + width > Width || destination.Channels != Channels)
        {
            throw new ArgumentOutOfRangeException(nameof(destination), $"crop {destination.ShapeText} at ({top},{left}) does not fit in {ShapeText}");
        }

        for (var c = 0; c < Channels; c++)
        {
            for (var y = 0; y < height; y++)
            {
                Array.Copy(Data, (c * Height + top + y) * Width + left, destination.Data, (c * height + y) * width, width);
            }
        }
    }

    /// <summary>The first <paramref name="channels"/> channels (a copy).</summary>
    public LatentTensor FirstChannels(int channels)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(channels, Channels);
        var result = new LatentTensor(channels, Height, Width);
        Array.Copy(Data, result.Data, result.Data.Length);
        return result;
    }

    /// <summary>Index of the first NaN/infinite value, or −1.</summary>
    public int FirstNonFinite() => LatentKernels.FirstNonFinite(Data);

    /// <summary>An RGB/gray image mapped from [0, 1] to [min, max]: v = min + s·(max − min).</summary>
    public static LatentTensor FromImage(ImageTensor image, double min, double max)
    {
        ArgumentNullException.ThrowIfNull(image);
        var data = new double[image.Data.Length];
        ReadOnlySpan<double> src = image.Data;
        var span = max - min;
        for (var i = 0; i < data.Length; i++)
        {
            data[i] = min + src[i] * span;
        }

        return new LatentTensor(image.Channels, image.Height, image.Width, data);
    }

    /// <summary>Maps [min, max] back to [0, 1] (no clipping) as an image; needs 1 or 3 channels.</summary>
    public ImageTensor ToImage(double min, double max)
    {
        var data = new double[Data.Length];
        var span = max - min;
        for (var i = 0; i < data.Length; i++)
        {
            data[i] = (Data[i] - min) / span;
        }

        return new ImageTensor(Channels, Height, Width, data);
    }
}
