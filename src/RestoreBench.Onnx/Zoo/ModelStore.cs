using System.Globalization;
using System.Reflection;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using RestoreBench.Core.Text;
using RestoreBench.Onnx.Graph;
using RestoreBench.Onnx.Import;
using RestoreBench.Onnx.Runtime;

namespace RestoreBench.Onnx.Zoo;

/// <summary>A model stored in the cache: <c>model.onnx</c> and <c>manifest.json</c> in its own folder.</summary>
/// <param name="Folder">The model's folder.</param>
/// <param name="Manifest">Its manifest.</param>
public sealed record InstalledModel(string Folder, ModelManifest Manifest)
{
    /// <summary>File name of the fixture input stored beside a pulled model whose package ships one.</summary>
    public const string FixtureInputFile = "fixture-input.png";

    /// <summary>File name of the package's own result for the fixture.</summary>
    public const string FixtureExpectedFile = "fixture-expected.png";

    /// <summary>File name of a VAE's encoder (kind <c>vae</c>; such an entry has no model.onnx).</summary>
    public const string EncoderFile = "encoder.onnx";

    /// <summary>File name of a VAE's decoder (kind <c>vae</c>).</summary>
    public const string DecoderFile = "decoder.onnx";

    /// <summary>The model name.</summary>
    public string Name => Manifest.Name;

    /// <summary>True for a VAE entry (encoder.onnx + decoder.onnx instead of model.onnx).</summary>
    public bool IsVae => Manifest.Kind == ModelKinds.Vae;

    /// <summary>Path of a VAE's <c>encoder.onnx</c>.</summary>
    public string EncoderPath => Path.Combine(Folder, EncoderFile);

    /// <summary>Path of a VAE's <c>decoder.onnx</c>.</summary>
    public string DecoderPath => Path.Combine(Folder, DecoderFile);

    /// <summary>Path of <c>model.onnx</c>.</summary>
    public string OnnxPath => Path.Combine(Folder, "model.onnx");

    /// <summary>The package's fixture input, when stored.</summary>
    public string? FixtureInput => File.Exists(Path.Combine(Folder, FixtureInputFile)) ? Path.Combine(Folder, FixtureInputFile) : null;

    /// <summary>The package's own result for <see cref="FixtureInput"/>, when stored.</summary>
    public string? FixtureExpected => File.Exists(Path.Combine(Folder, FixtureExpectedFile)) ? Path.Combine(Folder, FixtureExpectedFile) : null;
}

/// <summary>What to record for a model imported by hand (<c>restorebench models import</c>).</summary>
/// <param name="Name">Name to store it under (lowercase letters, digits, '.', '_', '-'; not a catalog name).</param>
/// <param name="InputRange">Value range the network expects.</param>
public sealed record ModelImportRequest(string Name, ValueRange InputRange)
{
    /// <summary>Declared scale; checked against the network when it can be detected, required when it cannot.</summary>
    public int? Scale { get; init; }

    /// <summary>Output range (default: the input range).</summary>
    public ValueRange? OutputRange { get; init; }

    /// <summary>Task (default: super-resolution for scale &gt; 1, restoration otherwise).</summary>
    public string? Task { get; init; }

    /// <summary>Licence, when known.</summary>
    public string Licence { get; init; } = "unknown";

    /// <summary>Training data, when known.</summary>
    public string TrainingData { get; init; } = "unknown";

    /// <summary>Architecture description, when known.</summary>
    public string Architecture { get; init; } = "";

    /// <summary>Replace an existing imported model of the same name.</summary>
    public bool Force { get; init; }

    /// <summary>
    /// What the model is (<see cref="ModelKinds"/>; default <c>restorer</c>). Models of other kinds are
    /// not probed for a scale: they are stored with scale 1 and their kind as the task.
    /// </summary>
    public string Kind { get; init; } = ModelKinds.Restorer;

    /// <summary>Preprocessing settings to record in the manifest (<c>--preprocess</c>), or null.</summary>
    public string? Preprocess { get; init; }
}

