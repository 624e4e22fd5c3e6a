using System.Globalization;
using RestoreBench.Core.Imaging;
using RestoreBench.Metrics.Alignment;
using RestoreBench.Metrics.Catalog;
using RestoreBench.Metrics.Retention;
using RestoreBench.Onnx.Runtime;

namespace RestoreBench.Metrics.Evaluation;

/// <summary>
/// Scores a folder of restored images against ground truth and/or low-quality inputs, paired by
/// file stem. A failure of one image (unreadable file, size mismatch, metric undefined) becomes an
/// error of that image; the others are still scored.
/// </summary>
public sealed class Evaluator(MetricCatalog catalog)
{
    /// <summary>Runs the evaluation.</summary>
    /// <exception cref="ArgumentException">A metric is unknown, or needs a folder that was not given.</exception>
    /// <exception cref="ImageFileException">A folder is missing or cannot be listed.</exception>
    public EvaluationReport Run(EvaluationRequest request, IProgress<EvaluationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var metrics = CreateMetrics(request);
        try
        {
            return Run(request, metrics, progress, cancellationToken);
        }
        finally
        {
            // Learned and alignment metrics hold native ONNX Runtime sessions.
            foreach (var m in metrics)
            {
                (m.Metric as IDisposable)?.Dispose();
            }
        }
    }

    private static EvaluationReport Run(EvaluationRequest request, List<ActiveMetric> metrics, IProgress<EvaluationProgress>? progress, CancellationToken cancellationToken)
    {
        var needsReference = metrics.Exists(m => m.Metric is IFullReferenceMetric || (m.Metric is IAlignmentMetric a && a.NeedsReference));
        var needsLowQuality = metrics.Exists(m => m.Metric is IConsistencyMetric || (m.Metric is IAlignmentMetric a && a.NeedsLowQuality));
        var needsGamma = metrics.Exists(m => m.Metric is IAlignmentMetric a && a.NeedsGamma);
        var notes = new List<string>();
        var restored = ImageFolder.List(request.RestoredFolder);
        var reference = needsReference ? ImageFolder.List(request.ReferenceFolder!) : null;
        var lowQuality = needsLowQuality ? ImageFolder.List(request.LowQualityFolder!) : null;
        foreach (var listing in new[] { restored, reference, lowQuality })
        {
            if (listing is null)
            {
                continue;
            }

            foreach (var conflict in listing.Conflicts)
            {
                notes.Add($"{listing.Folder}: {conflict.Message}");
            }

            if (listing.Ignored.Count > 0)
            {
                notes.Add($"{listing.Folder}: ignored {listing.Ignored.Count} non-image file(s): {string.Join(", ", listing.Ignored)}");
            }
        }

        var unmatchedRestored = new List<string>();
        var stems = new List<string>();
        foreach (var (stem, path) in restored.Images)
        {
            if ((reference is not null && !reference.Images.ContainsKey(stem)) || (lowQuality is not null && !lowQuality.Images.ContainsKey(stem)))
            {
                unmatchedRestored.Add(Path.GetFileName(path));
            }
            else
            {
                stems.Add(stem);
            }
        }

        var gammas = needsGamma ? GammaTable.Load(request.LowQualityFolder!, notes) : null;
        var images = new List<ImageEvaluation>(stems.Count);
        for (var i = 0; i < stems.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var stem = stems[i];
            images.Add(EvaluateImage(stem, restored.Images[stem], reference?.Images[stem], lowQuality?.Images[stem], metrics, request, gammas));
            progress?.Report(new EvaluationProgress(i + 1, stems.Count, stem));
        }

        var summary = Summarise(metrics, images, notes);
        NoteAlignmentModes(metrics, images, notes);
        return new EvaluationReport
        {
            Settings = Settings(request, metrics),
            Images = images,
            Summary = summary,
            Unmatched =
            [
                new("restored", unmatchedRestored),
                new("gt", Missing(reference, restored)),
                new("lq", Missing(lowQuality, restored)),
            ],
            Notes = notes,
            PerceptionDistortion = Point(request, summary),
        };
    }

    private sealed record ActiveMetric(string Name, object Metric, MetricDescriptor Descriptor, IReadOnlyDictionary<string, string> Settings);

