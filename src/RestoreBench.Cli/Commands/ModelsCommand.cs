using System.CommandLine;
using System.Globalization;
using System.Text;
using RestoreBench.Core.Text;
using RestoreBench.Metrics.Learned;
using RestoreBench.Onnx;
using RestoreBench.Onnx.Import;
using RestoreBench.Onnx.Runtime;
using RestoreBench.Onnx.Zoo;

namespace RestoreBench.Cli.Commands;

/// <summary><c>restorebench models list|pull|import|info</c>: the pretrained-model catalog and the local model cache.</summary>
internal static class ModelsCommand
{
    private const string Examples = """

        Examples:
          restorebench models list
          restorebench models pull esrgan-thick-x4
          restorebench models info esrgan-thick-x4
          restorebench models import my-model/model.json --format tfjs-layers --scale 2 --input-range 0-255 --name my-model
          restorebench models import net.onnx --format onnx --input-range 0-1 --name my-net
          restorebench models import maxim/models/model.json --format tfjs-graph --input-range 0-1 --name my-maxim
          restorebench models import-onnx lpips-alex.onnx --kind lpips-backbone --name lpips-alex
          restorebench models import-taesd weights/taef2 --variant taef2

        The cache folder is $RESTOREBENCH_HOME (default: ~/.cache/restorebench); pulled models work offline.
        'pull' runs 'npm pack NAME@VERSION' (npm: $RESTOREBENCH_NPM or npm on the PATH), checks the tarball
        against the pinned sha512 and converts the network to ONNX.
        Exit codes: 0 done, 1 a pull or import failed, 2 usage error (unknown model, bad option).
        """;

    public static Command Create()
    {
        var command = new Command("models", "List, obtain and import pretrained restoration models (ONNX)." + Examples)
        {
            List(), Pull(), Import(), ImportOnnx(), ImportTaesd(), Info(),
        };
        return command;
    }

