using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using RestoreBench.Core.Imaging;
using RestoreBench.Degradations.Pipeline;
using RestoreBench.Degradations.Retention;
using RestoreBench.Degradations.Sampling;
using RestoreBench.Metrics.Retention;

namespace RestoreBench.Cli.Commands;

/// <summary><c>restorebench degrade INPUT OUTPUT --spec SPEC</c>: Eq. 1 on every image, with α, β, γ per image.</summary>
internal static class DegradeCommand
{
    private const string Examples = """

        Examples:
          restorebench degrade samples out/sr4 --spec "down(scale=4)" --upsample-back
          restorebench degrade photo.png out/blur --spec "blur(sigma=2)|noise(sigma=5)" --seed 7
          restorebench degrade gt/ out/blind --sampler realesrgan --alpha 4 --seed 1

        Stages (Eq. 1 order): blur(sigma=S | sigma_x=A,sigma_y=B,theta=T [,ksize=K,border=symmetric])
          down(scale=F [,kernel=bicubic|bilinear|nearest|lanczos3,antialias=true])  fit(scale=F: to 1/F of the input size)
          noise(sigma=S on 0-255 [,gray=true])  poisson(scale=S [,gray=true])  jpeg(quality=Q)
        """;

    public static Command Create()
    {
        var input = new Argument<string>("INPUT") { Description = "An image file or a folder of images (not recursive)." };
        var output = new Argument<string>("OUTPUT") { Description = "Output folder (created if missing)." };
        var spec = new Option<string?>("--spec", "-s") { Description = "Degradation spec, e.g. \"blur(sigma=1)|down(scale=2)|noise(sigma=10)|jpeg(quality=30)\", or a .json file holding the JSON form." };
        var sampler = new Option<string?>("--sampler") { Description = "Draw a random spec per image instead of --spec: realesrgan (two passes) or single." };
        var alpha = new Option<double>("--alpha") { Description = "Total downsampling factor for --sampler.", DefaultValueFactory = _ => 4.0 };
        var seed = new Option<long>("--seed") { Description = "Experiment seed; each image's random streams derive from (seed, file stem, stage).", DefaultValueFactory = _ => 0 };
        var upsampleBack = new Option<bool>("--upsample-back") { Description = "Also write the bicubic upsampling back to the input size into OUTPUT/upsampled/." };
        var bitDepth = new Option<int>("--bit-depth") { Description = "PNG bit depth of the outputs: 8 or 16.", DefaultValueFactory = _ => 8 };
        var maxPixels = CommonOptions.MaxPixels();
        var command = new Command("degrade", "Degrade images with the model of Eq. 1 and record α, β and γ (Eq. 12) per image." + Examples)
        {
            input, output, spec, sampler, alpha, seed, upsampleBack, bitDepth, maxPixels,
        };
        command.SetAction((ParseResult r, CancellationToken ct) => CliRun.Guard(() => Run(
            r.GetRequiredValue(input), r.GetRequiredValue(output), r.GetValue(spec), r.GetValue(sampler), r.GetValue(alpha),
            r.GetValue(seed), r.GetValue(upsampleBack), r.GetValue(bitDepth), r.GetValue(maxPixels), ct)));
        return command;
    }

    private static int Run(string input, string output, string? specText, string? samplerName, double alpha, long seed, bool upsampleBack, int bitDepth, long maxPixels, CancellationToken ct)
    {
        if ((specText is null) == (samplerName is null))
        {
            throw new UsageException("give exactly one of --spec or --sampler");
        }

        if (bitDepth is not (8 or 16))
        {
            throw new UsageException($"--bit-depth must be 8 or 16, got {bitDepth}");
        }

        var fixedSpec = specText is null ? null : ParseSpec(specText);
        var randomSpecs = samplerName is null ? null : CliRun.Usage(() => DegradationSampler.Preset(samplerName, alpha));
        var files = InputImages.List(input);
        var result = Degrade(files, output, fixedSpec, randomSpecs, seed, upsampleBack, bitDepth, maxPixels, quiet: false, ct);
        return result.Failed > 0 ? ExitCodes.SomeFailed : ExitCodes.Ok;
    }

    /// <summary>The outcome of degrading a list of images.</summary>
    internal sealed record DegradeResult(int Written, int Failed, double MeanGamma);

