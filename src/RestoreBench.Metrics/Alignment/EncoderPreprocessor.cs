using System.Buffers;
using System.Numerics.Tensors;
using RestoreBench.Core.Imaging;

namespace RestoreBench.Metrics.Alignment;

/// <summary>
/// Turns an image into the encoder input of an <see cref="EncoderManifest"/> (paper Eq. 13: the
/// embedding E(I) is computed on this tensor): gray → RGB, resize of the shortest edge with
/// <see cref="PilBicubic"/>, centred crop, (x − mean) / std, float32 CHW.
/// </summary>
public static class EncoderPreprocessor
{
    /// <summary>
    /// Output size of the shortest-edge resize, as Hugging Face <c>get_resize_output_image_size</c>
    /// computes it: short edge = <paramref name="edge"/>, long edge = ⌊edge · long / short⌋.
    /// </summary>
    public static (int Height, int Width) ShortestEdgeSize(int height, int width, int edge)
    {
        if (width <= height)
        {
            return ((int)((double)edge * height / width), edge);
        }

        return (edge, (int)((double)edge * width / height));
    }

    /// <summary>
    /// Writes the encoder input for <paramref name="image"/> into <paramref name="destination"/>
    /// (3 · crop · crop float32 values, CHW). Images whose shortest edge is smaller than the crop are
    /// upsampled by the resize and a warning is added to <paramref name="warnings"/>; with no resize
    /// (<see cref="EncoderManifest.ResizeShortestEdge"/> = 0) they are refused.
    /// </summary>
    /// <exception cref="ArgumentException">The destination has the wrong length, or the image is smaller than the crop and the manifest has no resize.</exception>
    public static void Preprocess(ImageTensor image, EncoderManifest manifest, Span<float> destination, List<string>? warnings = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(manifest);
        var crop = manifest.CropSize;
        if (destination.Length != 3 * crop * crop)
        {
            throw new ArgumentException($"destination holds {destination.Length} values; 3x{crop}x{crop} needed", nameof(destination));
        }

        var rgb = image.Channels == 3 ? image : image.ToRgb();
        var shortest = Math.Min(rgb.Height, rgb.Width);
        int h = rgb.Height, w = rgb.Width;
        if (manifest.ResizeShortestEdge > 0)
        {
            if (shortest < crop)
            {
                warnings?.Add($"image {rgb.Height}x{rgb.Width} is smaller than the encoder crop {crop}; upsampled (shortest edge {shortest} -> {manifest.ResizeShortestEdge}) before encoding");
            }

            (h, w) = ShortestEdgeSize(rgb.Height, rgb.Width, manifest.ResizeShortestEdge);
        }
        else if (shortest < crop)
        {
            throw new ArgumentException($"image {rgb.Height}x{rgb.Width} is smaller than the encoder crop {crop}x{crop} and the encoder manifest has no resize");
        }

        // Hugging Face center_crop: top = (H - crop) // 2, left = (W - crop) // 2.
        var top = (h - crop) / 2;
        var left = (w - crop) / 2;
        var horizontal = w != rgb.Width ? PilBicubic.Coefficients(rgb.Width, w) : default;
        var vertical = h != rgb.Height ? PilBicubic.Coefficients(rgb.Height, h) : default;

        // Only the cropped outputs are computed: the vertical windows of crop rows top..top+crop-1 need
        // the horizontally resized input rows rowFirst..rowLast-1 at crop columns left..left+crop-1.
        int rowFirst = top, rowLast = top + crop;
        if (vertical.Start is not null)
        {
            rowFirst = vertical.Start[top];
            rowLast = 0;
            for (var i = top; i < top + crop; i++)
            {
                rowFirst = Math.Min(rowFirst, vertical.Start[i]);
                rowLast = Math.Max(rowLast, vertical.Start[i] + vertical.Count[i]);
            }
        }

        var planes = new float[3][];
        var source = rgb;
        Parallel.For(0, 3, new ParallelOptions { MaxDegreeOfParallelism = 3 }, c =>
        {
            planes[c] = ResizeCropNormalise(source, c, horizontal, vertical, rowFirst, rowLast, top, left, crop, manifest.Mean[c], 1.0 / manifest.Std[c]);
        });
        for (var c = 0; c < 3; c++)
        {
            planes[c].AsSpan(0, crop * crop).CopyTo(destination.Slice(c * crop * crop, crop * crop));
            ArrayPool<float>.Shared.Return(planes[c]);
        }
    }

    /// <summary>
    /// One channel: horizontal pass (Pillow order of summation) for the needed rows and the cropped
    /// columns, vertical pass for the cropped rows, then (x − mean) / std. A missing pass (size unchanged)
    /// reads the input directly, as Pillow skips it.
    /// </summary>
    private static float[] ResizeCropNormalise(
        ImageTensor rgb, int channel,
        (int[] Start, int[] Count, double[] Weights, int KernelSize) horizontal,
        (int[] Start, int[] Count, double[] Weights, int KernelSize) vertical,
        int rowFirst, int rowLast, int top, int left, int crop, double mean, double invStd)
    {
        var plane = rgb.ReadPlane(channel);
        var width = rgb.Width;
        var rows = rowLast - rowFirst;
        var tmpArray = ArrayPool<double>.Shared.Rent(rows * crop);
        var tmp = tmpArray.AsSpan(0, rows * crop);
        for (var r = 0; r < rows; r++)
        {
            var line = plane.Slice((rowFirst + r) * width, width);
            var outRow = tmp.Slice(r * crop, crop);
            if (horizontal.Start is null)
            {
                for (var j = 0; j < crop; j++)
                {
                    outRow[j] = line[left + j];
                }

                continue;
            }

            for (var j = 0; j < crop; j++)
            {
                var o = left + j;
                var wt = horizontal.Weights.AsSpan(o * horizontal.KernelSize, horizontal.Count[o]);
                var from = horizontal.Start[o];
                var sum = 0.0;
                for (var k = 0; k < wt.Length; k++)
                {
                    sum += line[from + k] * wt[k];
                }

                outRow[j] = sum;
            }
        }

        var result = ArrayPool<float>.Shared.Rent(crop * crop);
        var accArray = ArrayPool<double>.Shared.Rent(crop);
        var acc = accArray.AsSpan(0, crop);
        for (var i = 0; i < crop; i++)
        {
            var dst = result.AsSpan(i * crop, crop);
            if (vertical.Start is null)
            {
                var src = tmp.Slice((top + i - rowFirst) * crop, crop);
                for (var j = 0; j < crop; j++)
                {
                    dst[j] = (float)((src[j] - mean) * invStd);
                }

                continue;
            }

            var o = top + i;
            var wt = vertical.Weights.AsSpan(o * vertical.KernelSize, vertical.Count[o]);
            var from = vertical.Start[o] - rowFirst;
            acc.Clear();
            for (var k = 0; k < wt.Length; k++)
            {
                // acc[j] += src[j] * weight, element-wise (no reordering of the sum over k).
                TensorPrimitives.MultiplyAdd(tmp.Slice((from + k) * crop, crop), wt[k], acc, acc);
            }

            for (var j = 0; j < crop; j++)
            {
                dst[j] = (float)((acc[j] - mean) * invStd);
            }
        }

        ArrayPool<double>.Shared.Return(tmpArray);
        ArrayPool<double>.Shared.Return(accArray);
        return result;
    }
}