    private static Command List()
    {
        var command = new Command("list", "Catalog and cached models: name, task, scale, parameters, value range, licence, cached?");
        command.SetAction((ParseResult _) => CliRun.Guard(() =>
        {
            var store = new ModelStore();
            var sb = new StringBuilder();
            sb.AppendLine(Row("name", "task", "scale", "params", "range", "licence", "cached"));
            foreach (var entry in ModelCatalog.All)
            {
                var cached = store.Find(entry.Name) is not null ? "yes" : "no";
                sb.AppendLine(Row(entry.Name, entry.Task, "x" + entry.Scale.ToString(CultureInfo.InvariantCulture), Count(entry.ParameterCount),
                    entry.InputRange.ToString(), ShortLicence(entry.Licence), cached));
            }

            var imported = store.Installed().Where(m => ModelCatalog.Find(m.Name) is null).ToList();
            if (imported.Count > 0)
            {
                sb.AppendLine();
                sb.AppendLine("imported:");
                foreach (var m in imported)
                {
                    var f = m.Manifest;
                    sb.AppendLine(Row(f.Name, f.Task, "x" + f.Scale.ToString(CultureInfo.InvariantCulture), Count(f.ParameterCount),
                        f.InputRange.ToString(), ShortLicence(f.Licence), "yes"));
                }
            }

            sb.AppendLine();
            sb.AppendLine("cache: " + store.Root);
            Console.Write(sb.ToString());
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command Pull()
    {
        var names = new Argument<string[]>("NAME") { Description = "Catalog model name(s); see 'restorebench models list'.", Arity = ArgumentArity.ZeroOrMore };
        var all = new Option<bool>("--all") { Description = "Pull every catalog model." };
        var force = new Option<bool>("--force") { Description = "Convert again even when the model is already in the cache." };
        var command = new Command("pull", "Obtain catalog models: npm pack, verify the pinned sha512, extract safely, convert to ONNX, store in the cache.")
        {
            names, all, force,
        };
        command.SetAction((ParseResult r, CancellationToken ct) => CliRun.Guard(() =>
            RunPull(r.GetValue(names) ?? [], r.GetValue(all), r.GetValue(force), ct).GetAwaiter().GetResult()));
        return command;
    }

    private static async Task<int> RunPull(string[] names, bool all, bool force, CancellationToken ct)
    {
        if (all == (names.Length > 0))
        {
            throw new UsageException("give one or more model names, or --all");
        }

        var store = new ModelStore();
        var entries = new List<CatalogModel>();
        foreach (var name in all ? ModelCatalog.Names : names)
        {
            entries.Add(ModelCatalog.Find(name) ?? throw new UsageException(store.Unknown(name).Message));
        }

        var failed = 0;
        foreach (var entry in entries)
        {
            try
            {
                var installed = await store.PullAsync(entry, new StderrLog(), force, ct).ConfigureAwait(false);
                Console.WriteLine($"{installed.Name}: {installed.OnnxPath}");
            }
            catch (Exception e) when (e is NpmUnavailableException or IntegrityMismatchException or UnsafeArchiveException or ModelImportException
                or ModelStoreException or InvalidDataException or IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"error: {entry.Name}: {CliRun.OneLine(e)}");
                failed++;
            }
        }

        return failed > 0 ? ExitCodes.SomeFailed : ExitCodes.Ok;
    }

    private static Command Import()
    {
        var path = new Argument<string>("PATH") { Description = "model.json of a TensorFlow.js layers or graph model (or its folder), or an .onnx file." };
        var format = new Option<string>("--format") { Description = "Source format: tfjs-layers, tfjs-graph (converted for a 256x256 input; larger images are tiled) or onnx.", Required = true };
        var name = new Option<string>("--name") { Description = "Name in the cache (lowercase letters, digits, '.', '_', '-').", Required = true };
        var scale = new Option<int?>("--scale") { Description = "Upscaling factor; checked against the network, required when it cannot be detected." };
        var inputRange = new Option<string>("--input-range") { Description = "Value range of the network's RGB input, e.g. 0-255 or 0-1.", Required = true };
        var outputRange = new Option<string?>("--output-range") { Description = "Value range of the output (default: the input range)." };
        var licence = new Option<string>("--licence") { Description = "Licence of the weights, for tables.", DefaultValueFactory = _ => "unknown" };
        var training = new Option<string>("--training-data") { Description = "Training data, for tables.", DefaultValueFactory = _ => "unknown" };
        var force = new Option<bool>("--force") { Description = "Replace an imported model of the same name." };
        var command = new Command("import", "Convert (TensorFlow.js layers or graph model) or copy (ONNX) a model into the cache under a name.")
        {
            path, format, name, scale, inputRange, outputRange, licence, training, force,
        };
        command.SetAction((ParseResult r) => CliRun.Guard(() =>
        {
            var request = new ModelImportRequest(r.GetRequiredValue(name), ParseRange(r.GetRequiredValue(inputRange), "--input-range"))
            {
                Scale = r.GetValue(scale),
                OutputRange = r.GetValue(outputRange) is { } o ? ParseRange(o, "--output-range") : null,
                Licence = r.GetRequiredValue(licence),
                TrainingData = r.GetRequiredValue(training),
                Force = r.GetValue(force),
            };
            var source = r.GetRequiredValue(path);
            var store = new ModelStore();
            InstalledModel installed;
            try
            {
                installed = r.GetRequiredValue(format) switch
                {
                    "tfjs-layers" => store.ImportTfjs(source, request),
                    "tfjs-graph" => store.ImportTfjsGraph(source, request, new StderrLog()),
                    "onnx" => store.ImportOnnx(source, request),
                    var other => throw new UsageException($"--format '{other}' is not supported (accepted: tfjs-layers, tfjs-graph, onnx)"),
                };
            }
            catch (ModelStoreException e)
            {
                throw new UsageException(CliRun.OneLine(e));
            }
            catch (Exception e) when (e is ModelImportException or OnnxModelException or IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"error: {CliRun.OneLine(e)}");
                return ExitCodes.SomeFailed;
            }

            var m = installed.Manifest;
            Console.WriteLine($"{m.Name}: {m.ParameterText} parameters, scale {m.Scale}, input {m.InputRange}, output {m.OutputRange}");
            Console.WriteLine($"{m.Name}: {installed.OnnxPath}");
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command ImportOnnx()
    {
        var path = new Argument<string>("FILE") { Description = "The .onnx file of a feature backbone or image encoder." };
        var kind = new Option<string>("--kind") { Description = $"What the model is: {string.Join(", ", ModelKinds.Importable)}.", Required = true };
        var name = new Option<string>("--name") { Description = "Name in the cache (lowercase letters, digits, '.', '_', '-').", Required = true };
        var preprocess = new Option<string?>("--preprocess") { Description = "Preprocessing settings recorded in the manifest for encoders (not accepted for lpips-backbone: its scaling is fixed)." };
        var licence = new Option<string>("--licence") { Description = "Licence of the weights, for tables.", DefaultValueFactory = _ => "unknown" };
        var training = new Option<string>("--training-data") { Description = "Training data, for tables.", DefaultValueFactory = _ => "unknown" };
        var force = new Option<bool>("--force") { Description = "Replace an imported model of the same name." };
        var command = new Command("import-onnx", "Register a user-provided ONNX feature backbone or encoder (lpips-backbone, dinov2, encoder) in the cache under a name.")
        {
            path, kind, name, preprocess, licence, training, force,
        };
        command.SetAction((ParseResult r) => CliRun.Guard(() =>
        {
            var k = r.GetRequiredValue(kind);
            if (!ModelKinds.Importable.Contains(k))
            {
                throw new UsageException($"--kind '{k}' is not supported (accepted: {string.Join(", ", ModelKinds.Importable)}){NameSuggestion.Hint(k, ModelKinds.Importable)}");
            }

            var pre = r.GetValue(preprocess);
            if (k == ModelKinds.LpipsBackbone && pre is not null)
            {
                throw new UsageException("--preprocess is not accepted for lpips-backbone: RestoreBench applies the fixed LPIPS scaling itself (docs/metrics.md)");
            }

            var source = r.GetRequiredValue(path);
            if (!File.Exists(source))
            {
                throw new UsageException($"{source}: file not found");
            }

            var detail = "";
            if (k == ModelKinds.LpipsBackbone)
            {
                try
                {
                    using var backbone = OnnxModel.Load(source, new OnnxSessionSettings { Threads = 1 });
                    detail = Lpips.DetectNet(backbone) == LpipsNet.Alex ? " (AlexNet channels)" : " (VGG16 channels)";
                }
                catch (OnnxModelException e)
                {
                    throw new UsageException(CliRun.OneLine(e));
                }
                catch (ArgumentException e)
                {
                    throw new UsageException(e.Message);
                }
            }

            var request = new ModelImportRequest(r.GetRequiredValue(name), ValueRange.Unit)
            {
                Kind = k,
                Preprocess = pre,
                Licence = r.GetRequiredValue(licence),
                TrainingData = r.GetRequiredValue(training),
                Force = r.GetValue(force),
            };
            InstalledModel installed;
            try
            {
                installed = new ModelStore().ImportOnnx(source, request);
            }
            catch (ModelStoreException e)
            {
                throw new UsageException(CliRun.OneLine(e));
            }
            catch (Exception e) when (e is OnnxModelException or IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"error: {CliRun.OneLine(e)}");
                return ExitCodes.SomeFailed;
            }

            var m = installed.Manifest;
            Console.WriteLine($"{m.Name}: {m.Kind}{detail}, {m.ParameterText} parameters");
            Console.WriteLine($"{m.Name}: {installed.OnnxPath}");
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command ImportTaesd()
    {
        var path = new Argument<string>("DIR") { Description = "Folder holding VARIANT_encoder.safetensors and VARIANT_decoder.safetensors (PyTorch state_dict keys)." };
        var variant = new Option<string>("--variant") { Description = $"TAESD variant: {string.Join(", ", TaesdVariant.All.Select(v => v.Name))}.", Required = true };
        var name = new Option<string?>("--name") { Description = "Name in the cache (default: the variant name); use it with --vae NAME." };
        var licence = new Option<string>("--licence") { Description = "Licence of the weights, for tables.", DefaultValueFactory = _ => "MIT (madebyollin/taesd)" };
        var force = new Option<bool>("--force") { Description = "Replace an imported model of the same name." };
        var command = new Command("import-taesd", "Build the ONNX encoder/decoder of a TAESD tiny autoencoder (taesd, taesdxl, taef1, taef2) from .safetensors weights and store them as a VAE (latent scaling 1.0, shift 0).")
        {
            path, variant, name, licence, force,
        };
        command.SetAction((ParseResult r) => CliRun.Guard(() =>
        {
            TaesdVariant v;
            try
            {
                v = TaesdVariant.Parse(r.GetRequiredValue(variant));
            }
            catch (ArgumentException e)
            {
                throw new UsageException("--variant: " + e.Message.Split(" (Parameter", 2)[0]);
            }

            var dir = r.GetRequiredValue(path);
            if (!Directory.Exists(dir))
            {
                throw new UsageException($"{dir}: folder not found");
            }

            var request = new ModelImportRequest(r.GetValue(name) ?? v.Name, ValueRange.Unit)
            {
                Kind = ModelKinds.Vae,
                Licence = r.GetRequiredValue(licence),
                TrainingData = "unknown",
                Force = r.GetValue(force),
            };
            InstalledModel installed;
            try
            {
                installed = new ModelStore().ImportTaesd(dir, v, request);
            }
            catch (ModelStoreException e)
            {
                throw new UsageException(CliRun.OneLine(e));
            }
            catch (Exception e) when (e is ModelImportException or IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"error: {CliRun.OneLine(e)}");
                return ExitCodes.SomeFailed;
            }

            var vae = installed.Manifest.Vae!;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{installed.Name}: vae {vae.Variant}, {vae.LatentChannels} latent channels at 1/{vae.Downscale}, {Count(vae.EncoderParameters)} + {Count(vae.DecoderParameters)} parameters"));
            Console.WriteLine($"{installed.Name}: {installed.EncoderPath}");
            Console.WriteLine($"{installed.Name}: {installed.DecoderPath}");
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command Info()
    {
        var name = new Argument<string>("NAME") { Description = "Catalog or imported model name." };
        var command = new Command("info", "Everything known about a model: source, hash, ranges, architecture, licence, training data, inputs/outputs when cached.")
        {
            name,
        };
        command.SetAction((ParseResult r) => CliRun.Guard(() =>
        {
            var store = new ModelStore();
            var requested = r.GetRequiredValue(name);
            var entry = ModelCatalog.Find(requested);
            var installed = store.Find(requested);
            if (entry is null && installed is null)
            {
                throw new UsageException(store.Unknown(requested).Message);
            }

            var sb = new StringBuilder();
            void Line(string key, string value) => sb.AppendLine(CultureInfo.InvariantCulture, $"{key + ":",-15} {value}");
            if (entry is not null)
            {
                Line("name", entry.Name);
                Line("task", entry.Task);
                Line("scale", entry.Scale.ToString(CultureInfo.InvariantCulture));
                Line("input range", entry.InputRange.ToString());
                Line("output range", entry.OutputRange.ToString());
                Line("range check", entry.RangeEvidence);
                Line("architecture", entry.Architecture);
                Line("parameters", Count(entry.ParameterCount));
                Line("licence", entry.Licence);
                Line("training data", entry.TrainingData);
                Line("package", entry.Package.Spec);
                Line("integrity", entry.Package.Integrity);
                Line("path", $"package/{entry.ModelPath}/model.json ({entry.Format})");
                Line("fixture", entry.HasFixture ? $"package/{entry.FixtureInput} -> package/{entry.FixtureExpected}" : "none in the package");
            }
            else
            {
                var f = installed!.Manifest;
                Line("name", f.Name);
                Line("kind", f.Kind);
                Line("task", f.Task);
                Line("scale", f.Scale.ToString(CultureInfo.InvariantCulture));
                Line("input range", f.InputRange.ToString());
                Line("output range", f.OutputRange.ToString());
                Line("architecture", f.Architecture.Length > 0 ? f.Architecture : "unknown");
                Line("parameters", f.ParameterText);
                Line("licence", f.Licence);
                Line("training data", f.TrainingData);
                Line("origin", $"imported from {f.Source} ({f.Format})");
                if (f.Preprocess.Length > 0)
                {
                    Line("preprocess", f.Preprocess);
                }
            }

            if (installed is null)
            {
                Line("cached", $"no (run 'restorebench models pull {entry!.Name}')");
            }
            else if (installed.IsVae && installed.Manifest.Vae is { } vae)
            {
                Line("cached", installed.Folder);
                Line("latent", string.Create(CultureInfo.InvariantCulture, $"{vae.LatentChannels} channels at 1/{vae.Downscale} of the image size ({vae.Family} {vae.Variant})"));
                Line("latent scale", string.Create(CultureInfo.InvariantCulture, $"scaling factor {vae.ScalingFactor:R}, shift {vae.ShiftFactor:R}"));
                Line("image range", vae.ImageRange.ToString());
                Line("converter", installed.Manifest.Converter);
                foreach (var (role, file, sha, parameters) in new[] { ("encoder", installed.EncoderPath, vae.EncoderSha256, vae.EncoderParameters), ("decoder", installed.DecoderPath, vae.DecoderSha256, vae.DecoderParameters) })
                {
                    Line(role, $"{file} ({Count(parameters)} parameters, sha256 {sha})");
                    try
                    {
                        using var model = OnnxModel.Load(file, new OnnxSessionSettings { Threads = 1 });
                        Line(role + " io", $"{string.Join("; ", model.Inputs)} -> {string.Join("; ", model.Outputs)}");
                    }
                    catch (OnnxModelException e)
                    {
                        Line(role + " io", "cannot load: " + CliRun.OneLine(e));
                    }
                }
            }
            else
            {
                Line("cached", installed.Folder);
                Line("onnx sha256", installed.Manifest.OnnxSha256);
                Line("converter", installed.Manifest.Converter);
                try
                {
                    using var model = OnnxModel.Load(installed.OnnxPath, new OnnxSessionSettings { Threads = 1 });
                    Line("inputs", string.Join("; ", model.Inputs));
                    Line("outputs", string.Join("; ", model.Outputs));
                    Line("opset", model.Opset.ToString(CultureInfo.InvariantCulture));
                }
                catch (OnnxModelException e)
                {
                    Line("inputs", "cannot load model.onnx: " + CliRun.OneLine(e));
                }
            }

            Console.Write(sb.ToString());
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static ValueRange ParseRange(string text, string option)
    {
        try
        {
            return ValueRange.Parse(text);
        }
        catch (FormatException e)
        {
            throw new UsageException($"{option}: {e.Message}");
        }
    }

    private static string Row(string name, string task, string scale, string parameters, string range, string licence, string cached) =>
        string.Create(CultureInfo.InvariantCulture, $"{name,-26} {task,-17} {scale,5} {parameters,11}  {range,-6} {licence,-8} {cached}");

    private static string Count(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    private static string ShortLicence(string licence)
    {
        var cut = licence.IndexOf(" (", StringComparison.Ordinal);
        return cut > 0 ? licence[..cut] : licence;
    }

    /// <summary>Progress lines on stderr, in order (Progress&lt;T&gt; would post them to the thread pool).</summary>
    private sealed class StderrLog : IProgress<string>
    {
        public void Report(string value) => Console.Error.WriteLine(value);
    }
}
