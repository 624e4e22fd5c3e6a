using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Serialization;
using RestoreBench.Core.Imaging;
using RestoreBench.Restorers;
using RestoreBench.Restorers.External;
using RestoreBench.Restorers.Resources;
using RestoreBench.Restorers.Tiling;

namespace RestoreBench.Cli.Commands;

/// <summary>
/// <c>restorebench restore --model MODEL INPUT OUTPUT</c>: runs a restorer (the stage-1 module M_φ of
/// Eq. 3–4, or any complete restorer) on every image, writes OUTPUT/STEM.png and restore.json, and
/// prints the parameter count, the latency and the peak memory.
/// </summary>
internal static class RestoreCommand
{
    /// <summary>Finished output (float64 bytes) between two garbage collections when streaming a tiled restore.</summary>
    private const long StreamedCollectBytes = 64L << 20;

    private const string Examples = """

        Examples:
          restorebench restore --model "classical:bicubic(scale=4)" lr/ out/bicubic
          restorebench restore --model "classical:wiener(sigma=3,balance=0.1)" blurred/ out/wiener --threads 2
          restorebench restore --model "classical:richardson_lucy(sigma=3,iterations=30)" blurred/ out/rl --tile 128 --tile-overlap 32
          restorebench restore --model esrgan-thick-x4 lr/ out/esrgan --tile 256 --tile-overlap 32
          restorebench restore --model maxim-deblurring blurred/ out/maxim --threads 2
          restorebench restore --model my_net.onnx --input-range 0-255 lr/ out/mine
          restorebench restore --model folder:results/diffbir lr/ out/diffbir --scale 4
          restorebench restore --model "external:python3 inference.py --input {input_dir} --output {output_dir} --upscale {scale}" lr/ out/supir --scale 4 --timeout 7200

        Models: classical:NAME(key=value,...) with NAME bicubic|lanczos3 (scale=S), wiener (sigma=σ[,balance=0.05]),
          richardson_lucy (sigma=σ[,iterations=50,filter_epsilon=E]); folder:PATH (precomputed outputs matched by stem);
          external:TEMPLATE (run once on a folder, no shell; outputs matched by stem);
          FILE.onnx (float32 [1,3,H,W] RGB in --input-range) or a catalog name (restorebench models list; pull it first).
        Exit codes: 0 every image restored, 1 some images failed (the others are written), 2 usage error.
        """;

    public static Command Create()
    {
        var input = new Argument<string>("INPUT") { Description = "An image file or a folder of images (not recursive)." };
        var output = new Argument<string>("OUTPUT") { Description = "Output folder (created if missing); receives STEM.png and restore.json." };
        var model = new Option<string>("--model", "-m") { Description = "classical:NAME(k=v,...), folder:PATH, external:TEMPLATE, FILE.onnx or a catalog model name.", Required = true };
        var tile = new Option<int>("--tile") { Description = "Tile size in input pixels (0: whole image). In-process models only.", DefaultValueFactory = _ => 0 };
        var overlap = new Option<int?>("--tile-overlap") { Description = "Overlap between tiles in input pixels (default: min(32, tile/4)); the outer quarter is not blended." };
        var threads = new Option<int>("--threads") { Description = "Threads (0 = all cores). Results do not depend on it.", DefaultValueFactory = _ => 0 };
        var device = new Option<string>("--device") { Description = "cpu or cuda (ONNX models).", DefaultValueFactory = _ => "cpu" };
        var scale = new Option<int?>("--scale") { Description = "Output/input size ratio of folder:, external: (and ONNX) models; every output is checked against it (default 1)." };
        var timeout = new Option<double?>("--timeout") { Description = "Seconds an external: command may run before it is killed (default 3600)." };
        var inputRange = new Option<string?>("--input-range") { Description = "Value range a FILE.onnx model expects: 0-1 (default), 0-255 or -1-1." };
        var outputRange = new Option<string?>("--output-range") { Description = "Value range a FILE.onnx model produces (default: the input range)." };
        var padMultiple = new Option<int>("--pad-multiple") { Description = "ONNX models: pad inputs (symmetric) to a multiple of this, crop the output back.", DefaultValueFactory = _ => 1 };
        var bitDepth = new Option<int>("--bit-depth") { Description = "PNG bit depth of the outputs: 8 or 16.", DefaultValueFactory = _ => 8 };
        var maxPixels = CommonOptions.MaxPixels();
        var command = new Command("restore", "Restore images with a classical, precomputed, external or ONNX model; print parameters, latency and peak memory." + Examples)
        {
            input, output, model, tile, overlap, threads, device, scale, timeout, inputRange, outputRange, padMultiple, bitDepth, maxPixels,
        };
        command.SetAction((ParseResult r, CancellationToken ct) => GuardAsync(() =>
        {
            var request = new RestorerRequest
            {
                Model = r.GetRequiredValue(model),
                Scale = r.GetValue(scale),
                Threads = r.GetValue(threads),
                Device = r.GetRequiredValue(device),
                Timeout = r.GetValue(timeout) is { } seconds ? Seconds(seconds) : null,
                Tiling = Tiling(r.GetValue(tile), r.GetValue(overlap)),
                InputRange = r.GetValue(inputRange),
                OutputRange = r.GetValue(outputRange),
                PadMultiple = r.GetValue(padMultiple) >= 1 ? r.GetValue(padMultiple) : throw new UsageException("--pad-multiple must be >= 1"),
                MaxPixels = r.GetValue(maxPixels),
            };
            return RunAsync(r.GetRequiredValue(input), r.GetRequiredValue(output), request, r.GetValue(bitDepth), ct);
        }));
        return command;
    }

