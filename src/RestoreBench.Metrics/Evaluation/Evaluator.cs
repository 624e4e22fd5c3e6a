using RestoreBench.Core.Imaging;
using RestoreBench.Metrics.Catalog;

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
            // Learned metrics hold native ONNX Runtime sessions.
            foreach (var m in metrics)
            {
                (m.Metric as IDisposable)?.Dispose();
            }
        }
    }

    private static EvaluationReport Run(EvaluationRequest request, List<ActiveMetric> metrics, IProgress<EvaluationProgress>? progress, CancellationToken cancellationToken)
    {
        var needsReference = metrics.Exists(m => m.Metric is IFullReferenceMetric);
        var needsLowQuality = metrics.Exists(m => m.Metric is IConsistencyMetric);
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

        var images = new List<ImageEvaluation>(stems.Count);
        for (var i = 0; i < stems.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var stem = stems[i];
            images.Add(EvaluateImage(stem, restored.Images[stem], reference?.Images[stem], lowQuality?.Images[stem], metrics, request.MaxPixels));
            progress?.Report(new EvaluationProgress(i + 1, stems.Count, stem));
        }

        var summary = Summarise(metrics, images, notes);
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

            list.Add(new ActiveMetric(name, metric, descriptor, settings));
        }

        return list;
    }

    private static ImageEvaluation EvaluateImage(string stem, string restoredPath, string? referencePath, string? lowQualityPath, List<ActiveMetric> metrics, long maxPixels)
    {
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

        foreach (var m in metrics)
        {
            try
            {
                var value = m.Metric switch
                {
                    IFullReferenceMetric f => f.Compute(image, gt!),
                    INoReferenceMetric n => n.Compute(image),
                    IConsistencyMetric c => c.Compute(image, lq!),
                    _ => throw new InvalidOperationException("unsupported metric type"),
                };
                result.Scores.Add(new(m.Name, value));
            }
            catch (ArgumentException e)
            {
                result.Errors.Add($"{restoredPath}: {m.Name}: {OneLine(e)}");
            }
        }

        return result;
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
