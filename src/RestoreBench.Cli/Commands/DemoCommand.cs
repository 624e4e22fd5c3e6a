using System.CommandLine;
using System.Globalization;
using System.Text;
using RestoreBench.Degradations.Pipeline;
using RestoreBench.Metrics;
using RestoreBench.Metrics.Catalog;
using RestoreBench.Metrics.Evaluation;

namespace RestoreBench.Cli.Commands;

/// <summary>
/// <c>restorebench demo</c>: the main job on the bundled photos. Degrades them with the paper's
/// tasks (SR2, SR4, Blur1, Blur20), scores the bicubic-upsampled inputs (the "LQ" rows of the
/// paper's tables) and prints one table.
/// </summary>
internal static class DemoCommand
{
    /// <summary>The paper's tasks: bicubic ×2 / ×4 and Gaussian σ = 1 / 20.</summary>
    internal static readonly (string Task, string Spec)[] Tasks =
    [
        ("SR2", "down(scale=2)"),
        ("SR4", "down(scale=4)"),
        ("Blur1", "blur(sigma=1)"),
        ("Blur20", "blur(sigma=20)"),
    ];

    private static readonly string[] Metrics = ["psnr_y", "ssim_y", "ms_ssim", "niqe", "brisque", "lr_psnr"];

    public static Command Create()
    {
        var samples = new Option<string?>("--samples") { Description = "Folder of ground-truth photos (default: the bundled samples/)." };
        var output = new Option<string>("--output", "-o") { Description = "Output folder.", DefaultValueFactory = _ => "demo-out" };
        var seed = new Option<long>("--seed") { Description = "Experiment seed.", DefaultValueFactory = _ => 0 };
        var command = new Command("demo", """
            Degrade the bundled photos with the paper's tasks (SR2, SR4, Blur1, Blur20), score the bicubic-upsampled
            low-quality inputs with distortion, perception and consistency metrics, and print the table.

            Example:
              restorebench demo --output demo-out
            """)
        {
            samples, output, seed,
        };
        command.SetAction((ParseResult r, CancellationToken ct) => CliRun.Guard(() =>
            Run(r.GetValue(samples) ?? FindSamples(), r.GetRequiredValue(output), r.GetValue(seed), ct)));
        return command;
    }

    private static int Run(string samples, string output, long seed, CancellationToken ct)
    {
        var files = InputImages.List(samples, reportIgnored: false);
        Console.Error.WriteLine($"demo: {files.Count} photos from {samples}; tasks {string.Join(", ", Array.ConvertAll(Tasks, t => t.Task))}; output {output}");
        var rows = new List<(string Task, string Spec, double Gamma, EvaluationReport Report)>();
        var failed = false;
        foreach (var (task, specText) in Tasks)
        {
            var spec = DegradationSpec.Parse(specText);
            var folder = Path.Combine(output, task);
            var degraded = DegradeCommand.Degrade(files, folder, spec, null, seed, upsampleBack: true, bitDepth: 8, Core.Imaging.ImageFile.DefaultMaxPixels, quiet: true, ct);
            var report = new Evaluator(MetricCatalog.Default).Run(new EvaluationRequest
            {
                RestoredFolder = Path.Combine(folder, "upsampled"),
                ReferenceFolder = samples,
                LowQualityFolder = folder,
                Degradation = spec,
                Metrics = Metrics,
                Options = new MetricOptions { Degradation = spec },
            }, null, ct);
            File.WriteAllText(Path.Combine(folder, "scores.json"), EvaluationWriter.ToJson(report));
            failed |= degraded.Failed > 0 || report.HasErrors;
            foreach (var image in report.Images)
            {
                foreach (var e in image.Errors)
                {
                    Console.Error.WriteLine("error: " + e);
                }
            }

            rows.Add((task, specText, degraded.MeanGamma, report));
            Console.Error.WriteLine($"  {task,-7} {specText,-16} done");
        }

        Console.Write(Render(rows, files.Count));
        Console.Error.WriteLine($"degraded images, upsampled inputs, degradations.json and scores.json per task are in {output}/");
        return failed ? ExitCodes.SomeFailed : ExitCodes.Ok;
    }

    private static string Render(List<(string Task, string Spec, double Gamma, EvaluationReport Report)> rows, int images)
    {
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"LQ (bicubic-upsampled input) on {images} photos; mean over images; γ = (1-β)/α (Eq. 12)");
        sb.Append(CultureInfo.InvariantCulture, $"{"task",-7} {"spec",-16} {"γ",7}");
        foreach (var m in Metrics)
        {
            sb.Append(CultureInfo.InvariantCulture, $" {m,9}");
        }

        sb.AppendLine();
        foreach (var (task, spec, gamma, report) in rows)
        {
            sb.Append(CultureInfo.InvariantCulture, $"{task,-7} {spec,-16} {gamma,7:0.0000}");
            foreach (var (_, s) in report.Summary)
            {
                sb.Append(CultureInfo.InvariantCulture, $" {(double.IsNaN(s.Mean) ? "n/a" : s.Mean.ToString(s.Mean >= 10 ? "0.00" : "0.0000", CultureInfo.InvariantCulture)),9}");
            }

            sb.AppendLine();
        }

        var first = rows[0].Report.Summary;
        sb.Append("direction:                       ");
        foreach (var (name, _) in first)
        {
            var d = MetricCatalog.Default.Describe(name).Direction == MetricDirection.HigherIsBetter ? "↑" : "↓";
            sb.Append(CultureInfo.InvariantCulture, $" {d,9}");
        }

        sb.AppendLine();
        return sb.ToString();
    }

    /// <summary>The bundled samples/ folder: searched upwards from the working directory, then from the program's folder.</summary>
    private static string FindSamples()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "samples");
                if (Directory.Exists(candidate) && File.Exists(Path.Combine(candidate, "LICENSES.md")))
                {
                    return candidate;
                }
            }
        }

        throw new UsageException("bundled samples/ folder not found; pass --samples DIR");
    }
}
