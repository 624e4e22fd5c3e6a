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
        if (manifest.ResizeShortestEdge > 0)
        {
            if (shortest < crop)
            {
                warnings?.Add($"image {rgb.Height}x{rgb.Width} is smaller than the encoder crop {crop}; upsampled (shortest edge {shortest} -> {manifest.ResizeShortestEdge}) before encoding");
            }

            var (h, w) = ShortestEdgeSize(rgb.Height, rgb.Width, manifest.ResizeShortestEdge);
            if (h != rgb.Height || w != rgb.Width)
            {
                rgb = PilBicubic.Resize(rgb, h, w);
            }
        }
        else if (shortest < crop)
        {
            throw new ArgumentException($"image {rgb.Height}x{rgb.Width} is smaller than the encoder crop {crop}x{crop} and the encoder manifest has no resize");
        }

        // Hugging Face center_crop: top = (H - crop) // 2, left = (W - crop) // 2.
        var top = (rgb.Height - crop) / 2;
        var left = (rgb.Width - crop) / 2;
        for (var c = 0; c < 3; c++)
        {
            var plane = rgb.ReadPlane(c);
            var mean = manifest.Mean[c];
            var inv = 1.0 / manifest.Std[c];
            var dst = destination.Slice(c * crop * crop, crop * crop);
            for (var y = 0; y < crop; y++)
            {
                var row = plane.Slice(((top + y) * rgb.Width) + left, crop);
                var outRow = dst.Slice(y * crop, crop);
                for (var x = 0; x < crop; x++)
                {
                    outRow[x] = (float)((row[x] - mean) * inv);
                }
            }
        }
    }
}
