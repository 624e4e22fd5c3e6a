using System.CommandLine;
using RestoreBench.Core.Imaging;
using RestoreBench.Metrics;
using RestoreBench.Metrics.Alignment;
using RestoreBench.Metrics.Catalog;
using RestoreBench.Metrics.Evaluation;
using RestoreBench.Onnx.Zoo;

namespace RestoreBench.Cli.Commands;

/// <summary><c>restorebench eval --restored DIR [--gt DIR] [--lq DIR --spec SPEC] --metrics LIST</c>.</summary>
internal static class EvalCommand
{
    private const string Examples = """

        Examples:
          restorebench eval --restored out/model --gt data/gt --metrics psnr_y,ssim_y --crop-border 4 --json scores.json
          restorebench eval --restored out/model --metrics niqe,brisque
          restorebench eval --restored out/model --gt data/gt --lq data/lq --spec "down(scale=4)" --metrics psnr,lr_psnr,lr_ssim --csv scores.csv
          restorebench eval --restored out/model --gt data/gt --metrics psnr,lpips --lpips lpips-alex
          restorebench eval --restored out/model --gt data/gt --lq data/lq --spec "down(scale=4)" --metrics align_dinov2,align_lr --encoder dinov2-small.onnx --align-mode auto

        Files are paired by stem (0801.png pairs with 0801.jpg). Run 'restorebench metrics' for the metric list.
        Exit codes: 0 every image scored, 1 some images failed (the others are still written), 2 usage error.
        """;

    public static Command Create()
    {
        var restored = new Option<string>("--restored", "-r") { Description = "Folder of restored images.", Required = true };
        var gt = new Option<string?>("--gt") { Description = "Folder of ground-truth images (full-reference metrics)." };
        var lq = new Option<string?>("--lq") { Description = "Folder of low-quality inputs (lr_psnr, lr_ssim)." };
        var spec = new Option<string?>("--spec") { Description = "Degradation that produced --lq; its blur and resampling are re-applied to the restored images." };
        var metrics = new Option<string>("--metrics", "-m") { Description = "Comma-separated metric names.", DefaultValueFactory = _ => "psnr,psnr_y,ssim,ssim_y" };
        var crop = new Option<int>("--crop-border") { Description = "Pixels cropped from every side before full-reference metrics (BasicSR crop_border).", DefaultValueFactory = _ => 0 };
        var json = new Option<string?>("--json") { Description = "Write per-image scores, summary and settings as JSON." };
        var csv = new Option<string?>("--csv") { Description = "Write one row per image as CSV." };
        var threads = new Option<int>("--threads") { Description = "Threads per metric (0 = all cores). Results do not depend on it.", DefaultValueFactory = _ => 0 };
        var distortion = new Option<string>("--pd-distortion") { Description = "Distortion metric of the perception-distortion summary.", DefaultValueFactory = _ => "ssim_y" };
        var perception = new Option<string>("--pd-perception") { Description = "Perception metric of the perception-distortion summary.", DefaultValueFactory = _ => "niqe" };
        var lpips = new Option<string?>("--lpips") { Description = "LPIPS backbone: a name imported with 'models import-onnx --kind lpips-backbone', or FILE.onnx (metric lpips)." };
        var encoder = new Option<string?>("--encoder") { Description = "align_dinov2: encoder ONNX file (see tools/export/dinov2_to_onnx.py) or the name of an imported model." };
        var alignMode = new Option<string>("--align-mode") { Description = "align_dinov2: gt (Eq. 14, vs ground truth), lq (Eq. 15, D(restored) vs --lq; needs --spec) or auto (per image: gt when gamma >= --align-threshold, else lq).", DefaultValueFactory = _ => "gt" };
        var alignThreshold = new Option<double>("--align-threshold") { Description = "align_dinov2 --align-mode auto: retention rate gamma (Eq. 12) at or above which the ground truth is used.", DefaultValueFactory = _ => AlignmentOptions.DefaultThreshold };
        var alignEmbedding = new Option<string>("--align-embedding") { Description = "align_dinov2: cls (class token) or patch_mean (mean of patch tokens).", DefaultValueFactory = _ => "cls" };
        var alignDistance = new Option<string>("--align-distance") { Description = "align_dinov2: cosine (1 - cos) or l2, between L2-normalised embeddings.", DefaultValueFactory = _ => "cosine" };
        var maxPixels = CommonOptions.MaxPixels();
        var command = new Command("eval", "Score restored images with distortion, perception and consistency metrics." + Examples)
        {
            restored, gt, lq, spec, metrics, crop, json, csv, threads, distortion, perception, lpips, encoder, alignMode, alignThreshold, alignEmbedding, alignDistance, maxPixels,
        };
        command.SetAction((ParseResult r, CancellationToken ct) => CliRun.Guard(() =>
        {
            var degradation = r.GetValue(spec) is { } text ? DegradeCommand.ParseSpec(text) : null;
            var lpipsBackbone = r.GetValue(lpips) is { } backbone ? LearnedModelResolver.Resolve("--lpips", backbone, ModelKinds.LpipsBackbone) : null;
            var request = new EvaluationRequest
            {
                RestoredFolder = r.GetRequiredValue(restored),
                ReferenceFolder = r.GetValue(gt),
                LowQualityFolder = r.GetValue(lq),
                Degradation = degradation,
                Metrics = ParseList(r.GetRequiredValue(metrics)),
                Options = CliRun.Usage(() => new MetricOptions
                {
                    CropBorder = r.GetValue(crop),
                    DegreeOfParallelism = r.GetValue(threads) == 0 ? Environment.ProcessorCount : r.GetValue(threads),
                    Degradation = degradation,
                    LpipsBackbone = lpipsBackbone,
                    Alignment = r.GetValue(encoder) is { } enc
                        ? new AlignmentOptions
                        {
                            EncoderPath = EncoderResolver.Resolve(enc),
                            Mode = AlignmentOptions.ParseMode(r.GetRequiredValue(alignMode)),
                            Threshold = r.GetValue(alignThreshold),
                            Pooling = AlignmentOptions.ParsePooling(r.GetRequiredValue(alignEmbedding)),
                            Distance = AlignmentOptions.ParseDistance(r.GetRequiredValue(alignDistance)),
                        }
                        : null,
                }),
                MaxPixels = r.GetValue(maxPixels),
                DistortionMetric = r.GetRequiredValue(distortion),
                PerceptionMetric = r.GetRequiredValue(perception),
            };
            return Run(request, r.GetValue(json), r.GetValue(csv), ct);
        }));
        return command;
    }

