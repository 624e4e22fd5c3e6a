using Microsoft.ML.OnnxRuntime;
using RestoreBench.Core.Imaging;
using RestoreBench.Degradations.Blur;
using RestoreBench.Onnx;
using RestoreBench.Onnx.Import;
using RestoreBench.Onnx.Runtime;
using RestoreBench.Onnx.Zoo;
using RestoreBench.Restorers;
using RestoreBench.Restorers.Classical;
using RestoreBench.Restorers.External;
using RestoreBench.Restorers.Folder;
using RestoreBench.Restorers.Onnx;
using RestoreBench.Restorers.Tiling;

namespace RestoreBench.Cli;

/// <summary>Everything the command line says about the model to run.</summary>
internal sealed record RestorerRequest
{
    /// <summary>The --model text: classical:NAME(k=v,...), folder:PATH or a folder, external:TEMPLATE, FILE.onnx or a catalog name.</summary>
    public required string Model { get; init; }

    /// <summary>--scale (folder and external models; ONNX: overrides the declared scale), or null.</summary>
    public int? Scale { get; init; }

    /// <summary>--threads (0 = all cores).</summary>
    public int Threads { get; init; }

    /// <summary>--device: cpu or cuda.</summary>
    public string Device { get; init; } = "cpu";

    /// <summary>--timeout for external commands, or null.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>--tile / --tile-overlap (tile size 0: whole image).</summary>
    public TileOptions Tiling { get; init; } = TileOptions.WholeImage;

    /// <summary>--input-range of a FILE.onnx model (catalog models know theirs).</summary>
    public string? InputRange { get; init; }

    /// <summary>--output-range of a FILE.onnx model (default: the input range).</summary>
    public string? OutputRange { get; init; }

    /// <summary>--pad-multiple for ONNX models (inputs padded to a multiple of it).</summary>
    public int PadMultiple { get; init; } = 1;

    /// <summary>--max-pixels for images read by folder models.</summary>
    public long MaxPixels { get; init; } = ImageFile.DefaultMaxPixels;
}

/// <summary>
/// Turns <c>--model</c> into a restorer: the one place where model kinds are resolved. Every failure
/// is a <see cref="UsageException"/> (exit code 2) with a one-line message.
/// </summary>
internal static class RestorerResolver
{
    public static IRestorer Resolve(RestorerRequest request)
    {
        var model = request.Model.Trim();
        if (model.Length == 0)
        {
            throw new UsageException("--model is empty");
        }

        if (request.Device is not ("cpu" or "cuda"))
        {
            throw new UsageException($"--device must be cpu or cuda, got '{request.Device}'");
        }

        if (ClassicalRestorers.IsClassical(model))
        {
            NotFor(request, model, scale: true, timeout: true, device: true);
            var restorer = Format(() => ClassicalRestorers.Create(model, request.Threads));
            return request.Tiling.IsTiled ? new TiledRestorer(restorer, request.Tiling, request.Threads) : restorer;
        }

        if (model.StartsWith(ExternalCommandRestorer.Prefix, StringComparison.OrdinalIgnoreCase))
        {
            NotFor(request, model, scale: false, timeout: false, device: true, tiling: true);
            var options = new ExternalCommandOptions
            {
                Template = model[ExternalCommandRestorer.Prefix.Length..],
                Scale = request.Scale ?? 1,
                Timeout = request.Timeout ?? TimeSpan.FromHours(1),
            };
            return Format(() => new ExternalCommandRestorer(options));
        }

        var isFolder = model.StartsWith(FolderRestorer.Prefix, StringComparison.OrdinalIgnoreCase);
        if (isFolder || Directory.Exists(model))
        {
            NotFor(request, model, scale: false, timeout: true, device: true, tiling: true);
            var folder = isFolder ? model[FolderRestorer.Prefix.Length..] : model;
            try
            {
                return new FolderRestorer(folder, request.Scale ?? 1, request.MaxPixels);
            }
            catch (ImageFileException e)
            {
                throw new UsageException($"--model {model}: {e.Message}");
            }
        }

        return ResolveOnnx(request, model);
    }

