namespace RestoreBench.Metrics;

/// <summary>Which plane(s) of an image a full-reference metric compares.</summary>
public enum MetricChannels
{
    /// <summary>
    /// Every channel of the image, each on the 0–255 scale (sample × 255): R, G and B for an RGB image,
    /// the single plane for a gray image (BasicSR <c>test_y_channel=False</c>).
    /// </summary>
    Rgb,

    /// <summary>
    /// The MATLAB <c>rgb2ycbcr</c> luma on the 0–255 scale, not rounded
    /// (<see cref="Core.Imaging.Luma.YMatlab255"/>); a gray image is used as is (BasicSR <c>test_y_channel=True</c>).
    /// </summary>
    Y,
}
