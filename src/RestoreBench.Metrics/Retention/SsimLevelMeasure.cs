using RestoreBench.Core.Imaging;
using RestoreBench.Degradations.Retention;
using RestoreBench.Metrics.FullReference;

namespace RestoreBench.Metrics.Retention;

/// <summary>
/// RestoreBench's definition of the degradation factor β of Eq. 12 (the paper gives no formula):
/// β = 1 − SSIM_Y(I_x, U_α(I_y)), where U_α is MATLAB-bicubic resampling of the degraded image back
/// to the ground-truth size (identity when α = 1) and SSIM_Y is <c>ssim_y</c> (MATLAB luma, 11x11
/// Gaussian σ 1.5, valid region). Gray images use their single plane. β is clamped to [0, 1].
/// </summary>
public sealed class SsimLevelMeasure : IDegradationLevelMeasure
{
    private readonly Ssim _ssim = new(MetricChannels.Y);

    /// <inheritdoc/>
    public string Name => "1-ssim_y(gt,up(lq))";

    /// <inheritdoc/>
    public string Definition =>
        "beta = 1 - SSIM_Y(I_x, U_alpha(I_y)); U_alpha = MATLAB bicubic imresize of the degraded image back to the ground-truth size; SSIM_Y = ssim_y (rgb2ycbcr luma, 11x11 Gaussian sigma 1.5, valid region, data range 255); clamped to [0, 1]";

    /// <inheritdoc/>
    public double Beta(ImageTensor gt, ImageTensor lq)
    {
        var up = RetentionRate.UpsampleBack(lq, gt.Height, gt.Width);
        if (up.Channels != gt.Channels)
        {
            up = up.ToRgb();
            gt = gt.ToRgb();
        }

        return Math.Clamp(1.0 - _ssim.Compute(up, gt), 0.0, 1.0);
    }
}