/// <summary>
/// The model cache: <c>$RESTOREBENCH_HOME</c> (default: the user's cache folder, e.g.
/// <c>~/.cache/restorebench</c>) holding <c>packages/</c> (verified npm tarballs), <c>models/NAME/</c>
/// (model.onnx, manifest.json, fixture images) and <c>tmp/</c> (staging). Every entry is built in
/// <c>tmp/</c> and moved into place with one rename, so an interrupted pull or import leaves no half entry.
/// Cached models need no network.
/// </summary>
public sealed partial class ModelStore
{
    /// <summary>Environment variable that overrides the cache folder.</summary>
    public const string EnvironmentVariable = "RESTOREBENCH_HOME";

    /// <summary>
    /// Input side (pixels) that TensorFlow.js graph models are converted for (their shape arithmetic is folded
    /// for one size): 256, MAXIM's training crop size and a multiple of its side multiple 64. The ONNX input is
    /// then fixed at [1, 3, 256, 256]; <c>OnnxRestorer</c> tiles larger images and pads smaller ones.
    /// </summary>
    public const int GraphModelTileSize = 256;

    private static readonly string Version =
        typeof(ModelStore).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    /// <summary>Uses <paramref name="root"/>, else <see cref="DefaultRoot"/>; npm is <paramref name="npm"/> or the default client.</summary>
    public ModelStore(string? root = null, NpmClient? npm = null)
    {
        Root = Path.GetFullPath(root ?? DefaultRoot());
        Npm = npm ?? new NpmClient();
    }

    /// <summary>The cache folder.</summary>
    public string Root { get; }

    /// <summary>The npm client used by pulls.</summary>
    public NpmClient Npm { get; }

    /// <summary>Verified package tarballs.</summary>
    public string PackagesFolder => Path.Combine(Root, "packages");

    /// <summary>One folder per stored model.</summary>
    public string ModelsFolder => Path.Combine(Root, "models");

    private string TempFolder => Path.Combine(Root, "tmp");

    /// <summary>
    /// <c>$RESTOREBENCH_HOME</c> when set; else <c>$XDG_CACHE_HOME/restorebench</c> or
    /// <c>~/.cache/restorebench</c> on Linux, <c>~/Library/Caches/restorebench</c> on macOS,
    /// <c>%LOCALAPPDATA%\RestoreBench\cache</c> on Windows.
    /// </summary>
    public static string DefaultRoot()
    {
        if (Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } home)
        {
            return Path.GetFullPath(home);
        }