    private static TimeSpan Seconds(double seconds) =>
        seconds > 0 && double.IsFinite(seconds) ? TimeSpan.FromSeconds(seconds) : throw new UsageException($"--timeout must be a positive number of seconds, got {seconds.ToString(CultureInfo.InvariantCulture)}");

    private static TileOptions Tiling(int tile, int? overlap)
    {
        if (tile < 0)
        {
            throw new UsageException($"--tile must be >= 0, got {tile}");
        }

        if (tile == 0)
        {
            return overlap is null ? TileOptions.WholeImage : throw new UsageException("--tile-overlap needs --tile");
        }

        var o = overlap ?? Math.Min(32, tile / 4);
        if (o < 0 || o >= tile)
        {
            throw new UsageException($"--tile-overlap must be >= 0 and smaller than --tile ({tile}), got {o}");
        }

        return new TileOptions(tile, o);
    }

    private static async Task<int> GuardAsync(Func<Task<int>> action)
    {
        try
        {
            return await action().ConfigureAwait(false);
        }
        catch (UsageException e)
        {
            await Console.Error.WriteLineAsync("error: " + e.Message).ConfigureAwait(false);
            return ExitCodes.Usage;
        }
        catch (OperationCanceledException)
        {
            await Console.Error.WriteLineAsync("cancelled").ConfigureAwait(false);
            return 130;
        }
    }

    private sealed record ImageRecord(
        [property: JsonPropertyName("name")] string Name,
        [property: JsonPropertyName("source")] string Source,
        [property: JsonPropertyName("input_size")] int[] InputSize,
        [property: JsonPropertyName("output_size")] int[] OutputSize,
        [property: JsonPropertyName("latency_ms")] double? LatencyMs);

    private sealed record ErrorRecord(
        [property: JsonPropertyName("name")] string Name,
        [property: JsonPropertyName("file")] string File,
        [property: JsonPropertyName("error")] string Error);

