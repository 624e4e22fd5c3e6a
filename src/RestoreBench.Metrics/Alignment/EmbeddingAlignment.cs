using System.Globalization;
using RestoreBench.Degradations.Pipeline;
using RestoreBench.Onnx.Runtime;

namespace RestoreBench.Metrics.Alignment;

/// <summary>
/// <c>align_dinov2</c>: the paper's Alignment (Eq. 13–15), the distance S between encoder embeddings
/// (DINOv2 by default) of the restored image Î_x and a reference:
/// mode <see cref="AlignmentMode.Gt"/> computes S(E(I_x), E(Î_x)) (Eq. 14);
/// mode <see cref="AlignmentMode.Lq"/> computes S(E(D(Î_x)), E(I_y)) (Eq. 15), with D the linear part
/// (blur and resampling, no noise, no JPEG, no rounding) of the degradation spec and I_y at its own size;
/// mode <see cref="AlignmentMode.Auto"/> picks Eq. 14 when the sample's γ (Eq. 12) ≥ the threshold, else Eq. 15.
/// S is 1 − cos or the L2 distance of the L2-normalised embeddings; the paper does not say which it used.
/// Lower is better. Owns its encoder; dispose it.
/// </summary>
public sealed class EmbeddingAlignment : IAlignmentMetric, IDisposable
{
    private readonly OnnxImageEncoder _encoder;
    private readonly DegradationSpec? _operator;
    private readonly AlignmentOptions _options;

    /// <summary>Descriptor of <c>align_dinov2</c>.</summary>
    public static MetricDescriptor Dinov2Descriptor { get; } = new(
        "align_dinov2", MetricKind.Alignment, MetricDirection.LowerIsBetter,
        "[0, 2]", 0.0, 2.0, "",
        "Paper Eq. 13-15 with a user-supplied DINOv2 ONNX encoder (--encoder); Hugging Face DINOv2 preprocessing; CLS token; 1 - cos by default",
        "Semantic distance between DINOv2 embeddings of the restored image and the ground truth (Eq. 14) or of the re-degraded restoration and the input (Eq. 15).");

    /// <summary>Creates the metric from catalog options.</summary>
    /// <exception cref="ArgumentException"><see cref="MetricOptions.Alignment"/> is missing, modes lq/auto lack the spec, or the encoder does not load or does not match its contract.</exception>
    public static EmbeddingAlignment Create(MetricOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var a = options.Alignment ?? throw new ArgumentException("metric 'align_dinov2' needs an encoder (--encoder FILE.onnx or an imported model name)");
        CheckOperator(a, options.Degradation);
        OnnxImageEncoder encoder;
        try
        {
            encoder = OnnxImageEncoder.Load(a.EncoderPath, a.Manifest, a.Pooling, new OnnxSessionSettings { Threads = options.DegreeOfParallelism });
        }
        catch (OnnxModelException e)
        {
            throw new ArgumentException($"align_dinov2: {e.Message}", e);
        }

        try
        {
            return new EmbeddingAlignment(encoder, a, options.Degradation);
        }
        catch
        {
            encoder.Dispose();
            throw;
        }
    }

    /// <summary>Wraps <paramref name="encoder"/> (taking ownership).</summary>
    /// <param name="encoder">The encoder E of Eq. 13.</param>
    /// <param name="options">Mode, distance and threshold (the encoder fields are not used here).</param>
    /// <param name="degradation">The degradation spec; its linear part is D of Eq. 15. Required for modes lq and auto.</param>
    /// <exception cref="ArgumentException">Modes lq/auto without a spec, or a spec with no blur or resampling, or a negative threshold.</exception>
    public EmbeddingAlignment(OnnxImageEncoder encoder, AlignmentOptions options, DegradationSpec? degradation)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentNullException.ThrowIfNull(options);
        _operator = CheckOperator(options, degradation);
        if (!(options.Threshold >= 0) || double.IsInfinity(options.Threshold))
        {
            throw new ArgumentException($"alignment threshold {options.Threshold} must be a finite value >= 0 (a retention rate gamma)");
        }

