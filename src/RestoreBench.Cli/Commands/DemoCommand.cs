using System.CommandLine;
using RestoreBench.Experiments.Spec;
using RestoreBench.Reports;
using RestoreBench.Reports.Store;

namespace RestoreBench.Cli.Commands;

/// <summary>
/// <c>restorebench demo [--out DIR]</c>: the main job, an experiment spec (<see cref="SpecText"/>) run on the
/// bundled photos: tasks SR2, SR4, Blur1, Blur20 and a blur-level sweep; restorers bicubic / Lanczos
/// (SR), Wiener / Richardson–Lucy (blur), small catalog networks (pulled on first use, skipped with a
/// notice when they cannot be obtained) and <c>lq</c>; distortion, perception and consistency metrics.
/// Running it again resumes from the store.
/// </summary>
internal static class DemoCommand
{
    /// <summary>The demo's spec; <c>{samples}</c> is replaced by the samples folder.</summary>
    internal const string SpecText = """
        # restorebench demo: the paper's tasks on the bundled photos (docs/experiments.md).
        name: demo
        seed: 0
        datasets:
          - name: samples
            gt: "{samples}"
        tasks:
          - {name: SR2, degradation: "down(scale=2)"}
          - {name: SR4, degradation: "down(scale=4)"}
          - {name: Blur1, degradation: "blur(sigma=1)"}
          - {name: Blur20, degradation: "blur(sigma=20)"}
          - name: blur_sweep
            degradation: "blur(sigma={sigma})"
            sweep: {sigma: [0.5, 2, 4, 8]}
        restorers:
          - lq
          - {type: classical, name: bicubic, spec: "bicubic(scale={scale})", tasks: [SR2, SR4]}
          - {type: classical, name: lanczos3, spec: "lanczos3(scale={scale})", tasks: [SR2, SR4]}
          - {type: classical, name: wiener, spec: "wiener(sigma={sigma})"}
          - {type: classical, name: richardson_lucy, spec: "richardson_lucy(sigma={sigma},iterations=30)"}
          - {type: catalog, model: esrgan-slim-x2}
          - {type: catalog, model: esrgan-slim-x4}
        metrics:
          - psnr_y
          - ssim_y
          - ms_ssim
          - niqe
          - brisque
          - lr_psnr
          - lpips          # skipped unless an LPIPS backbone is given (backbone: FILE.onnx)
          - align_dinov2   # skipped unless a DINOv2 encoder is given (encoder: FILE.onnx)
        """;

    public static Command Create()
    {
        var samples = new Option<string?>("--samples") { Description = "Folder of ground-truth photos (default: the bundled samples/)." };
        var output = new Option<string>("--out", "-o") { Description = "Output folder; running again resumes.", DefaultValueFactory = _ => "restorebench-demo" };
        var threads = new Option<int>("--threads") { Description = "Work items in parallel (0 = all cores).", DefaultValueFactory = _ => 0 };
        var command = new Command("demo", """
            The main job on the bundled photos: degrade them with the paper's tasks (SR2, SR4, Blur1, Blur20) and a
            blur-level sweep, restore them with classical methods and small pretrained networks (pulled on first use),
            score everything, print the table and write results.db (SQLite), results.csv and the HTML report
            (report/report.html). Running it again resumes.

            Example:
              restorebench demo --out restorebench-demo
            """)
        {
            samples, output, threads,
        };
        command.SetAction((ParseResult r, CancellationToken ct) => CliRun.Guard(() =>
            Run(r.GetValue(samples) ?? FindSamples(), r.GetRequiredValue(output), r.GetValue(threads), ct)));
        return command;
    }

    private static int Run(string samples, string output, int threads, CancellationToken ct)
    {
        OutputFolder.Ensure(output);
        var text = SpecText.Replace("{samples}", Path.GetFullPath(samples).Replace("\\", "/", StringComparison.Ordinal), StringComparison.Ordinal);
        var specPath = Path.Combine(output, "demo.yaml");
        CliRun.WriteText(specPath, text);
        ExperimentSpec spec;
        try
        {
            spec = SpecParser.Parse(text, specPath, Directory.GetCurrentDirectory());
        }
        catch (SpecException e)
        {
            throw new UsageException(e.Message);
        }

        Console.Error.WriteLine($"demo: photos from {samples}; spec {specPath}; output {output}");
        Console.Error.WriteLine("note: CLDM restorers: none in this demo (no pretrained denoiser can be obtained here; add one with type: cldm, docs/cldm.md)");
        return ExperimentConsole.Run(spec, output, null, threads, ct, outcome =>
        {
            try
            {
                var page = ReportWriter.Write(outcome.StorePath, Path.Combine(output, "report"), new ReportOptions());
                Console.Error.WriteLine($"report: {page}");
            }
            catch (Exception e) when (e is ResultsStoreException or IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"error: report: {CliRun.OneLine(e)} (the store is complete; run 'restorebench report {outcome.StorePath}' to retry)");
            }
        });
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