    internal static IReadOnlyList<string> ParseList(string text)
    {
        var names = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (names.Length == 0)
        {
            throw new UsageException("--metrics is empty");
        }

        return names;
    }

    internal static int Run(EvaluationRequest request, string? jsonPath, string? csvPath, CancellationToken ct)
    {
        foreach (var path in new[] { jsonPath, csvPath })
        {
            if (path is not null)
            {
                OutputFolder.Ensure(Path.GetDirectoryName(Path.GetFullPath(path))!);
            }
        }

        EvaluationReport report;
        try
        {
            report = new Evaluator(MetricCatalog.Default).Run(request, new SynchronousProgress<EvaluationProgress>(p =>
                Console.Error.WriteLine($"[{p.Done}/{p.Total}] {p.Name}")), ct);
        }
        catch (Exception e) when (e is ArgumentException or ImageFileException)
        {
            throw new UsageException(CliRun.OneLine(e));
        }

        foreach (var image in report.Images)
        {
            foreach (var w in image.Warnings)
            {
                Console.Error.WriteLine("warning: " + w);
            }

            foreach (var e in image.Errors)
            {
                Console.Error.WriteLine("error: " + e);
            }
        }

        foreach (var (role, names) in report.Unmatched)
        {
            if (names.Count > 0)
            {
                Console.Error.WriteLine($"unmatched ({role}, {names.Count}): {string.Join(", ", names)}");
            }
        }

        foreach (var note in report.Notes)
        {
            Console.Error.WriteLine("note: " + note);
        }

        Console.Write(SummaryTable.Render(report));
        if (jsonPath is not null)
        {
            File.WriteAllText(jsonPath, EvaluationWriter.ToJson(report));
            Console.Error.WriteLine("wrote " + jsonPath);
        }

        if (csvPath is not null)
        {
            File.WriteAllText(csvPath, EvaluationWriter.ToCsv(report));
            Console.Error.WriteLine("wrote " + csvPath);
        }

        return report.HasErrors ? ExitCodes.SomeFailed : ExitCodes.Ok;
    }
}

/// <summary>An <see cref="IProgress{T}"/> that reports on the calling thread, in order.</summary>
internal sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
