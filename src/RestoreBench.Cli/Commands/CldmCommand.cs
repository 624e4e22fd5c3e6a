using System.CommandLine;
using System.Globalization;
using System.Text;
using RestoreBench.Core.Imaging;
using RestoreBench.Diffusion.Components;
using RestoreBench.Diffusion.Pipeline;
using RestoreBench.Diffusion.Schedulers;
using RestoreBench.Metrics;
using RestoreBench.Metrics.Catalog;
using RestoreBench.Onnx.Runtime;
using RestoreBench.Onnx.Zoo;
using RestoreBench.Restorers;

namespace RestoreBench.Cli.Commands;

/// <summary>
/// <c>restorebench cldm run|one-step|vae-loss</c>: the conditional latent diffusion pipeline of the
/// paper (Section 3) over ONNX components described by a manifest, with the Section 5 knobs.
/// </summary>
internal static class CldmCommand
{
    private const string Examples = """

        Examples:
          restorebench cldm run --manifest diffbir.yaml lq/ out/diffbir --sampler ddpm --steps 50 --seed 1
          restorebench cldm run --manifest diffbir.yaml lq/ out/s05 --start-noise 0.5 --save-steps 1,5,10
          restorebench cldm one-step --manifest diffbir.yaml lq/ out/one --t 500
          restorebench cldm vae-loss --vae taef2 gt/ --json taef2.json
          restorebench cldm vae-loss --manifest diffbir.yaml gt/ --lpips lpips-alex

        The manifest format and the DiffBIR export recipe: docs/cldm.md.
        Exit codes: 0 every image done, 1 some images failed (the others are written), 2 usage error.
        """;

    public static Command Create() => new("cldm", "Conditional latent diffusion restoration (DiffBIR/SUPIR-style) over ONNX components, with the paper's ablation knobs." + Examples)
    {
        Run(), OneStep(), VaeLoss(),
    };

    private static Command Run()
    {
        var (manifest, input, output, seed, threads, colorFix) = Common();
        var sampler = new Option<string?>("--sampler") { Description = "ddpm, ddim or euler (default: the manifest's)." };
        var steps = new Option<int?>("--steps") { Description = "Number of sampling steps N (1..T)." };
        var start = new Option<double?>("--start-noise") { Description = "Start noise level S in (0, 1]: start from c_f noised to t0 = round(S·T) − 1 (1: pure noise z_T)." };
        var eta = new Option<double?>("--eta") { Description = "DDIM η ≥ 0." };
        var cfg = new Option<double?>("--cfg") { Description = "Classifier-free guidance scale w (1 = off; needs denoiser.null_context)." };
        var save = new Option<string?>("--save-steps") { Description = "Comma-separated 1-based steps whose predicted x0 is decoded to OUTPUT/steps/STEM_stepK.png." };
        var command = new Command("run", "Restore images with the full CLDM pipeline.")
        {
            manifest, input, output, sampler, steps, start, eta, cfg, seed, save, colorFix, threads,
        };
        command.SetAction((ParseResult r, CancellationToken ct) => CliRun.Guard(() =>
        {
            var outFolder = r.GetRequiredValue(output);
            var knobs = new CldmKnobs
            {
                Sampler = r.GetValue(sampler) is { } s ? CliRun.Usage(() => Parse(() => SamplerSettings.ParseKind(s), "--sampler")) : null,
                Steps = r.GetValue(steps),
                StartNoise = r.GetValue(start),
                Eta = r.GetValue(eta),
                GuidanceScale = r.GetValue(cfg),
                Seed = r.GetValue(seed),
                SaveSteps = ParseSteps(r.GetValue(save)),
                WaveletColorFix = ColorFix(r.GetValue(colorFix)),
                Threads = r.GetValue(threads),
                OnPredictedX0 = (id, step, _, image) =>
                {
                    var folder = Path.Combine(outFolder, "steps");
                    Directory.CreateDirectory(folder);
                    ImageFile.WritePng(image, Path.Combine(folder, string.Create(CultureInfo.InvariantCulture, $"{id}_step{step:D3}.png")));
                },
            };
            return Restore(r.GetRequiredValue(manifest), r.GetRequiredValue(input), outFolder, knobs, ct);
        }));
        return command;
    }

    private static Command OneStep()
    {
        var (manifest, input, output, seed, threads, colorFix) = Common();
        var t = new Option<int>("--t") { Description = "The timestep t in [0, T) of the single denoiser call.", Required = true };
        var command = new Command("one-step", "One-step prediction (paper Fig. 8): c_f noised to t, one denoiser call, the predicted z_0 decoded.")
        {
            manifest, input, output, t, seed, colorFix, threads,
        };
        command.SetAction((ParseResult r, CancellationToken ct) => CliRun.Guard(() => Restore(
            r.GetRequiredValue(manifest), r.GetRequiredValue(input), r.GetRequiredValue(output),
            new CldmKnobs
            {
                Mode = CldmMode.OneStep,
                OneStepTimestep = r.GetValue(t),
                Seed = r.GetValue(seed),
                WaveletColorFix = ColorFix(r.GetValue(colorFix)),
                Threads = r.GetValue(threads),
            },
            ct)));
        return command;
    }