        _encoder = encoder;
        _options = options;
        var settings = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["encoder"] = encoder.Model.Source,
            ["encoder_parameters"] = encoder.Model.ParameterCount.ToString(CultureInfo.InvariantCulture),
            ["preprocess"] = encoder.Manifest.ToString(),
            ["embedding"] = options.Pooling == EmbeddingPooling.Cls ? "cls" : "patch_mean",
            ["distance"] = options.Distance == EmbeddingDistance.Cosine ? "cosine (1 - cos of L2-normalised embeddings)" : "l2 (between L2-normalised embeddings)",
            ["mode"] = AlignmentOptions.Name(options.Mode),
        };
        if (options.Mode == AlignmentMode.Auto)
        {
            settings["threshold"] = options.ThresholdText + " (gt when gamma >= threshold, else lq)";
        }

        if (_operator is not null)
        {
            settings["operator"] = _operator.ToString();
        }

        Settings = settings;
    }

    /// <inheritdoc/>
    public MetricDescriptor Descriptor => Dinov2Descriptor;

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, string> Settings { get; }

    /// <inheritdoc/>
    public bool NeedsReference => _options.Mode != AlignmentMode.Lq;

    /// <inheritdoc/>
    public bool NeedsLowQuality => _options.Mode != AlignmentMode.Gt;

    /// <inheritdoc/>
    public bool NeedsGamma => _options.Mode == AlignmentMode.Auto;

    /// <summary>The mode an image with retention rate <paramref name="gamma"/> is scored in (Gt or Lq).</summary>
    public AlignmentMode ModeFor(double? gamma) => _options.Mode switch
    {
        AlignmentMode.Gt => AlignmentMode.Gt,
        AlignmentMode.Lq => AlignmentMode.Lq,
        AlignmentMode.Auto => gamma is { } g
            ? (g >= _options.Threshold ? AlignmentMode.Gt : AlignmentMode.Lq)
            : throw new ArgumentException("mode auto needs the sample's retention rate gamma (degradations.json in the --lq folder, or --gt and --lq to measure it)"),
        _ => throw new ArgumentOutOfRangeException(nameof(gamma), _options.Mode, "accepted modes: gt, lq, auto"),
    };

    /// <inheritdoc/>
    public AlignmentResult Compute(AlignmentInputs inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var mode = ModeFor(inputs.Gamma);
        var warnings = new List<string>();
        double[] a, b;
        if (mode == AlignmentMode.Gt)
        {
            var gt = inputs.Reference ?? throw new ArgumentException("mode gt (Eq. 14) needs the ground truth (--gt)");
            if (gt.Height != inputs.Restored.Height || gt.Width != inputs.Restored.Width)
            {
                throw new ArgumentException($"restored size {inputs.Restored.Height}x{inputs.Restored.Width} differs from the ground truth {gt.Height}x{gt.Width}");
            }

            a = _encoder.Embed(gt, warnings);
            b = _encoder.Embed(inputs.Restored, warnings);
        }
        else
        {
            var lq = inputs.LowQuality ?? throw new ArgumentException("mode lq (Eq. 15) needs the low-quality input (--lq)");
            var redegraded = _operator!.Apply(inputs.Restored, 0, "consistency");
            if (redegraded.Height != lq.Height || redegraded.Width != lq.Width)
            {
                throw new ArgumentException($"re-degraded size {redegraded.Height}x{redegraded.Width} differs from the low-quality input {lq.Height}x{lq.Width}; check --spec");
            }

            a = _encoder.Embed(lq, warnings);
            b = _encoder.Embed(redegraded, warnings);
        }

        return new AlignmentResult(EmbeddingMath.Distance(a, b, _options.Distance), mode, warnings);
    }

    /// <summary>Releases the encoder.</summary>
    public void Dispose() => _encoder.Dispose();

    private static DegradationSpec? CheckOperator(AlignmentOptions options, DegradationSpec? degradation)
    {
        if (options.Mode == AlignmentMode.Gt)
        {
            return null;
        }

        var spec = degradation ?? throw new ArgumentException($"align_dinov2 mode {AlignmentOptions.Name(options.Mode)} re-degrades the restored image (Eq. 15) and needs --lq and --spec");
        return spec.LinearPart() ?? throw new ArgumentException($"spec '{spec}' has no blur or resampling stage to re-apply (Eq. 15)");
    }
}
