using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using RestoreBench.Core.Imaging;

namespace RestoreBench.Onnx.Runtime;

/// <summary>
/// Conversions between <see cref="ImageTensor"/> (planar float64 in [0, 1]) and NCHW float32 model
/// tensors in a model's value range. The float64 → float32 conversion happens here, once, at the
/// model boundary.
/// </summary>
public static class OnnxImage
{
    /// <summary>
    /// Writes <paramref name="image"/> as CHW float32 into <paramref name="destination"/>, each sample
    /// mapped to <c>range.Min + s·range.Span</c> (computed in float64, then rounded to float32). For
    /// 8-bit images and the 0–255 range the values are exact integers.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> has a different length than the image.</exception>
    public static void ToPlanar(ImageTensor image, ValueRange range, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(image);
        ReadOnlySpan<double> src = image.Data;
        if (destination.Length != src.Length)
        {
            throw new ArgumentException($"destination holds {destination.Length} values; the {image.ShapeText} image has {src.Length}.", nameof(destination));
        }

        double min = range.Min, span = range.Span;
        for (var i = 0; i < src.Length; i++)
        {
            destination[i] = (float)(min + src[i] * span);
        }
    }

    /// <summary>
    /// A new <c>[1, C, H, W]</c> float32 tensor holding <paramref name="image"/> in <paramref name="range"/>
    /// (see <see cref="ToPlanar"/>). The caller disposes it.
    /// </summary>
    public static OrtValue ToTensor(ImageTensor image, ValueRange range)
    {
        ArgumentNullException.ThrowIfNull(image);
        var value = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, TensorElementType.Float, [1, image.Channels, image.Height, image.Width]);
        try
        {
            ToPlanar(image, range, value.GetTensorMutableDataAsSpan<float>());
            return value;
        }
        catch
        {
            value.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Reads a <c>[1, C, H, W]</c> float32 tensor (C = 1 or 3) in <paramref name="range"/> back to an
    /// image: <c>s = (v − range.Min) / range.Span</c> in float64. Values are not clipped; NaN and
    /// infinity pass through (callers check with <see cref="CountNonFinite"/>).
    /// </summary>
    /// <exception cref="ArgumentException">The tensor is not float32 <c>[1, C, H, W]</c> with C = 1 or 3; the message gives the actual shape.</exception>
    public static ImageTensor FromTensor(OrtValue value, ValueRange range)
    {
        ArgumentNullException.ThrowIfNull(value);
        var info = value.GetTensorTypeAndShape();
        var shape = info.Shape;
        if (info.ElementDataType != TensorElementType.Float || shape.Length != 4 || shape[0] != 1 || shape[1] is not (1 or 3) || shape[2] <= 0 || shape[3] <= 0)
        {
            throw new ArgumentException($"expected a float32 [1,C,H,W] tensor with C = 1 or 3, got {info.ElementDataType} [{string.Join(",", shape)}]", nameof(value));
        }

        return FromPlanar(value.GetTensorDataAsSpan<float>(), (int)shape[1], checked((int)shape[2]), checked((int)shape[3]), range);
    }

    /// <summary>Maps CHW float32 samples in <paramref name="range"/> to a new image (no clipping).</summary>
    public static ImageTensor FromPlanar(ReadOnlySpan<float> samples, int channels, int height, int width, ValueRange range)
    {
        var image = new ImageTensor(channels, height, width);
        var dst = image.Data;
        if (samples.Length != dst.Length)
        {
            throw new ArgumentException($"{samples.Length} samples for a {image.ShapeText} image.", nameof(samples));
        }

        double min = range.Min, span = range.Span;
        for (var i = 0; i < dst.Length; i++)
        {
            dst[i] = (samples[i] - min) / span;
        }

        return image;
    }

    /// <summary>Number of NaN or infinite samples.</summary>
    public static int CountNonFinite(ReadOnlySpan<float> samples)
    {
        var count = 0;
        foreach (var v in samples)
        {
            if (!float.IsFinite(v))
            {
                count++;
            }
        }

        return count;
    }
}
