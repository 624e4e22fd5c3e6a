namespace RestoreBench.Metrics;

/// <summary>What a metric compares, and therefore which inputs its factory's product takes.</summary>
public enum MetricKind
{
    /// <summary>Restored image against the ground truth; implemented by <see cref="IFullReferenceMetric"/>.</summary>
    FullReference,

    /// <summary>One image alone (perceptual quality); implemented by <see cref="INoReferenceMetric"/>.</summary>
    NoReference,

    /// <summary>Re-degraded restoration against the degraded input (paper Eq. 15, e.g. LR-PSNR).</summary>
    DegradationConsistency,

    /// <summary>Distance between embeddings of two images (paper Eq. 13–14, e.g. DINOv2 distance).</summary>
    Alignment,
}