    /// <summary>
    /// FILE.onnx (input range from --input-range, default 0-1; scale declared by --scale or probed) or a
    /// model-catalog name (pulled with 'restorebench models pull'; range and scale from its manifest).
    /// </summary>
    private static IRestorer ResolveOnnx(RestorerRequest request, string model)
    {
        NotFor(request, model, scale: false, timeout: true, device: false);
        var settings = new OnnxSessionSettings
        {
            Threads = request.Threads,
            Device = Format(() => OnnxDevices.Parse(request.Device)),
        };
        string path, name, format = "onnx";
        ValueRange input, output;
        int? scale = request.Scale;
        if (model.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase))
        {
            if (!File.Exists(model))
            {
                throw new UsageException($"--model {model}: file not found");
            }

            path = model;
            name = Path.GetFileNameWithoutExtension(model);
            input = Format(() => ValueRange.Parse(request.InputRange ?? "0-1"));
            output = request.OutputRange is null ? input : Format(() => ValueRange.Parse(request.OutputRange));
        }
        else
        {
            if (request.InputRange is not null || request.OutputRange is not null)
            {
                throw new UsageException($"--input-range/--output-range apply to FILE.onnx; catalog model '{model}' records its ranges");
            }

            var store = new ModelStore();
            InstalledModel installed;
            try
            {
                installed = store.Resolve(model);
            }
            catch (UnknownModelException e)
            {
                throw new UsageException(UnknownModel(model, e.Suggestion));
            }
            catch (Exception e) when (e is ModelStoreException or IOException)
            {
                throw new UsageException($"--model {model}: {CliRun.OneLine(e)}");
            }

            if (installed.Manifest.Kind != ModelKinds.Restorer)
            {
                throw new UsageException($"--model {model}: '{installed.Name}' is a {installed.Manifest.Kind} model (a metric's feature network), not a restorer");
            }

            path = installed.OnnxPath;
            name = installed.Name;
            input = installed.Manifest.InputRange;
            output = installed.Manifest.OutputRange;
            scale ??= installed.Manifest.Scale;
            format = installed.Manifest.Format;
        }

        OnnxModel? loaded = null;
        try
        {
            loaded = OnnxModel.Load(path, settings);
            var onnx = new OnnxRestorer(loaded, name, input, output, scale, request.PadMultiple)
            {
                // Converted TF.js graph models (MAXIM) are padded by mirroring without repeating the edge sample.
                PadMode = format == TfjsGraphImporter.Format ? BorderMode.Reflect101 : BorderMode.Symmetric,
                Warning = message => Console.Error.WriteLine("warning: " + message),
            };
            return request.Tiling.IsTiled ? new TiledRestorer(onnx, request.Tiling, request.Threads) : onnx;
        }
        catch (Exception e) when (e is OnnxModelException or OnnxProviderUnavailableException or ArgumentException or OnnxRuntimeException)
        {
            loaded?.Dispose();
            throw new UsageException($"--model {model}: {CliRun.OneLine(e)}");
        }
    }

    internal static string UnknownModel(string model, string? catalogSuggestion = null)
    {
        var open = model.IndexOf('(', StringComparison.Ordinal);
        var name = open < 0 ? model : model[..open];
        var hint = catalogSuggestion is not null ? $"; did you mean '{catalogSuggestion}'?"
            : ClassicalRestorers.ClosestName(name) is { } close ? $"; did you mean 'classical:{close}(...)'?"
            : "";
        return $"--model {model}: unknown model{hint} (accepted: classical:NAME(key=value,...) with NAME one of {string.Join(", ", ClassicalRestorers.Names)}; " +
               "folder:PATH or an existing folder of precomputed outputs; external:\"COMMAND ... {input_dir} ... {output_dir}\"; FILE.onnx; a catalog model name, see 'restorebench models list')";
    }

    private static void NotFor(RestorerRequest request, string model, bool scale, bool timeout, bool device, bool tiling = false)
    {
        var kind = model.Split(':', 2)[0];
        if (scale && request.Scale is not null)
        {
            throw new UsageException($"--scale applies to folder:, external: and ONNX models; {kind} models take the scale in their spec");
        }

        if (timeout && request.Timeout is not null)
        {
            throw new UsageException("--timeout applies to external: models only");
        }

        if (device && request.Device != "cpu")
        {
            throw new UsageException($"--device {request.Device} applies to ONNX models; {kind} models run on the CPU");
        }

        if (tiling && request.Tiling.IsTiled)
        {
            throw new UsageException("--tile needs a model that runs in this process (classical: or ONNX); folder and external models run elsewhere");
        }
    }

    private static T Format<T>(Func<T> factory)
    {
        try
        {
            return factory();
        }
        catch (FormatException e)
        {
            throw new UsageException("--model: " + e.Message);
        }
        catch (ArgumentException e)
        {
            throw new UsageException("--model: " + CliRun.OneLine(e));
        }
    }
}