    /// <summary>Degrades every file into <paramref name="output"/> and writes degradations.json there.</summary>
    internal static DegradeResult Degrade(IReadOnlyList<(string Stem, string Path)> files, string output, DegradationSpec? fixedSpec, DegradationSampler? randomSpecs, long seed, bool upsampleBack, int bitDepth, long maxPixels, bool quiet, CancellationToken ct)
    {
        OutputFolder.Ensure(output);
        if (upsampleBack)
        {
            OutputFolder.Ensure(Path.Combine(output, "upsampled"));
        }

        var measure = new SsimLevelMeasure();
        var records = new List<object>();
        var gammaSum = 0.0;
        var errors = new List<object>();
        for (var i = 0; i < files.Count; i++)
        {
            ct.ThrowIfCancellationRequested();
            var (stem, path) = files[i];
            try
            {
                var loaded = ImageFile.Read(path, maxPixels);
                foreach (var w in loaded.Warnings)
                {
                    Console.Error.WriteLine("warning: " + w);
                }

                var gt = loaded.Image;
                var spec = fixedSpec ?? randomSpecs!.Sample(seed, stem);
                var lq = Quantization.ToBitDepth(spec.Apply(gt, seed, stem), bitDepth);
                var rate = RetentionRate.Measure(gt, lq, spec.Alpha, measure);
                ImageFile.WritePng(lq, Path.Combine(output, stem + ".png"), bitDepth);
                if (upsampleBack)
                {
                    var up = RetentionRate.UpsampleBack(lq, gt.Height, gt.Width);
                    ImageFile.WritePng(up, Path.Combine(output, "upsampled", stem + ".png"), bitDepth);
                }

                records.Add(new
                {
                    name = stem,
                    source = path,
                    spec = spec.ToString(),
                    spec_json = JsonDocument.Parse(spec.ToJson()).RootElement,
                    seed,
                    alpha = rate.Alpha,
                    beta = rate.Beta,
                    gamma = rate.Gamma,
                    gt_size = new[] { gt.Height, gt.Width },
                    lq_size = new[] { lq.Height, lq.Width },
                    channels = gt.Channels,
                    warnings = loaded.Warnings,
                });
                gammaSum += rate.Gamma;
                if (!quiet)
                {
                    Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"[{i + 1}/{files.Count}] {stem}: {spec}  α={rate.Alpha:0.###} β={rate.Beta:0.0000} γ={rate.Gamma:0.0000}"));
                }
            }
            catch (Exception e) when (e is ImageFileException or ArgumentException or InvalidOperationException)
            {
                Console.Error.WriteLine($"error: {CliRun.OneLine(e)}");
                errors.Add(new { name = stem, file = path, error = CliRun.OneLine(e) });
            }
        }

        var manifest = new
        {
            tool = CliRun.ToolVersion,
            spec = fixedSpec?.ToString(),
            sampler = randomSpecs is null ? null : new { name = randomSpecs.Name, alpha = randomSpecs.Alpha },
            seed,
            bit_depth = bitDepth,
            rounding = "clip to [0,1], round half away from zero to the output bit depth (MATLAB im2uint8)",
            beta_definition = measure.Definition,
            gamma_definition = "gamma = (1 - beta) / alpha (Eq. 12)",
            images = records,
            errors,
        };
        var manifestPath = Path.Combine(output, "degradations.json");
        CliRun.WriteJson(manifestPath, manifest);
        if (!quiet)
        {
            Console.Error.WriteLine($"wrote {records.Count} image(s) and {manifestPath}" + (errors.Count > 0 ? $"; {errors.Count} failed" : ""));
        }

        return new DegradeResult(records.Count, errors.Count, records.Count > 0 ? gammaSum / records.Count : double.NaN);
    }

    internal static DegradationSpec ParseSpec(string text)
    {
        try
        {
            return text.EndsWith(".json", StringComparison.OrdinalIgnoreCase) && File.Exists(text)
                ? DegradationSpec.FromJson(File.ReadAllText(text))
                : DegradationSpec.Parse(text);
        }
        catch (FormatException e)
        {
            throw new UsageException($"--spec: {e.Message}");
        }
    }
}