    private static Command VaeLoss()
    {
        var manifest = new Option<string?>("--manifest") { Description = "A CLDM manifest whose VAE is measured." };
        var vae = new Option<string?>("--vae") { Description = "A VAE in the model store (e.g. taef2 from 'models import-taesd')." };
        var images = new Argument<string>("IMAGES") { Description = "An image or a folder of (ground-truth) images." };
        var json = new Option<string?>("--json") { Description = "Write the per-image values and the means to this JSON file." };
        var lpips = new Option<string?>("--lpips") { Description = "LPIPS backbone (name or FILE.onnx); without it LPIPS is not computed." };
        var threads = new Option<int>("--threads") { Description = "Threads (0 = all cores).", DefaultValueFactory = _ => 0 };
        var command = new Command("vae-loss", "Information loss of the VAE (paper Eq. 5, Table 2): PSNR, SSIM, LPIPS and NIQE of D(E(x)) against x.")
        {
            manifest, vae, images, json, lpips, threads,
        };
        command.SetAction((ParseResult r, CancellationToken ct) => CliRun.Guard(() =>
            MeasureVae(r.GetValue(manifest), r.GetValue(vae), r.GetRequiredValue(images), r.GetValue(json), r.GetValue(lpips), r.GetValue(threads), ct)));
        return command;
    }

    private static (Option<string> Manifest, Argument<string> Input, Argument<string> Output, Option<long> Seed, Option<int> Threads, Option<string?> ColorFix) Common() => (
        new Option<string>("--manifest") { Description = "The CLDM manifest (YAML, docs/cldm.md).", Required = true },
        new Argument<string>("INPUT") { Description = "An image file or a folder of images." },
        new Argument<string>("OUTPUT") { Description = "Output folder (created if missing): STEM.png per image." },
        new Option<long>("--seed") { Description = "Seed; image STEM's noise comes from (seed, STEM).", DefaultValueFactory = _ => 0 },
        new Option<int>("--threads") { Description = "ONNX Runtime threads (0 = all cores).", DefaultValueFactory = _ => 0 },
        new Option<string?>("--color-fix") { Description = "wavelet or none (default: the manifest's color_fix)." });

    private static int Restore(string manifestPath, string input, string output, CldmKnobs knobs, CancellationToken ct)
    {
        if (knobs.Threads < 0)
        {
            throw new UsageException($"--threads must be >= 0, got {knobs.Threads}");
        }

        using var restorer = Create(manifestPath, knobs);
        var files = InputImages.List(input);
        OutputFolder.Ensure(output);
        Console.Error.WriteLine($"model: {restorer.Info.Name} ({restorer.Info.Description})");
        var failed = 0;
        foreach (var (stem, path) in files)
        {
            ct.ThrowIfCancellationRequested();
            try
            {
                var lq = ImageFile.Read(path).Image;
                var restored = restorer.RestoreAsync(lq, new RestoreContext(stem), ct).GetAwaiter().GetResult();
                ImageFile.WritePng(restored, Path.Combine(output, stem + ".png"));
                Console.WriteLine($"{stem}: {lq.Height}x{lq.Width} -> {restored.Height}x{restored.Width}");
            }
            catch (Exception e) when (e is RestorerException or ImageFileException or OnnxModelException or InvalidOperationException or ArgumentException)
            {
                failed++;
                Console.Error.WriteLine($"error: {path}: {CliRun.OneLine(e)}");
            }
        }

        return failed == 0 ? ExitCodes.Ok : ExitCodes.SomeFailed;
    }

    /// <summary>The factory call with the CLI's restorer resolver for stage 1; manifest and knob errors become usage errors.</summary>
    private static CldmRestorer Create(string manifestPath, CldmKnobs knobs)
    {
        if (!File.Exists(manifestPath))
        {
            throw new UsageException($"--manifest {manifestPath}: file not found");
        }

        try
        {
            return CldmFactory.Create(manifestPath, knobs, name => RestorerResolver.Resolve(new RestorerRequest { Model = name, Threads = knobs.Threads }));
        }
        catch (Exception e) when (e is CldmManifestException or ArgumentException or OnnxProviderUnavailableException)
        {
            throw new UsageException(CliRun.OneLine(e));
        }
    }

