namespace RestoreBench.Metrics;

/// <summary>Which way a metric value improves.</summary>
public enum MetricDirection
{
    /// <summary>Larger values mean a better restoration (PSNR, SSIM).</summary>
    HigherIsBetter,

    /// <summary>Smaller values mean a better restoration (LPIPS, NIQE, distances).</summary>
    LowerIsBetter,
}