        if (OperatingSystem.IsWindows())
        {
            return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "RestoreBench", "cache");
        }

        var user = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        if (OperatingSystem.IsMacOS())
        {
            return Path.Combine(user, "Library", "Caches", "restorebench");
        }

        return Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg && Path.IsPathRooted(xdg)
            ? Path.Combine(xdg, "restorebench")
            : Path.Combine(user, ".cache", "restorebench");
    }

    /// <summary>Where the tarball of <paramref name="package"/> is kept (and where it may be placed by hand).</summary>
    public string PackagePath(NpmPackage package) => Path.Combine(PackagesFolder, package.TarballFileName);

    /// <summary>The stored model named <paramref name="name"/>, or null when it is not in the cache.</summary>
    /// <exception cref="ModelStoreException">The entry exists but its manifest is unreadable.</exception>
    public InstalledModel? Find(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!ValidName().IsMatch(name.ToLowerInvariant()))
        {
            return null;
        }

        var folder = Path.Combine(ModelsFolder, name.ToLowerInvariant());
        var manifest = Path.Combine(folder, "manifest.json");
        if (!File.Exists(manifest) || !(File.Exists(Path.Combine(folder, "model.onnx")) || IsVaeFolder(folder)))
        {
            return null;
        }

        try
        {
            return new InstalledModel(folder, ModelManifest.FromJson(File.ReadAllText(manifest)));
        }
        catch (Exception e) when (e is FormatException or IOException or UnauthorizedAccessException)
        {
            throw new ModelStoreException($"{manifest}: cannot read the model manifest ({e.Message}); delete the folder and pull or import again", e);
        }
    }

    /// <summary>Every stored model, sorted by name.</summary>
    public IReadOnlyList<InstalledModel> Installed()
    {
        var result = new List<InstalledModel>();
        if (!Directory.Exists(ModelsFolder))
        {
            return result;
        }

        var names = new List<string>();
        foreach (var dir in Directory.EnumerateDirectories(ModelsFolder))
        {
            names.Add(Path.GetFileName(dir));
        }

        names.Sort(StringComparer.Ordinal);
        foreach (var name in names)
        {
            if (Find(name) is { } model)
            {
                result.Add(model);
            }
        }

        return result;
    }

    /// <summary>
    /// A stored model by name, for running it. A catalog model that is not cached yet gets an error that
    /// says to pull it; an unknown name gets a did-you-mean suggestion over catalog and cached names.
    /// </summary>
    /// <exception cref="UnknownModelException">Neither in the catalog nor in the cache.</exception>
    /// <exception cref="ModelStoreException">A catalog model that is not cached.</exception>
    public InstalledModel Resolve(string name)
    {
        if (Find(name) is { } installed)
        {
            return installed;
        }

        if (ModelCatalog.Find(name) is { } entry)
        {
            throw new ModelStoreException($"model '{entry.Name}' is not in the cache ({Root}); run 'restorebench models pull {entry.Name}' first");
        }

        throw Unknown(name);
    }

    /// <summary>An <see cref="UnknownModelException"/> whose suggestion covers catalog and cached names.</summary>
    public UnknownModelException Unknown(string name)
    {
        var known = new List<string>(ModelCatalog.Names);
        foreach (var model in Installed())
        {
            if (!known.Contains(model.Name))
            {
                known.Add(model.Name);
            }
        }

        return new UnknownModelException(name, NameSuggestion.Closest(name, known), known);
    }

    /// <summary>Pulls the catalog model <paramref name="name"/> (see <see cref="PullAsync(CatalogModel, IProgress{string}?, bool, CancellationToken)"/>).</summary>
    /// <exception cref="UnknownModelException">Not a catalog name.</exception>
    public Task<InstalledModel> PullAsync(string name, IProgress<string>? log = null, bool force = false, CancellationToken cancellationToken = default) =>
        PullAsync(ModelCatalog.Get(name), log, force, cancellationToken);

    /// <summary>
    /// Obtains the package (cached tarball, or <c>npm pack</c>), verifies its pinned integrity, extracts
    /// the model safely, converts it to ONNX, checks scale and parameter count against the entry, and
    /// stores model + manifest (+ the package's fixture images) with one rename. A model already in the
    /// cache is returned as is unless <paramref name="force"/>.
    /// </summary>
    /// <exception cref="NpmUnavailableException">No cached tarball and npm is missing or fails; the message says how to place the tarball by hand.</exception>
    /// <exception cref="IntegrityMismatchException">The tarball does not match the pinned hash; nothing is cached.</exception>
    /// <exception cref="UnsafeArchiveException">The tarball has an unsafe entry; nothing is extracted.</exception>
    /// <exception cref="ModelImportException">The model cannot be converted.</exception>
    /// <exception cref="ModelStoreException">The converted model disagrees with the catalog entry.</exception>
    public async Task<InstalledModel> PullAsync(CatalogModel entry, IProgress<string>? log = null, bool force = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (!force && Find(entry.Name) is { } cached)
        {
            log?.Report($"{entry.Name}: already in the cache ({cached.Folder})");
            return cached;
        }

        var importHint = $"'restorebench models import DIR/package/{entry.ModelPath}/model.json --format {entry.Format} --scale {entry.Scale} --input-range {entry.InputRange} --name NAME'";
        var tarball = await EnsurePackageAsync(entry.Package, importHint, log, cancellationToken).ConfigureAwait(false);
        var work = NewTempFolder("pull");
        try
        {
            var prefix = "package/" + entry.ModelPath.Trim('/') + "/";
            var wanted = new HashSet<string>(StringComparer.Ordinal);
            if (entry.HasFixture)
            {
                wanted.Add("package/" + entry.FixtureInput);
                wanted.Add("package/" + entry.FixtureExpected);
            }

            var source = Path.Combine(work, "source");
            var written = SafeTarExtractor.Extract(tarball, source, n => n.StartsWith(prefix, StringComparison.Ordinal) || wanted.Contains(n));
            var modelJson = Path.Combine(source, "package", entry.ModelPath, "model.json");
            if (!File.Exists(modelJson))
            {
                throw new ModelStoreException($"{entry.Package.Spec} has no {entry.ModelPath}/model.json ({written.Count} file(s) under it)");
            }

            cancellationToken.ThrowIfCancellationRequested();
            log?.Report($"{entry.Name}: converting {entry.Package.Spec}/{entry.ModelPath} ({entry.Format}) to ONNX");
            var result = ConvertModel(entry, modelJson, log);
            if (result.Scale != entry.Scale || result.ParameterCount != entry.ParameterCount)
            {
                throw new ModelStoreException($"{entry.Name}: the converted network has scale {result.Scale?.ToString(CultureInfo.InvariantCulture) ?? "?"} and {result.ParameterCount} parameters; the catalog says scale {entry.Scale} and {entry.ParameterCount}");
            }

            var staging = Path.Combine(work, "model");
            Directory.CreateDirectory(staging);
            var onnx = Path.Combine(staging, "model.onnx");
            await File.WriteAllBytesAsync(onnx, result.Model, cancellationToken).ConfigureAwait(false);
            if (entry.HasFixture)
            {
                File.Copy(Path.Combine(source, "package", entry.FixtureInput!), Path.Combine(staging, InstalledModel.FixtureInputFile));
                File.Copy(Path.Combine(source, "package", entry.FixtureExpected!), Path.Combine(staging, InstalledModel.FixtureExpectedFile));
            }

            var manifest = new ModelManifest(entry.Name, entry.Task, entry.Scale, entry.InputRange, entry.OutputRange, result.ParameterCount,
                entry.Architecture, entry.Licence, entry.TrainingData, "catalog", entry.Format, entry.Package.Spec, entry.ModelPath,
                entry.Package.Integrity, Sha256(result.Model), Converter(entry.Format));
            await File.WriteAllTextAsync(Path.Combine(staging, "manifest.json"), manifest.ToJson(), cancellationToken).ConfigureAwait(false);
            var installed = Install(staging, entry.Name, replace: force);
            log?.Report($"{entry.Name}: stored {result.ParameterCount:N0} parameters, scale {entry.Scale}, input {entry.InputRange} in {installed.Folder}");
            return installed;
        }
        finally
        {
            DeleteQuietly(work);
        }
    }

    /// <summary>
    /// Converts a catalog entry's model: <c>tfjs-layers</c> with <see cref="TfjsLayersImporter"/> (any input size);
    /// <c>tfjs-graph</c> with <see cref="TfjsGraphImporter"/> for a fixed <see cref="GraphModelTileSize"/>² input
    /// (the restorer tiles larger images and pads smaller ones), logging the op census.
    /// </summary>
    private static (byte[] Model, int? Scale, long ParameterCount) ConvertModel(CatalogModel entry, string modelJson, IProgress<string>? log)
    {
        var metadata = Metadata(entry.Name, entry.Scale, entry.InputRange, entry.OutputRange, $"{entry.Package.Spec}:{entry.ModelPath}");
        switch (entry.Format)
        {
            case "tfjs-layers":
            {
                var layers = TfjsLayersImporter.Import(modelJson, new TfjsImportOptions { GraphName = entry.Name, Metadata = metadata });
                return (layers.Model, layers.Scale, layers.ParameterCount);
            }

            case TfjsGraphImporter.Format:
            {
                var graph = TfjsGraphImporter.Import(modelJson, new TfjsGraphImportOptions
                {
                    Height = GraphModelTileSize,
                    Width = GraphModelTileSize,
                    GraphName = entry.Name,
                    Metadata = metadata,
                });
                log?.Report($"{entry.Name}: op census {graph.CensusText}");
                log?.Report($"{entry.Name}: {graph.Census.Values.Sum():N0} graph nodes, {graph.FoldedNodes:N0} folded for a {GraphModelTileSize}x{GraphModelTileSize} input, {graph.OnnxNodes:N0} ONNX nodes");
                var scale = graph.OutputShape[2] % graph.Height == 0 && graph.OutputShape[2] / graph.Height == graph.OutputShape[3] / graph.Width ? graph.OutputShape[2] / graph.Height : (int?)null;
                return (graph.Model, scale, graph.ParameterCount);
            }

            default:
                throw new ModelStoreException($"{entry.Name}: format '{entry.Format}' is not known (accepted: tfjs-layers, {TfjsGraphImporter.Format})");
        }
    }

    /// <summary>
    /// The path of a verified tarball of <paramref name="package"/> in <see cref="PackagesFolder"/>:
    /// the cached (or hand-placed) file when its hash matches, else a fresh <c>npm pack</c> into a
    /// staging folder, verified, then renamed into place.
    /// </summary>
    /// <exception cref="IntegrityMismatchException">A cached/placed or downloaded tarball does not match the pinned hash (a downloaded one is deleted).</exception>
    /// <exception cref="NpmUnavailableException">No tarball in the cache and npm is missing or fails; the message explains the manual route.</exception>
    public Task<string> EnsurePackageAsync(NpmPackage package, IProgress<string>? log = null, CancellationToken cancellationToken = default) =>
        EnsurePackageAsync(package, "'restorebench models import DIR/package/PATH/model.json --format tfjs-layers --scale S --input-range R --name NAME'", log, cancellationToken);

    private async Task<string> EnsurePackageAsync(NpmPackage package, string importHint, IProgress<string>? log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(package);
        var target = PackagePath(package);
        if (File.Exists(target))
        {
            try
            {
                PackageIntegrity.Verify(target, package.Integrity);
            }
            catch (IntegrityMismatchException e)
            {
                throw new IntegrityMismatchException($"{e.Message}; this file is not {package.Spec} — delete or replace it");
            }

            log?.Report($"{package.Spec}: using the verified tarball {target}");
            return target;
        }

        var work = NewTempFolder("npm");
        try
        {
            log?.Report($"{package.Spec}: npm pack (no cached tarball at {target})");
            string downloaded;
            try
            {
                downloaded = await Npm.PackAsync(package.Spec, work, cancellationToken).ConfigureAwait(false);
            }
            catch (NpmUnavailableException e)
            {
                throw new NpmUnavailableException($"{e.Message}. Without npm: get {package.TarballFileName} (e.g. 'npm pack {package.Spec}' on a machine with npm), " +
                    $"place it at {target} and pull again (it is checked against {package.Integrity}); or extract it into DIR and run {importHint}", e);
            }

            try
            {
                PackageIntegrity.Verify(downloaded, package.Integrity);
            }
            catch (IntegrityMismatchException e)
            {
                throw new IntegrityMismatchException($"{package.Spec} from npm: {e.Message.Replace(downloaded + ": ", "", StringComparison.Ordinal)}; nothing was cached");
            }

            Directory.CreateDirectory(PackagesFolder);
            try
            {
                File.Move(downloaded, target, overwrite: false);
            }
            catch (IOException) when (File.Exists(target))
            {
                // Another process stored the same package meanwhile; it was verified the same way.
            }

            log?.Report($"{package.Spec}: verified {package.Integrity[..20]}… and stored {target}");
            return target;
        }
        finally
        {
            DeleteQuietly(work);
        }
    }

    /// <summary>Converts a TensorFlow.js layers model (model.json or its folder) and stores it under <see cref="ModelImportRequest.Name"/>.</summary>
    /// <exception cref="ModelStoreException">Bad or taken name, or a declared scale that contradicts the network.</exception>
    /// <exception cref="ModelImportException">The model cannot be converted.</exception>
    public InstalledModel ImportTfjs(string path, ModelImportRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var name = CheckImportName(request);
        var output = request.OutputRange ?? request.InputRange;
        TfjsImportOptions Options(int? scale) => new()
        {
            GraphName = name,
            Metadata = scale is null ? null : Metadata(name, scale.Value, request.InputRange, output, Path.GetFullPath(path)),
        };

        // With a declared scale one conversion suffices; otherwise the first one detects the scale for the metadata.
        var result = TfjsLayersImporter.Import(path, Options(request.Scale));
        var scale = ScaleOf(result.Scale, request.Scale, path);
        var model = request.Scale is null ? TfjsLayersImporter.Import(path, Options(scale)).Model : result.Model;
        return StoreImported(request, name, scale, result.ParameterCount, model, "tfjs-layers", path);
    }

    /// <summary>
    /// Converts a TensorFlow.js graph model (model.json or its folder) for a fixed
    /// <see cref="GraphModelTileSize"/>² input and stores it under <see cref="ModelImportRequest.Name"/>.
    /// </summary>
    /// <param name="path">model.json or its folder.</param>
    /// <param name="request">Name, ranges, licence, training data.</param>
    /// <param name="log">Receives the op census.</param>
    /// <exception cref="ModelStoreException">Bad or taken name, or a declared scale that contradicts the network.</exception>
    /// <exception cref="ModelImportException">The model cannot be converted (e.g. an unknown op, named with its node).</exception>
    public InstalledModel ImportTfjsGraph(string path, ModelImportRequest request, IProgress<string>? log = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        var name = CheckImportName(request);
        var output = request.OutputRange ?? request.InputRange;
        var census = TfjsGraphImporter.Census(path);
        log?.Report($"{name}: op census {TfjsGraphImporter.FormatCensus(census)}");
        var result = TfjsGraphImporter.Import(path, new TfjsGraphImportOptions
        {
            Height = GraphModelTileSize,
            Width = GraphModelTileSize,
            GraphName = name,
            Metadata = Metadata(name, request.Scale ?? 1, request.InputRange, output, Path.GetFullPath(path)),
        });
        var detected = result.OutputShape[2] % result.Height == 0 && result.OutputShape[2] / result.Height == result.OutputShape[3] / result.Width
            ? result.OutputShape[2] / result.Height : (int?)null;
        var scale = ScaleOf(detected, request.Scale, path);
        return StoreImported(request, name, scale, result.ParameterCount, result.Model, TfjsGraphImporter.Format, path);
    }

    /// <summary>
    /// Checks an ONNX model (loads it; for restorers also probes its scale) and stores a copy under
    /// <see cref="ModelImportRequest.Name"/>. Other kinds (<see cref="ModelImportRequest.Kind"/>) are stored with
    /// scale 1; checking them against their contract is up to the caller.
    /// </summary>
    /// <exception cref="ModelStoreException">Bad or taken name, an input that is not an image, or a scale that cannot be determined or contradicts the network.</exception>
    /// <exception cref="OnnxModelException">The file is not an ONNX model.</exception>
    public InstalledModel ImportOnnx(string path, ModelImportRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var name = CheckImportName(request);
        long parameters;
        int? probed;
        var restorer = request.Kind == ModelKinds.Restorer;
        if (!restorer && !ModelKinds.Importable.Contains(request.Kind))
        {
            throw new ModelStoreException($"model kind '{request.Kind}' is not known (accepted: {ModelKinds.Restorer}, {string.Join(", ", ModelKinds.Importable)})");
        }

        using (var model = OnnxModel.Load(path, new OnnxSessionSettings { Threads = 1 }))
        {
            parameters = model.ParameterCount;
            probed = restorer ? ProbeScale(model, path) : 1;
        }

        var scale = restorer ? ScaleOf(probed, request.Scale, path) : 1;
        return StoreImported(request, name, scale, parameters, File.ReadAllBytes(path), "onnx", path);
    }

    private InstalledModel StoreImported(ModelImportRequest request, string name, int scale, long parameters, byte[] model, string format, string path)
    {
        var work = NewTempFolder("import");
        try
        {
            var staging = Path.Combine(work, "model");
            Directory.CreateDirectory(staging);
            File.WriteAllBytes(Path.Combine(staging, "model.onnx"), model);
            var task = request.Task ?? (request.Kind != ModelKinds.Restorer ? request.Kind : scale > 1 ? ModelCatalog.SuperResolution : "restoration");
            var manifest = new ModelManifest(name, task, scale,
                request.InputRange, request.OutputRange ?? request.InputRange, parameters, request.Architecture, request.Licence,
                request.TrainingData, "import", format, Path.GetFullPath(path), "", "", Sha256(model),
                format == "onnx" ? $"copied by RestoreBench {Version}" : Converter(format))
            {
                Kind = request.Kind,
                Preprocess = request.Preprocess ?? "",
            };
            File.WriteAllText(Path.Combine(staging, "manifest.json"), manifest.ToJson());
            return Install(staging, name, replace: request.Force);
        }
        finally
        {
            DeleteQuietly(work);
        }
    }

    private string CheckImportName(ModelImportRequest request)
    {
        var name = request.Name.ToLowerInvariant();
        if (!ValidName().IsMatch(name))
        {
            throw new ModelStoreException($"model name '{request.Name}' is not valid (1-64 characters: lowercase letters, digits, '.', '_', '-', starting with a letter or digit)");
        }

        if (ModelCatalog.Find(name) is not null)
        {
            throw new ModelStoreException($"'{name}' is a catalog model name; choose another --name");
        }

        if (!request.Force && Find(name) is not null)
        {
            throw new ModelStoreException($"a model named '{name}' is already in the cache; choose another --name or replace it with --force");
        }

        return name;
    }

    private static int ScaleOf(int? detected, int? declared, string path)
    {
        if (declared is { } d && d < 1)
        {
            throw new ModelStoreException($"--scale must be a positive integer, got {d}");
        }

        if (detected is { } s)
        {
            if (declared is { } given && given != s)
            {
                throw new ModelStoreException($"{path}: the network upscales by {s}, not by the declared --scale {given}");
            }

            return s;
        }

        return declared ?? throw new ModelStoreException($"{path}: the scale cannot be determined from the network; give --scale");
    }

    /// <summary>Runs a 16×16 zero image through a single-input image model; null when the model does not take one.</summary>
    private static int? ProbeScale(OnnxModel model, string path)
    {
        if (model.Inputs.Count != 1 || model.Inputs[0].Rank != 4 || model.Inputs[0].ElementType != TensorElementType.Float)
        {
            throw new ModelStoreException($"{path}: expected one float32 NCHW image input, found {string.Join(", ", model.Inputs)}");
        }

        var shape = model.Inputs[0].Shape;
        var channels = shape[1].IsDynamic ? 3 : shape[1].Value;
        if (channels is not (1 or 3))
        {
            throw new ModelStoreException($"{path}: the input has {channels} channels; expected 1 or 3 (NCHW)");
        }

        long h = shape[2].IsDynamic ? 16 : shape[2].Value, w = shape[3].IsDynamic ? 16 : shape[3].Value;
        try
        {
            using var x = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, TensorElementType.Float, [1, channels, h, w]);
            x.GetTensorMutableDataAsSpan<float>().Clear();
            using var y = model.Run(x);
            var outShape = y.GetTensorTypeAndShape().Shape;
            return outShape.Length == 4 && outShape[2] % h == 0 && outShape[3] % w == 0 && outShape[2] / h == outShape[3] / w
                ? (int)(outShape[2] / h)
                : null;
        }
        catch (OnnxModelException)
        {
            return null;
        }
    }

    private static Dictionary<string, string> Metadata(string name, int scale, ValueRange input, ValueRange output, string source) => new(StringComparer.Ordinal)
    {
        ["restorebench.name"] = name,
        ["restorebench.scale"] = scale.ToString(CultureInfo.InvariantCulture),
        ["restorebench.input_range"] = input.ToString(),
        ["restorebench.output_range"] = output.ToString(),
        ["restorebench.source"] = source,
    };

    private static string Converter(string format) => $"RestoreBench.Onnx {Version} {format} importer, ONNX opset {OnnxGraphBuilder.DefaultOpset}";

    private static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    private InstalledModel Install(string staging, string name, bool replace)
    {
        Directory.CreateDirectory(ModelsFolder);
        var target = Path.Combine(ModelsFolder, name);
        string? old = null;
        if (Directory.Exists(target))
        {
            if (!replace && Find(name) is { } existing)
            {
                return existing; // a concurrent pull finished first
            }

            // Replaced (or a broken leftover): move it aside first so that the new entry appears in one rename.
            old = Path.Combine(TempFolder, "old-" + Guid.NewGuid().ToString("N"));
            Directory.Move(target, old);
        }

        try
        {
            Directory.Move(staging, target);
        }
        catch (IOException) when (Directory.Exists(target) && Find(name) is not null)
        {
            // Another process installed the same model meanwhile.
        }
        finally
        {
            if (old is not null)
            {
                DeleteQuietly(old);
            }
        }

        return Find(name) ?? throw new ModelStoreException($"{target}: the model was moved into place but cannot be read back");
    }

    private string NewTempFolder(string kind)
    {
        Directory.CreateDirectory(TempFolder);
        RemoveStaleTemp();
        var path = Path.Combine(TempFolder, $"{kind}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>Staging folders of killed processes (older than a day) are removed.</summary>
    private void RemoveStaleTemp()
    {
        foreach (var dir in Directory.EnumerateDirectories(TempFolder))
        {
            if (Directory.GetLastWriteTimeUtc(dir) < DateTime.UtcNow.AddDays(-1))
            {
                DeleteQuietly(dir);
            }
        }
    }

    private static void DeleteQuietly(string path)
    {
        try
        {
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Left for RemoveStaleTemp.
        }
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex ValidName();
}