    private List<ActiveMetric> CreateMetrics(EvaluationRequest request)
    {
        if (request.Metrics.Count == 0)
        {
            throw new ArgumentException("no metrics requested");
        }

        var list = new List<ActiveMetric>();
        try
        {
            AddMetrics(request, list);
        }
        catch
        {
            foreach (var m in list)
            {
                (m.Metric as IDisposable)?.Dispose();
            }

            throw;
        }

        return list;
    }

    private void AddMetrics(EvaluationRequest request, List<ActiveMetric> list)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in request.Metrics)
        {
            if (!seen.Add(name))
            {
                throw new ArgumentException($"metric '{name}' requested twice");
            }

            var metric = catalog.Create(name, request.Options);
            var (descriptor, settings) = metric switch
            {
                IFullReferenceMetric f => (f.Descriptor, f.Settings),
                INoReferenceMetric n => (n.Descriptor, n.Settings),
                IConsistencyMetric c => (c.Descriptor, c.Settings),
                IAlignmentMetric a => (a.Descriptor, a.Settings),
                _ => throw new InvalidOperationException($"metric '{name}' has an unsupported type {metric.GetType().Name}"),
            };
            if (metric is IFullReferenceMetric && request.ReferenceFolder is null)
            {
                throw new ArgumentException($"metric '{name}' is full-reference and needs --gt");
            }

            if (metric is IConsistencyMetric && request.LowQualityFolder is null)
            {
                throw new ArgumentException($"metric '{name}' re-degrades the restored image and needs --lq and --spec");
            }

            if (metric is IAlignmentMetric am && ((am.NeedsReference && request.ReferenceFolder is null) || (am.NeedsLowQuality && request.LowQualityFolder is null)))
            {
                (metric as IDisposable)?.Dispose();
                var mode = settings.TryGetValue("mode", out var m) ? m : "?";
                var needs = am.NeedsReference && am.NeedsLowQuality ? "--gt, --lq and --spec" : am.NeedsReference ? "--gt" : "--lq and --spec";
                throw new ArgumentException($"metric '{name}' in mode {mode} needs {needs}");
            }

            list.Add(new ActiveMetric(name, metric, descriptor, settings));
        }
    }

    private static ImageEvaluation EvaluateImage(string stem, string restoredPath, string? referencePath, string? lowQualityPath, List<ActiveMetric> metrics, EvaluationRequest request, GammaTable? gammas)
    {
        var maxPixels = request.MaxPixels;
        var result = new ImageEvaluation(stem);
        LoadedImage restored, reference = null!, lowQuality = null!;
        try
        {
            restored = ImageFile.Read(restoredPath, maxPixels);
            if (referencePath is not null)
            {
                reference = ImageFile.Read(referencePath, maxPixels);
            }

            if (lowQualityPath is not null)
            {
                lowQuality = ImageFile.Read(lowQualityPath, maxPixels);
            }
        }
        catch (ImageFileException e)
        {
            result.Errors.Add(e.Message);
            return result;
        }

        var warnings = result.Warnings;
        warnings.AddRange(restored.Warnings);
        var image = restored.Image;
        ImageTensor? gt = null, lq = null;
        if (referencePath is not null)
        {
            warnings.AddRange(reference.Warnings);
            (image, gt) = Harmonise(restoredPath, restored, referencePath, reference, warnings);
            if (image.Height != gt.Height || image.Width != gt.Width)
            {
                result.Errors.Add($"{restoredPath}: size {image.Height}x{image.Width} differs from the ground truth {referencePath} ({gt.Height}x{gt.Width})");
                return result;
            }
        }

        if (lowQualityPath is not null)
        {
            warnings.AddRange(lowQuality.Warnings);
            lq = lowQuality.Image;
            if (lq.Channels != image.Channels)
            {
                warnings.Add($"{lowQualityPath}: gray and RGB mixed; the gray image is converted to RGB (plane repeated)");
                lq = lq.ToRgb();
                image = image.ToRgb();
                gt = gt?.ToRgb();
            }
        }

        Gamma? gamma = null;
        foreach (var m in metrics)
        {
            try
            {
                double value;
                switch (m.Metric)
                {
                    case IFullReferenceMetric f:
                        value = f.Compute(image, gt!);
                        break;
                    case INoReferenceMetric n:
                        value = n.Compute(image);
                        break;
                    case IConsistencyMetric c:
                        value = c.Compute(image, lq!);
                        break;
                    case IAlignmentMetric a:
                        if (a.NeedsGamma)
                        {
                            gamma ??= FindGamma(stem, gammas, gt, lq, request);
                            result.Details.Add(new($"{m.Name}.gamma", gamma.Value.ToString("0.######", CultureInfo.InvariantCulture)));
                            result.Details.Add(new($"{m.Name}.gamma_source", gamma.Source));
                        }

                        var r = a.Compute(new AlignmentInputs(image, gt, lq, gamma?.Value));
                        value = r.Value;
                        result.Details.Add(new($"{m.Name}.mode", AlignmentOptions.Name(r.Mode)));
                        foreach (var w in r.Warnings)
                        {
                            warnings.Add($"{restoredPath}: {m.Name}: {w}");
                        }

                        break;
                    default:
                        throw new InvalidOperationException("unsupported metric type");
                }

                result.Scores.Add(new(m.Name, value));
            }
            catch (ArgumentException e)
            {
                result.Errors.Add($"{restoredPath}: {m.Name}: {OneLine(e)}");
            }
            catch (OnnxModelException e)
            {
                result.Errors.Add($"{restoredPath}: {m.Name}: {e.Message.ReplaceLineEndings(" ").Trim()}");
            }
        }

        return result;
    }

    /// <summary>A sample's retention rate γ (Eq. 12) and where it came from.</summary>
    private sealed record Gamma(double Value, string Source);

    /// <summary>
    /// γ of one sample for alignment mode auto: the value recorded by <c>restorebench degrade</c> in the
    /// --lq folder's degradations.json when present; otherwise measured here with
    /// <see cref="SsimLevelMeasure"/> (β = 1 − SSIM_Y(gt, up(lq))) and α = the spec's α, or the
    /// width ratio gt/lq when no spec is given.
    /// </summary>
    private static Gamma FindGamma(string stem, GammaTable? table, ImageTensor? gt, ImageTensor? lq, EvaluationRequest request)
    {
        if (table is not null && table.Values.TryGetValue(stem, out var recorded))
        {
            return new Gamma(recorded, "degradations.json");
        }

        if (gt is null || lq is null)
        {
            throw new ArgumentException("mode auto needs the retention rate gamma: no entry in degradations.json of --lq, and --gt and --lq are needed to measure it");
        }

        var measure = new SsimLevelMeasure();
        var alpha = request.Degradation?.Alpha ?? (double)gt.Width / lq.Width;
        var rate = Degradations.Retention.RetentionRate.Measure(gt, lq, alpha, measure);
        return new Gamma(rate.Gamma, "measured: " + measure.Name + ", alpha " + alpha.ToString("0.####", CultureInfo.InvariantCulture));
    }

    /// <summary>Per alignment metric, how many images were scored with Eq. 14 (gt) and with Eq. 15 (lq).</summary>
    private static void NoteAlignmentModes(List<ActiveMetric> metrics, List<ImageEvaluation> images, List<string> notes)
    {
        foreach (var m in metrics)
        {
            if (m.Metric is not IAlignmentMetric)
            {
                continue;
            }

            int gtCount = 0, lqCount = 0;
            var key = m.Name + ".mode";
            foreach (var image in images)
            {
                foreach (var (k, v) in image.Details)
                {
                    if (k == key)
                    {
                        if (v == "gt")
                        {
                            gtCount++;
                        }
                        else
                        {
                            lqCount++;
                        }
                    }
                }
            }

            notes.Add($"{m.Name}: {gtCount} image(s) scored against the ground truth (Eq. 14), {lqCount} against the low-quality input (Eq. 15)");
        }
    }

    /// <summary>Gray vs RGB: the gray one is converted to RGB. 8 vs 16 bit: both are on [0, 1] already.</summary>
    private static (ImageTensor Restored, ImageTensor Reference) Harmonise(string restoredPath, LoadedImage restored, string referencePath, LoadedImage reference, List<string> warnings)
    {
        var a = restored.Image;
        var b = reference.Image;
        if (a.Channels != b.Channels)
        {
            var grayPath = a.Channels == 1 ? restoredPath : referencePath;
            warnings.Add($"{grayPath}: gray image paired with an RGB image; converted to RGB (plane repeated)");
            a = a.ToRgb();
            b = b.ToRgb();
        }

        if (restored.BitDepth != reference.BitDepth)
        {
            warnings.Add($"{restoredPath}: {restored.BitDepth}-bit image paired with the {reference.BitDepth}-bit {referencePath}; compared on the common [0, 1] scale (data range 255)");
        }

        return (a, b);
    }

    private static List<KeyValuePair<string, MetricSummary>> Summarise(List<ActiveMetric> metrics, List<ImageEvaluation> images, List<string> notes)
    {
        var summary = new List<KeyValuePair<string, MetricSummary>>();
        foreach (var m in metrics)
        {
            double sum = 0;
            int n = 0, infinite = 0;
            foreach (var image in images)
            {
                foreach (var (name, value) in image.Scores)
                {
                    if (name != m.Name)
                    {
                        continue;
                    }

                    if (double.IsFinite(value))
                    {
                        sum += value;
                        n++;
                    }
                    else
                    {
                        infinite++;
                    }
                }
            }

            var mean = n > 0 ? sum / n : double.NaN;
            double squares = 0;
            foreach (var image in images)
            {
                foreach (var (name, value) in image.Scores)
                {
                    if (name == m.Name && double.IsFinite(value))
                    {
                        squares += (value - mean) * (value - mean);
                    }
                }
            }

            if (infinite > 0)
            {
                notes.Add($"{m.Name}: {infinite} infinite value(s) (identical images) excluded from the mean");
            }

            summary.Add(new(m.Name, new MetricSummary(mean, n > 0 ? Math.Sqrt(squares / n) : double.NaN, n, infinite)));
        }

        return summary;
    }

    private static List<string> Missing(ImageFolderListing? side, ImageFolderListing restored)
    {
        var missing = new List<string>();
        if (side is null)
        {
            return missing;
        }

        foreach (var (stem, path) in side.Images)
        {
            if (!restored.Images.ContainsKey(stem))
            {
                missing.Add(Path.GetFileName(path));
            }
        }

        return missing;
    }

    private static PerceptionDistortionPoint? Point(EvaluationRequest request, List<KeyValuePair<string, MetricSummary>> summary)
    {
        MetricSummary? distortion = null, perception = null;
        foreach (var (name, s) in summary)
        {
            if (name == request.DistortionMetric)
            {
                distortion = s;
            }

            if (name == request.PerceptionMetric)
            {
                perception = s;
            }
        }

        return distortion is null || perception is null
            ? null
            : new PerceptionDistortionPoint(request.DistortionMetric, distortion.Mean, request.PerceptionMetric, perception.Mean);
    }

    private static List<KeyValuePair<string, object?>> Settings(EvaluationRequest request, List<ActiveMetric> metrics)
    {
        var perMetric = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var m in metrics)
        {
            perMetric[m.Name] = new Dictionary<string, object>
            {
                ["kind"] = m.Descriptor.Kind.ToString(),
                ["direction"] = m.Descriptor.Direction == MetricDirection.HigherIsBetter ? "higher is better" : "lower is better",
                ["range"] = m.Descriptor.RangeText,
                ["reference"] = m.Descriptor.Reference,
                ["options"] = m.Settings,
            };
        }

        return
        [
            new("restored", request.RestoredFolder),
            new("gt", request.ReferenceFolder),
            new("lq", request.LowQualityFolder),
            new("spec", request.Degradation?.ToString()),
            new("crop_border", request.Options.CropBorder),
            new("pairing", "by file stem (extension ignored)"),
            new("image_convention", "RGB/gray planar float64 in [0,1]; 8-bit values v/255, 16-bit v/65535; metrics use data range 255"),
            new("gray_vs_rgb", "a gray image paired with an RGB image is converted to RGB (plane repeated), with a warning"),
            new("alpha", "dropped on read (not composited), with a warning"),
            new("summary_std", "population standard deviation (ddof = 0) over finite values; infinite values excluded and counted"),
            new("max_pixels", request.MaxPixels),
            new("metrics", perMetric),
        ];
    }

    private static string OneLine(ArgumentException e)
    {
        var message = e.ParamName is null ? e.Message : e.Message.Replace($" (Parameter '{e.ParamName}')", "", StringComparison.Ordinal);
        return message.ReplaceLineEndings(" ").Trim();
    }
}
