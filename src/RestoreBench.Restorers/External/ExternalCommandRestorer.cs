using RestoreBench.Core.Imaging;

namespace RestoreBench.Restorers.External;

/// <summary>Settings of an <see cref="ExternalCommandRestorer"/>.</summary>
public sealed record ExternalCommandOptions
{
    /// <summary>The command template (see <see cref="CommandTemplate"/>), e.g. <c>python3 infer.py -i {input_dir} -o {output_dir} -s {scale}</c>.</summary>
    public required string Template { get; init; }

    /// <summary>Output/input size ratio the tool produces; substituted for {scale} and checked on every output.</summary>
    public int Scale { get; init; } = 1;

    /// <summary>Longest a run may take before it is killed (with its process tree). Default one hour.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Working directory of the command (null: the current directory).</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>How many of the last stderr / stdout lines are kept per run.</summary>
    public int TailLines { get; init; } = 20;
}

/// <summary>An input image for a batch run: its id (file stem of the output to expect) and its file.</summary>
/// <param name="ImageId">The stem the tool's output must have.</param>
/// <param name="SourcePath">The input file; copied byte for byte (the tool decodes it itself).</param>
public sealed record ExternalInput(string ImageId, string SourcePath);

/// <summary>One image's outcome in a batch run: an output file or a one-line error.</summary>
/// <param name="ImageId">The image id.</param>
/// <param name="OutputPath">The matched output file, or null on error.</param>
/// <param name="Error">Why there is no output (naming the stem and folder, or the command's failure with its stderr tail).</param>
public sealed record ExternalImageResult(string ImageId, string? OutputPath, string? Error);

/// <summary>The outcome of one batch run.</summary>
/// <param name="Images">Per input image, in input order.</param>
/// <param name="Run">How the command ended (exit code, stderr tail, elapsed time).</param>
/// <param name="UnmatchedOutputs">Output files whose stem matches no input, sorted.</param>
/// <param name="OutputDirectory">The folder the tool wrote into.</param>
public sealed record ExternalBatchResult(IReadOnlyList<ExternalImageResult> Images, ProcessOutcome Run, IReadOnlyList<string> UnmatchedOutputs, string OutputDirectory);

/// <summary>
/// Runs a user command on a folder of images, e.g. the official DiffBIR or SUPIR inference script,
/// and matches its outputs to the inputs by file stem. The template is split into an argument list
/// once and run without a shell (<see cref="CommandTemplate"/>). A run that cannot start, exits
/// non-zero or exceeds the timeout fails every image of the batch with the command's stderr tail; after
/// a successful run each input without an output of the same stem fails alone.
/// <para>
/// <see cref="RunAsync"/> runs the tool once on many images (how it should be used: models load once).
/// <see cref="RestoreAsync"/> runs it on a one-image folder, writing the image as an 8-bit PNG (exact
/// for 8-bit sources).
/// </para>
/// </summary>
public sealed class ExternalCommandRestorer : IRestorer
{
    /// <summary>The spec prefix used on the command line.</summary>
    public const string Prefix = "external:";

    /// <summary>Creates the restorer.</summary>
    /// <exception cref="FormatException">The template is malformed (see <see cref="CommandTemplate.Parse"/>).</exception>
    /// <exception cref="ArgumentOutOfRangeException">Scale below 1, a non-positive timeout or a negative tail length.</exception>
    public ExternalCommandRestorer(ExternalCommandOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Scale, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.Timeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfNegative(options.TailLines);
        Options = options;
        Command = CommandTemplate.Parse(options.Template);
        Info = new RestorerInfo(Prefix + options.Template, RestorerKind.External, options.Scale, null,
            $"external command '{Command.Program}' run on a folder, outputs matched by stem");
    }

    /// <summary>The settings.</summary>
    public ExternalCommandOptions Options { get; }

    /// <summary>The parsed template.</summary>
    public CommandTemplate Command { get; }

    /// <inheritdoc/>
    public RestorerInfo Info { get; }