    private static int MeasureVae(string? manifestPath, string? vaeName, string images, string? json, string? lpips, int threads, CancellationToken ct)
    {
        if ((manifestPath is null) == (vaeName is null))
        {
            throw new UsageException("give exactly one of --manifest FILE or --vae NAME");
        }

        VaeSpec spec;
        try
        {
            spec = manifestPath is not null
                ? (File.Exists(manifestPath) ? CldmManifest.Load(manifestPath).Vae : throw new UsageException($"--manifest {manifestPath}: file not found"))
                : VaeSpec.FromStore(vaeName!);
        }
        catch (CldmManifestException e)
        {
            throw new UsageException(CliRun.OneLine(e));
        }

        if (threads < 0)
        {
            throw new UsageException($"--threads must be >= 0, got {threads}");
        }

        var options = new MetricOptions
        {
            DegreeOfParallelism = threads == 0 ? Environment.ProcessorCount : threads,
            LpipsBackbone = lpips is null ? null : LearnedModelResolver.Resolve("--lpips", lpips, ModelKinds.LpipsBackbone),
        };
        var catalog = MetricCatalog.Default;
        var fullReference = new List<IFullReferenceMetric> { catalog.CreateFullReference("psnr", options), catalog.CreateFullReference("ssim", options) };
        if (lpips is not null)
        {
            fullReference.Add(CliRun.Usage(() => catalog.CreateFullReference("lpips", options)));
        }

        var niqe = catalog.CreateNoReference("niqe", options);
        using var codec = CldmRunVae(spec, threads);
        var files = InputImages.List(images);
        var names = new List<string>();
        foreach (var m in fullReference)
        {
            names.Add(m.Descriptor.Name);
        }

        names.Add("niqe");
        var rows = new List<Dictionary<string, object>>();
        var sums = new double[names.Count];
        var failed = 0;
        var table = new StringBuilder();
        table.AppendLine(string.Join("\t", ["image", .. names]));
        foreach (var (stem, path) in files)
        {
            ct.ThrowIfCancellationRequested();
            try
            {
                var x = ImageFile.Read(path).Image.ToRgb();
                var y = codec.RoundTrip(x);
                var values = new double[names.Count];
                for (var i = 0; i < fullReference.Count; i++)
                {
                    values[i] = fullReference[i].Compute(y, x);
                }

                values[^1] = niqe.Compute(y);
                var row = new Dictionary<string, object> { ["image"] = stem };
                for (var i = 0; i < names.Count; i++)
                {
                    row[names[i]] = values[i];
                    sums[i] += values[i];
                }

                rows.Add(row);
                table.AppendLine(string.Join("\t", [stem, .. Array.ConvertAll(values, v => v.ToString("F4", CultureInfo.InvariantCulture))]));
            }
            catch (Exception e) when (e is ImageFileException or OnnxModelException or InvalidOperationException or ArgumentException)
            {
                failed++;
                Console.Error.WriteLine($"error: {path}: {CliRun.OneLine(e)}");
            }
        }

        var means = new Dictionary<string, double>();
        if (rows.Count > 0)
        {
            for (var i = 0; i < names.Count; i++)
            {
                means[names[i]] = sums[i] / rows.Count;
            }

            table.AppendLine(string.Join("\t", ["mean", .. Array.ConvertAll(sums, s => (s / rows.Count).ToString("F4", CultureInfo.InvariantCulture))]));
        }

        Console.Write(table.ToString());
        if (json is not null)
        {
            CliRun.WriteJson(json, new
            {
                tool = CliRun.ToolVersion,
                vae = new { encoder = spec.Encoder, decoder = spec.Decoder, scaling_factor = spec.ScalingFactor, shift_factor = spec.ShiftFactor, latent_channels = spec.LatentChannels, downscale = spec.Downscale },
                definition = "x̃ = D(E(x)) (paper Eq. 5): image padded (edge) to a multiple of the downscale, round trip, cropped, clamped to [0, 1]; full-reference metrics against x, NIQE of x̃",
                images = rows,
                mean = means,
                failed,
            });
        }

        return failed == 0 ? ExitCodes.Ok : ExitCodes.SomeFailed;
    }

    private static VaeCodec CldmRunVae(VaeSpec spec, int threads)
    {
        try
        {
            return CldmFactory.LoadVae(spec, new OnnxSessionSettings { Threads = threads });
        }
        catch (CldmManifestException e)
        {
            throw new UsageException(CliRun.OneLine(e));
        }
    }

    private static bool? ColorFix(string? text) => text switch
    {
        null => null,
        "wavelet" => true,
        "none" => false,
        _ => throw new UsageException($"--color-fix must be wavelet or none, got '{text}'"),
    };

    private static T Parse<T>(Func<T> parse, string option)
    {
        try
        {
            return parse();
        }
        catch (FormatException e)
        {
            throw new UsageException($"{option}: {e.Message}");
        }
    }

    private static List<int> ParseSteps(string? text)
    {
        var result = new List<int>();
        if (text is null)
        {
            return result;
        }

        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, NumberStyles.Integer, CultureInfo.InvariantCulture, out var step) || step < 1)
            {
                throw new UsageException($"--save-steps: '{part}' is not a positive step number (e.g. 1,5,10)");
            }

            result.Add(step);
        }

        return result;
    }
}