    private static async Task<int> RunAsync(string input, string output, RestorerRequest request, int bitDepth, CancellationToken ct)
    {
        if (bitDepth is not (8 or 16))
        {
            throw new UsageException($"--bit-depth must be 8 or 16, got {bitDepth}");
        }

        if (request.Threads < 0)
        {
            throw new UsageException($"--threads must be >= 0, got {request.Threads}");
        }

        if (request.Scale is < 1)
        {
            throw new UsageException($"--scale must be >= 1, got {request.Scale}");
        }

        if (Directory.Exists(input) && string.Equals(Path.GetFullPath(input).TrimEnd('/'), Path.GetFullPath(output).TrimEnd('/'), StringComparison.Ordinal))
        {
            throw new UsageException("OUTPUT must be a different folder from INPUT (outputs are named by input stem)");
        }

        using var restorer = RestorerResolver.Resolve(request);
        var files = InputImages.List(input);
        OutputFolder.Ensure(output);
        var info = restorer.Info;
        Console.Error.WriteLine($"model: {info.Name} ({info.Description})");

        var images = new List<ImageRecord>();
        var errors = new List<ErrorRecord>();
        var memory = PeakMemory.Start();
        long? peakBytes;
        string memoryDefinition;
        object? externalRun = null;
        if (restorer is ExternalCommandRestorer external)
        {
            var run = await RunExternalAsync(external, files, output, bitDepth, request.MaxPixels, images, errors, ct).ConfigureAwait(false);
            peakBytes = run.PeakChildMemoryBytes;
            memoryDefinition = "peak RSS of the command's processes (getrusage RUSAGE_CHILDREN ru_maxrss)";
            externalRun = new
            {
                arguments = run.Arguments,
                exit_code = run.ExitCode,
                timed_out = run.TimedOut,
                start_error = run.StartError,
                elapsed_s = run.Elapsed.TotalSeconds,
                stderr_tail = run.StderrTail,
            };
        }
        else
        {
            await RunInProcessAsync(restorer, files, output, bitDepth, request.MaxPixels, images, errors, ct).ConfigureAwait(false);
            peakBytes = memory.PeakDeltaBytes;
            memoryDefinition = memory.Definition;
        }

        var latencies = new List<double>();
        for (var i = 0; i < images.Count; i++)
        {
            // The first image of an in-process model includes one-time costs (JIT, plans, sessions): a warm-up.
            if (images[i].LatencyMs is { } ms && (i > 0 || images.Count == 1 || restorer is ExternalCommandRestorer))
            {
                latencies.Add(ms);
            }
        }

        double? median = latencies.Count > 0 ? ResourceMeter.Median(latencies) : null;
        var measured = info.Kind != RestorerKind.Folder;
        var manifest = new
        {
            tool = CliRun.ToolVersion,
            model = new
            {
                name = info.Name,
                kind = info.Kind.ToString().ToLowerInvariant(),
                scale = info.Scale,
                parameters = info.ParameterCount,
                description = info.Description,
            },
            tiling = request.Tiling.IsTiled ? new { tile = request.Tiling.TileSize, overlap = request.Tiling.Overlap, margin = request.Tiling.Margin } : null,
            threads = request.Threads == 0 ? Environment.ProcessorCount : request.Threads,
            bit_depth = bitDepth,
            resources = new
            {
                parameters = info.ParameterCount,
                latency_median_ms = measured ? median : null,
                latency_definition = restorer is ExternalCommandRestorer
                    ? "wall time of the single command run divided by the number of images (includes the tool's start-up and model loading)"
                    : "median wall time of restore per image, the first image excluded as warm-up when there are several (read and write not included)",
                peak_memory_bytes = measured ? peakBytes : null,
                memory_definition = measured ? memoryDefinition : "not measured: outputs were precomputed elsewhere",
            },
            external_run = externalRun,
            images,
            errors,
        };
        CliRun.WriteJson(Path.Combine(output, "restore.json"), manifest);

        Console.WriteLine($"model:       {info.Name}");
        Console.WriteLine($"parameters:  {Parameters(info)}");
        Console.WriteLine($"images:      {images.Count} restored, {errors.Count} failed -> {output}");
        if (measured)
        {
            Console.WriteLine("latency:     " + (median is { } m
                ? string.Create(CultureInfo.InvariantCulture, $"{m:0.0} ms/image (median of {latencies.Count}{(latencies.Count < images.Count ? ", first image excluded as warm-up" : "")})")
                : "n/a (no image restored)"));
            Console.WriteLine("peak memory: " + (peakBytes is { } b ? string.Create(CultureInfo.InvariantCulture, $"{b / 1048576.0:0.0} MiB ({memoryDefinition})") : "n/a"));
        }

        return errors.Count > 0 ? ExitCodes.SomeFailed : ExitCodes.Ok;
    }

    private static string Parameters(RestorerInfo info) => info.ParameterCount switch
    {
        null => "unknown",
        0 => "0 (no learned parameters)",
        { } n => n.ToString("N0", CultureInfo.InvariantCulture),
    };