    /// <summary>
    /// Copies the inputs into <c>WORK/input</c> (as <c>ID.ext</c>), runs the command once with
    /// {input_dir} = WORK/input and {output_dir} = WORK/output, and matches outputs by stem.
    /// </summary>
    /// <param name="inputs">Images with unique ids.</param>
    /// <param name="workDirectory">A folder that does not exist or is empty; the caller deletes it.</param>
    /// <param name="cancellationToken">Kills the command's process tree when cancelled.</param>
    /// <exception cref="ArgumentException">Duplicate ids, no inputs, or a non-empty work folder.</exception>
    /// <exception cref="IOException">An input cannot be copied.</exception>
    public async Task<ExternalBatchResult> RunAsync(IReadOnlyList<ExternalInput> inputs, string workDirectory, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentException.ThrowIfNullOrEmpty(workDirectory);
        if (inputs.Count == 0)
        {
            throw new ArgumentException("No input images.", nameof(inputs));
        }

        if (Directory.Exists(workDirectory) && Directory.EnumerateFileSystemEntries(workDirectory).Any())
        {
            throw new ArgumentException($"The work folder '{workDirectory}' is not empty.", nameof(workDirectory));
        }

        var inputDir = Path.GetFullPath(Path.Combine(workDirectory, "input"));
        var outputDir = Path.GetFullPath(Path.Combine(workDirectory, "output"));
        Directory.CreateDirectory(inputDir);
        Directory.CreateDirectory(outputDir);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var input in inputs)
        {
            if (!ids.Add(input.ImageId))
            {
                throw new ArgumentException($"Image id '{input.ImageId}' appears twice.", nameof(inputs));
            }

            File.Copy(input.SourcePath, Path.Combine(inputDir, input.ImageId + Path.GetExtension(input.SourcePath).ToLowerInvariant()));
        }

        var arguments = Command.Expand(inputDir, outputDir, Options.Scale);
        var run = await ProcessRunner.RunAsync(arguments, Options.WorkingDirectory, Options.Timeout, Options.TailLines, cancellationToken).ConfigureAwait(false);
        var results = new List<ExternalImageResult>(inputs.Count);
        if (!run.Succeeded)
        {
            foreach (var input in inputs)
            {
                results.Add(new ExternalImageResult(input.ImageId, null, run.FailureMessage));
            }

            return new ExternalBatchResult(results, run, [], outputDir);
        }

        var listing = ImageFolder.List(outputDir);
        var written = new List<string>(listing.Images.Count);
        foreach (var (_, path) in listing.Images)
        {
            written.Add(Path.GetFileName(path));
        }

        foreach (var input in inputs)
        {
            if (listing.Images.TryGetValue(input.ImageId, out var path))
            {
                results.Add(new ExternalImageResult(input.ImageId, path, null));
                continue;
            }

            var conflict = listing.Conflicts.FirstOrDefault(c => c.Stem == input.ImageId);
            var error = conflict is not null
                ? $"output for '{input.ImageId}' in {outputDir} is ambiguous: {string.Join(", ", conflict.FileNames)}"
                : $"no output named '{input.ImageId}.*' in {outputDir} (the command exited 0 and wrote {Describe(written, listing.Ignored)})";
            results.Add(new ExternalImageResult(input.ImageId, null, error));
        }

        var unmatched = new List<string>();
        foreach (var (stem, path) in listing.Images)
        {
            if (!ids.Contains(stem))
            {
                unmatched.Add(Path.GetFileName(path));
            }
        }

        return new ExternalBatchResult(results, run, unmatched, outputDir);
    }

    /// <summary>Runs the command on this one image in a temporary folder and reads its output.</summary>
    /// <exception cref="RestorerException">The run failed, no output matched, or the output has the wrong size.</exception>
    public async Task<ImageTensor> RestoreAsync(ImageTensor lowQuality, RestoreContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lowQuality);
        ArgumentNullException.ThrowIfNull(context);
        var work = Path.Combine(Path.GetTempPath(), "restorebench-external-" + Guid.NewGuid().ToString("N"));
        var staging = work + "-in";
        try
        {
            Directory.CreateDirectory(staging);
            var source = Path.Combine(staging, context.ImageId + ".png");
            ImageFile.WritePng(lowQuality, source, 8);
            var batch = await RunAsync([new ExternalInput(context.ImageId, source)], work, cancellationToken).ConfigureAwait(false);
            var result = batch.Images[0];
            if (result.OutputPath is null)
            {
                throw new RestorerException($"{context.ImageId}: {result.Error}");
            }

            ImageTensor output;
            try
            {
                output = ImageFile.Read(result.OutputPath).Image;
            }
            catch (ImageFileException e)
            {
                throw new RestorerException($"{context.ImageId}: the command's output cannot be read: {e.Message}", e);
            }

            RestorerOutput.CheckSize(context.ImageId, lowQuality, output, Options.Scale, "the command's output");
            return output;
        }
        finally
        {
            TryDelete(work);
            TryDelete(staging);
        }
    }

    /// <summary>Nothing to release.</summary>
    public void Dispose()
    {
    }

    private static string Describe(List<string> written, IReadOnlyList<string> ignored)
    {
        if (written.Count == 0 && ignored.Count == 0)
        {
            return "nothing";
        }

        var all = new List<string>(written);
        all.AddRange(ignored);
        return all.Count <= 5 ? string.Join(", ", all) : $"{string.Join(", ", all.Take(5))} and {all.Count - 5} more";
    }

    private static void TryDelete(string folder)
    {
        try
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Temporary folder; leave it if it cannot be removed.
        }
    }
}
