namespace RestoreBench.Reports;

/// <summary>Output format of a report.</summary>
public enum ReportFormat
{
    /// <summary>One self-contained HTML page (plots as inline SVG, images as data URIs), PNG files beside it.</summary>
    Html,

    /// <summary>Markdown tables with the PNG plots linked from the figures folder.</summary>
    Markdown,
}

/// <summary>A crop rectangle in ground-truth pixel coordinates.</summary>
public readonly record struct CropRect(int X, int Y, int Width, int Height);

/// <summary>
/// What a report shows and how its statistics are computed. Patterns are exact names or globs with
/// <c>*</c> (any run of characters); an empty list selects everything.
/// </summary>
public sealed record ReportOptions
{
    /// <summary>HTML (default) or Markdown.</summary>
    public ReportFormat Format { get; init; } = ReportFormat.Html;

    /// <summary>Tasks to show, matched against the task name or its task group.</summary>
    public IReadOnlyList<string> Tasks { get; init; } = [];

    /// <summary>Restorers to show, matched against the restorer name or its family.</summary>
    public IReadOnlyList<string> Restorers { get; init; } = [];

    /// <summary>Metrics to show, matched against the metric name or its column label (<c>metric (options)</c>).</summary>
    public IReadOnlyList<string> Metrics { get; init; } = [];

    /// <summary>Datasets to include, matched against <c>samples.dataset</c>.</summary>
    public IReadOnlyList<string> Datasets { get; init; } = [];

    /// <summary>Restorer pairs (A, B) for paired comparisons (differences are A − B). Empty: every pair of the competing restorers (not the LQ row, not VAE-only rows) when there are at most 4 of them, else none (the page says to choose).</summary>
    public IReadOnlyList<(string A, string B)> Pairs { get; init; } = [];

    /// <summary>Image ids (file stems) for the visual comparison. Empty: the first image of each task (at most <see cref="MaxVisualRows"/>).</summary>
    public IReadOnlyList<string> Images { get; init; } = [];

    /// <summary>A fixed crop in ground-truth coordinates; null: the window where the restorers disagree most.</summary>
    public CropRect? Crop { get; init; }

    /// <summary>Most rows (task × image) in the visual comparison.</summary>
    public int MaxVisualRows { get; init; } = 6;

    /// <summary>Bootstrap resamples B for every interval.</summary>
    public int BootstrapResamples { get; init; } = 2000;

    /// <summary>Confidence level of every interval.</summary>
    public double ConfidenceLevel { get; init; } = 0.95;

    /// <summary>Base seed of the bootstrap streams (each cell derives its own stream from this seed and its labels).</summary>
    public long Seed { get; init; }

    /// <summary>Number of γ quantile bins.</summary>
    public int GammaBins { get; init; } = 4;

    /// <summary>The distortion axis of the perception–distortion plane (metric or label); null: the first of ssim_y, ssim, psnr_y, psnr, lpips, else the first full-reference metric.</summary>
    public string? DistortionMetric { get; init; }

    /// <summary>The perception axis (metric or label); null: niqe, brisque, else the first no-reference metric.</summary>
    public string? PerceptionMetric { get; init; }

    /// <summary>Page title; null: "RestoreBench report: " and the store's file name.</summary>
    public string? Title { get; init; }
}
