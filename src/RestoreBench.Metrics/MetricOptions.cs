using RestoreBench.Degradations.Pipeline;
using RestoreBench.Metrics.Alignment;

namespace RestoreBench.Metrics;

/// <summary>
/// Options handed to a catalog factory (<see cref="Catalog.MetricCatalog"/>). A metric uses the
/// options that apply to it and lists the ones that change its value in its <c>Settings</c>.
/// </summary>
public sealed record MetricOptions
{
    private readonly int _cropBorder;
    private readonly int _degreeOfParallelism = MetricParallelism.DefaultDegree;

    /// <summary>Default options: no crop, <see cref="Environment.ProcessorCount"/> threads.</summary>
    public static MetricOptions Default { get; } = new();

    /// <summary>
    /// Pixels removed from every side of both images before computing (BasicSR <c>crop_border</c>;
    /// usually the super-resolution scale). 0 = no crop.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Negative.</exception>
    public int CropBorder
    {
        get => _cropBorder;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value, nameof(CropBorder));
            _cropBorder = value;
        }
    }

    /// <summary>
    /// Maximum number of threads a metric may use (1 = single thread). Results are bit-identical
    /// for every value.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Less than 1.</exception>
    public int DegreeOfParallelism
    {
        get => _degreeOfParallelism;
        init
        {
            MetricParallelism.Validate(value);
            _degreeOfParallelism = value;
        }
    }

    /// <summary>
    /// The degradation that produced the low-quality inputs; degradation-consistency metrics
    /// (lr_psnr, lr_ssim) re-apply its blur and resampling stages. Null when not known.
    /// </summary>
    public DegradationSpec? Degradation { get; init; }

    /// <summary>
    /// The LPIPS feature backbone: path of an ONNX file meeting the contract of
    /// <see cref="Learned.Lpips"/>. Null when not given; the <c>lpips</c> metric then cannot be created.
    /// Model-store names are resolved by the caller (the CLI), not here.
    /// </summary>
    public string? LpipsBackbone { get; init; }

    /// <summary>
    /// Encoder, mode and distance of the alignment metric <c>align_dinov2</c> (paper Eq. 13–15).
    /// Null when no encoder was given (then <c>align_dinov2</c> cannot be created).
    /// </summary>
    public AlignmentOptions? Alignment { get; init; }
}
