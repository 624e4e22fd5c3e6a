using System.Globalization;

namespace RestoreBench.Metrics.Alignment;

/// <summary>Options of <c>align_dinov2</c> (paper Eq. 13–15), handed to the catalog through <see cref="MetricOptions.Alignment"/>.</summary>
public sealed record AlignmentOptions
{
    /// <summary>The threshold on γ used by <see cref="AlignmentMode.Auto"/> when none is given.</summary>
    public const double DefaultThreshold = 0.4;

    /// <summary>Path of the encoder ONNX file.</summary>
    public required string EncoderPath { get; init; }

    /// <summary>Input/output names and preprocessing; default <see cref="EncoderManifest.DinoV2"/>.</summary>
    public EncoderManifest Manifest { get; init; } = EncoderManifest.DinoV2;

    /// <summary>Embedding taken from the output; default the CLS token.</summary>
    public EmbeddingPooling Pooling { get; init; } = EmbeddingPooling.Cls;

    /// <summary>Distance between the L2-normalised embeddings; default 1 − cos.</summary>
    public EmbeddingDistance Distance { get; init; } = EmbeddingDistance.Cosine;

    /// <summary>Reference of the comparison; default <see cref="AlignmentMode.Gt"/> (Eq. 14).</summary>
    public AlignmentMode Mode { get; init; } = AlignmentMode.Gt;

    /// <summary>Mode auto uses the ground truth when γ ≥ this value, else the low-quality input. In [0, +inf).</summary>
    public double Threshold { get; init; } = DefaultThreshold;

    /// <summary>Parses <c>gt</c>, <c>lq</c> or <c>auto</c>.</summary>
    /// <exception cref="ArgumentException">Another value.</exception>
    public static AlignmentMode ParseMode(string text) => text switch
    {
        "gt" => AlignmentMode.Gt,
        "lq" => AlignmentMode.Lq,
        "auto" => AlignmentMode.Auto,
        _ => throw new ArgumentException($"alignment mode '{text}' is not supported; accepted: gt, lq, auto"),
    };

    /// <summary>Parses <c>cls</c> or <c>patch_mean</c>.</summary>
    /// <exception cref="ArgumentException">Another value.</exception>
    public static EmbeddingPooling ParsePooling(string text) => text switch
    {
        "cls" => EmbeddingPooling.Cls,
        "patch_mean" => EmbeddingPooling.PatchMean,
        _ => throw new ArgumentException($"embedding '{text}' is not supported; accepted: cls, patch_mean"),
    };

    /// <summary>Parses <c>cosine</c> or <c>l2</c>.</summary>
    /// <exception cref="ArgumentException">Another value.</exception>
    public static EmbeddingDistance ParseDistance(string text) => text switch
    {
        "cosine" => EmbeddingDistance.Cosine,
        "l2" => EmbeddingDistance.L2,
        _ => throw new ArgumentException($"distance '{text}' is not supported; accepted: cosine, l2"),
    };

    /// <summary>Lower-case name of a mode as accepted by <see cref="ParseMode"/>.</summary>
    public static string Name(AlignmentMode mode) => mode switch
    {
        AlignmentMode.Gt => "gt",
        AlignmentMode.Lq => "lq",
        AlignmentMode.Auto => "auto",
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "accepted: Gt, Lq, Auto"),
    };

    /// <summary>Threshold as invariant text.</summary>
    internal string ThresholdText => Threshold.ToString("R", CultureInfo.InvariantCulture);
}