    private static async Task RunInProcessAsync(IRestorer restorer, IReadOnlyList<(string Stem, string Path)> files, string output, int bitDepth, long maxPixels,
        List<ImageRecord> images, List<ErrorRecord> errors, CancellationToken ct)
    {
        for (var i = 0; i < files.Count; i++)
        {
            ct.ThrowIfCancellationRequested();
            var (stem, path) = files[i];
            try
            {
                var lq = Read(path, maxPixels);
                var clock = Stopwatch.StartNew();
                int outHeight, outWidth;
                double ms;
                if (restorer is TiledRestorer tiled)
                {
                    // Rows go to the PNG as tiles finish them: no full-size float64 output (a 4K input at x4 would need 3.2 GB).
                    var png = StreamTiled(tiled, lq, stem, output, bitDepth, ct);
                    ms = clock.Elapsed.TotalMilliseconds;
                    png.Complete();
                    (outHeight, outWidth) = (png.Height, png.Width);
                }
                else
                {
                    var restored = await restorer.RestoreAsync(lq, new RestoreContext(stem), ct).ConfigureAwait(false);
                    ms = clock.Elapsed.TotalMilliseconds;
                    Write(restored, stem, output, bitDepth);
                    (outHeight, outWidth) = (restored.Height, restored.Width);
                }

                images.Add(new ImageRecord(stem, path, [lq.Height, lq.Width], [outHeight, outWidth], ms));
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"[{i + 1}/{files.Count}] {stem}: {lq.Height}x{lq.Width} -> {outHeight}x{outWidth} in {ms:0.0} ms"));
            }
            catch (Exception e) when (e is RestorerException or ImageFileException)
            {
                Fail(errors, stem, path, e.Message);
            }
        }
    }

    /// <summary>
    /// Runs a tiled restorer band by band into a <see cref="PngRowWriter"/> (quantized samples only); each
    /// band is checked for non-finite values first. The caller completes (encodes and writes) the PNG.
    /// </summary>
    private static PngRowWriter StreamTiled(TiledRestorer tiled, ImageTensor lq, string stem, string output, int bitDepth, CancellationToken ct)
    {
        var scale = tiled.Info.Scale;
        var channels = tiled.RgbOnly ? 3 : lq.Channels;
        var png = new PngRowWriter(Path.Combine(output, stem + ".png"), channels, lq.Height * scale, lq.Width * scale, bitDepth);
        long handedOver = 0;
        tiled.RestoreRows(lq, (band, firstRow) =>
        {
            RestorerOutput.CheckFinite(stem, band, firstRow);
            png.Write(band, firstRow);

            // Each tile leaves its float64 result (25 MB for a 256 px tile at x4) on the large-object heap,
            // which the GC collects lazily: measured on a 4K input at x4, the peak RSS was 3.2 GB instead of
            // 1.2 GB live. One blocking collection per 64 MB of finished output (about five per tile row
            // there) keeps the peak near the live size at negligible cost (the heap holds few references).
            handedOver += (long)band.Data.Length * sizeof(double);
            if (handedOver >= StreamedCollectBytes)
            {
                handedOver = 0;
                GC.Collect();
            }
        }, ct);
        return png;
    }

    private static async Task<ProcessOutcome> RunExternalAsync(ExternalCommandRestorer restorer, IReadOnlyList<(string Stem, string Path)> files, string output, int bitDepth, long maxPixels,
        List<ImageRecord> images, List<ErrorRecord> errors, CancellationToken ct)
    {
        var inputs = new List<ExternalInput>(files.Count);
        foreach (var (stem, path) in files)
        {
            inputs.Add(new ExternalInput(stem, path));
        }

        var work = Path.Combine(Path.GetTempPath(), "restorebench-restore-" + Guid.NewGuid().ToString("N"));
        try
        {
            Console.Error.WriteLine($"running {restorer.Command.Program} once on {files.Count} image(s) ...");
            ExternalBatchResult batch;
            try
            {
                batch = await restorer.RunAsync(inputs, work, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new UsageException($"cannot stage the inputs for the external command: {e.Message}");
            }

            var run = batch.Run;
            var exit = run.ExitCode is { } code ? $" with exit code {code}" : "";
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"command finished in {run.Elapsed.TotalSeconds:0.00} s{exit}"));
            foreach (var name in batch.UnmatchedOutputs)
            {
                Console.Error.WriteLine($"note: the command also wrote {name}, which matches no input stem");
            }

            var perImage = run.Elapsed.TotalMilliseconds / files.Count;
            for (var i = 0; i < files.Count; i++)
            {
                var (stem, path) = files[i];
                var result = batch.Images[i];
                if (result.OutputPath is null)
                {
                    Fail(errors, stem, path, $"{stem}: {result.Error}");
                    continue;
                }

                try
                {
                    var lq = Read(path, maxPixels);
                    var restored = Read(result.OutputPath, maxPixels);
                    RestorerOutput.CheckSize(stem, lq, restored, restorer.Info.Scale, "the command's output");
                    Write(restored, stem, output, bitDepth);
                    images.Add(new ImageRecord(stem, path, [lq.Height, lq.Width], [restored.Height, restored.Width], perImage));
                    Console.Error.WriteLine($"[{i + 1}/{files.Count}] {stem}: {lq.Height}x{lq.Width} -> {restored.Height}x{restored.Width}");
                }
                catch (Exception e) when (e is RestorerException or ImageFileException)
                {
                    Fail(errors, stem, path, e.Message);
                }
            }

            return run;
        }
        finally
        {
            try
            {
                if (Directory.Exists(work))
                {
                    Directory.Delete(work, recursive: true);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"note: could not remove the work folder {work}: {e.Message}");
            }
        }
    }

    private static ImageTensor Read(string path, long maxPixels)
    {
        var loaded = ImageFile.Read(path, maxPixels);
        foreach (var warning in loaded.Warnings)
        {
            Console.Error.WriteLine("warning: " + warning);
        }

        return loaded.Image;
    }

    /// <summary>Writes STEM.png; a NaN or infinite sample is a per-image error (the model misbehaved).</summary>
    private static void Write(ImageTensor restored, string stem, string output, int bitDepth)
    {
        RestorerOutput.CheckFinite(stem, restored);
        ImageFile.WritePng(restored, Path.Combine(output, stem + ".png"), bitDepth);
    }

    private static void Fail(List<ErrorRecord> errors, string stem, string path, string message)
    {
        var line = message.ReplaceLineEndings(" ");
        Console.Error.WriteLine("error: " + line);
        errors.Add(new ErrorRecord(stem, path, line));
    }
}
