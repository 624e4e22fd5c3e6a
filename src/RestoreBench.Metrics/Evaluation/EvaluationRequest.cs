using RestoreBench.Core.Imaging;
using RestoreBench.Degradations.Pipeline;

namespace RestoreBench.Metrics.Evaluation;

/// <summary>What to evaluate: folders paired by file stem and the metrics to compute.</summary>
public sealed record EvaluationRequest
{
    /// <summary>Folder of restored images (the images being judged).</summary>
    public required string RestoredFolder { get; init; }

    /// <summary>Folder of ground-truth images; needed by full-reference metrics.</summary>
    public string? ReferenceFolder { get; init; }

    /// <summary>Folder of low-quality inputs; needed by degradation-consistency metrics.</summary>
    public string? LowQualityFolder { get; init; }

    /// <summary>The degradation that produced the low-quality inputs; its linear part is re-applied by consistency metrics.</summary>
    public DegradationSpec? Degradation { get; init; }

    /// <summary>Metric names from the catalog, in output order.</summary>
    public required IReadOnlyList<string> Metrics { get; init; }

    /// <summary>Options passed to every metric (crop border, threads).</summary>
    public MetricOptions Options { get; init; } = MetricOptions.Default;

    /// <summary>Images with more pixels are refused before decoding.</summary>
    public long MaxPixels { get; init; } = ImageFile.DefaultMaxPixels;

    /// <summary>Distortion axis of the perception–distortion summary (Blau &amp; Michaeli 2018).</summary>
    public string DistortionMetric { get; init; } = "ssim_y";

    /// <summary>Perception axis of the perception–distortion summary.</summary>
    public string PerceptionMetric { get; init; } = "niqe";
}

/// <summary>Scores and problems of one image.</summary>
public sealed class ImageEvaluation(string name)
{
    /// <summary>File stem shared by the paired files.</summary>
    public string Name { get; } = name;

    /// <summary>Metric name → value, in request order; a metric that failed is absent.</summary>
    public List<KeyValuePair<string, double>> Scores { get; } = [];

    /// <summary>One-line errors naming the file and the reason.</summary>
    public List<string> Errors { get; } = [];

    /// <summary>One-line warnings (conversions applied, alpha dropped, ...).</summary>
    public List<string> Warnings { get; } = [];

    /// <summary>
    /// Facts about how a value was obtained, as text: for alignment metrics <c>NAME.mode</c> (gt = Eq. 14,
    /// lq = Eq. 15) and, in mode auto, <c>NAME.gamma</c> and <c>NAME.gamma_source</c>.
    /// </summary>
    public List<KeyValuePair<string, string>> Details { get; } = [];
}

/// <summary>Mean and population standard deviation of one metric over the images that have a finite value.</summary>
/// <param name="Mean">Arithmetic mean of the finite values (NaN when N = 0).</param>
/// <param name="Std">Population standard deviation (ddof = 0) of the finite values.</param>
/// <param name="N">Number of finite values averaged.</param>
/// <param name="Infinite">Values excluded because they were infinite (PSNR of identical images).</param>
public sealed record MetricSummary(double Mean, double Std, int N, int Infinite);

/// <summary>Where a restored set sits on the perception–distortion plane: the means of one metric of each kind.</summary>
public sealed record PerceptionDistortionPoint(string DistortionMetric, double Distortion, string PerceptionMetric, double Perception);

/// <summary>The outcome of an evaluation.</summary>
public sealed class EvaluationReport
{
    /// <summary>Every convention and option in force, for the JSON "settings" object.</summary>
    public required IReadOnlyList<KeyValuePair<string, object?>> Settings { get; init; }

    /// <summary>Per-image results, in ordinal stem order.</summary>
    public required IReadOnlyList<ImageEvaluation> Images { get; init; }

    /// <summary>Metric name → summary, in request order.</summary>
    public required IReadOnlyList<KeyValuePair<string, MetricSummary>> Summary { get; init; }

    /// <summary>File names that could not be paired, per folder role (restored, gt, lq).</summary>
    public required IReadOnlyList<KeyValuePair<string, IReadOnlyList<string>>> Unmatched { get; init; }

    /// <summary>Folder-level problems (stem conflicts, ignored files, excluded infinities).</summary>
    public required IReadOnlyList<string> Notes { get; init; }

    /// <summary>The perception–distortion point, when both of its metrics were computed.</summary>
    public PerceptionDistortionPoint? PerceptionDistortion { get; init; }

    /// <summary>True when some image has an error.</summary>
    public bool HasErrors
    {
        get
        {
            foreach (var image in Images)
            {
                if (image.Errors.Count > 0)
                {
                    return true;
                }
            }

            return false;
        }
    }
}

/// <summary>Progress of an evaluation: images done out of the total, and the last image's name.</summary>
public sealed record EvaluationProgress(int Done, int Total, string Name);
