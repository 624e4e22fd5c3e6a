using System.Globalization;
using RestoreBench.Core.Imaging;

namespace RestoreBench.Metrics.FullReference;

/// <summary>Argument checks shared by the full-reference metrics; messages name the metric and both shapes.</summary>
internal static class FullReferenceInputs
{
    public static void Check(string metric, ImageTensor restored, ImageTensor reference, int cropBorder, int minSide, string minSideReason)
    {
        ArgumentNullException.ThrowIfNull(restored);
        ArgumentNullException.ThrowIfNull(reference);
        if (restored.Channels != reference.Channels)
        {
            throw new ArgumentException(
                $"{metric}: the restored image is {Describe(restored)} ({restored.ShapeText}) but the reference is {Describe(reference)} ({reference.ShapeText}); " +
                "gray and RGB images cannot be compared directly, convert one of them explicitly first (e.g. ImageTensor.ToRgb).",
                nameof(restored));
        }

        if (restored.Height != reference.Height || restored.Width != reference.Width)
        {
            throw new ArgumentException(
                $"{metric}: the restored image is {restored.ShapeText} but the reference is {reference.ShapeText} (CxHxW); both images must have the same shape.",
                nameof(restored));
        }

        int h = reference.Height - 2 * cropBorder, w = reference.Width - 2 * cropBorder;
        if (h <= 0 || w <= 0)
        {
            throw new ArgumentException(
                $"{metric}: crop_border {cropBorder} removes the whole {reference.Height}x{reference.Width} image (it crops {cropBorder} px from every side).",
                nameof(cropBorder));
        }

        if (h < minSide || w < minSide)
        {
            throw new ArgumentException(
                $"{metric}: needs at least {minSide}x{minSide} pixels after cropping ({minSideReason}); got {h}x{w} " +
                $"({reference.Height}x{reference.Width} with crop_border {cropBorder}).",
                nameof(restored));
        }
    }

    public static Dictionary<string, string> Settings(MetricChannels channels, int cropBorder) => new(StringComparer.Ordinal)
    {
        ["channels"] = ChannelsText(channels),
        ["crop_border"] = cropBorder.ToString(CultureInfo.InvariantCulture),
        ["data_range"] = "255",
    };

    public static string ChannelsText(MetricChannels channels) => channels switch
    {
        MetricChannels.Rgb => "rgb",
        MetricChannels.Y => "y",
        _ => throw new ArgumentOutOfRangeException(nameof(channels), channels, "Accepted: Rgb, Y."),
    };

    public static int ResolveDegree(int? degreeOfParallelism)
    {
        var degree = degreeOfParallelism ?? MetricParallelism.DefaultDegree;
        MetricParallelism.Validate(degree);
        return degree;
    }

    public static void ValidateCrop(int cropBorder)
    {
        if (cropBorder < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(cropBorder), cropBorder, "crop_border must be 0 or more pixels.");
        }
    }

    private static string Describe(ImageTensor image) => image.IsRgb ? "RGB" : "gray";
}
