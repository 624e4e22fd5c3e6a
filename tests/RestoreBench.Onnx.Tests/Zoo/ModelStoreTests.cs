using System.Text.Json.Nodes;
using RestoreBench.Onnx.Import;
using RestoreBench.Onnx.Runtime;
using RestoreBench.Onnx.Tests.Import;
using RestoreBench.Onnx.Tests.Runtime;
using RestoreBench.Onnx.Zoo;

namespace RestoreBench.Onnx.Tests.Zoo;

public sealed class ModelStoreTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "rb-store-" + Guid.NewGuid().ToString("N"));

    public ModelStoreTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Root => Path.Combine(_dir, "home");

    private ModelStore Store(string? npm = null) => new(Root, new NpmClient(npm ?? Path.Combine(_dir, "no-such-npm")));

    private void AssertNothingCached(ModelStore store, string name)
    {
        Assert.Null(store.Find(name));
        Assert.False(Directory.Exists(Path.Combine(store.ModelsFolder, name)));
        var tmp = Path.Combine(store.Root, "tmp");
        Assert.False(Directory.Exists(tmp) && Directory.EnumerateFileSystemEntries(tmp).Any(), "staging folders were left behind");
    }

    [Fact]
    public async Task Pull_of_a_graph_model_converts_it_for_the_fixed_tile_size_and_logs_the_census()
    {
        var store = Store();
        var graph = new TinyTfGraph(3);
        var filter = graph.Const(TfjsGraphImporterTests.Ramp(3 * 3 * 3 * 3, 0.1f), 3, 3, 3, 3);
        graph.Output(graph.Op("AddV2", [TinyTfGraph.Input, graph.Op("Conv2D", [TinyTfGraph.Input, filter], new JsonObject
        {
            ["T"] = TinyTfGraph.Type("DT_FLOAT"),
            ["padding"] = TinyTfGraph.Text("SAME"),
            ["strides"] = TinyTfGraph.List(1, 1, 1, 1),
        })]));
        var source = Path.Combine(_dir, "graph-src");
        graph.Write(source);
        var tarball = Path.Combine(_dir, "graph.tgz");
        TestPackages.Write(tarball, Directory.GetFiles(source).Order(StringComparer.Ordinal).Select(f => ("package/models/" + Path.GetFileName(f), File.ReadAllBytes(f))));
        var entry = new CatalogModel("tiny-graph", ModelCatalog.Deblurring, 1, new NpmPackage("@test/graph", "1.0.0", PackageIntegrity.Compute(tarball)),
            "models", TfjsGraphImporter.Format, ValueRange.Unit, ValueRange.Unit, "test graph", 81, "MIT", "none", null, null, "test");
        Directory.CreateDirectory(store.PackagesFolder);
        File.Copy(tarball, store.PackagePath(entry.Package));

        var log = new List<string>();
        var installed = await store.PullAsync(entry, new SyncLog(log));
        Assert.Equal(TfjsGraphImporter.Format, installed.Manifest.Format);
        Assert.Contains(log, l => l.Contains("op census AddV2×1, Const×1, Conv2D×1, Identity×1, Placeholder×1", StringComparison.Ordinal));
        using var model = OnnxModel.Load(installed.OnnxPath);
        Assert.Equal("[1,3,256,256]", model.Inputs[0].ShapeText);
        Assert.Equal(81, model.ParameterCount);
    }

    [Fact]
    public async Task Pull_from_a_placed_tarball_needs_no_npm_and_stores_model_and_manifest()
    {
        var store = Store();
        var tarball = Path.Combine(_dir, "tiny.tgz");
        var entry = TestPackages.TinyPackage(_dir, tarball);
        Directory.CreateDirectory(store.PackagesFolder);
        File.Copy(tarball, store.PackagePath(entry.Package));

        var log = new List<string>();
        var installed = await store.PullAsync(entry, new SyncLog(log));
        Assert.Equal(Path.Combine(store.ModelsFolder, "tiny-x2"), installed.Folder);
        Assert.Equal(2, installed.Manifest.Scale);
        Assert.Equal(entry.ParameterCount, installed.Manifest.ParameterCount);
        Assert.Equal("@test/tiny@1.0.0", installed.Manifest.Source);
        Assert.Equal(entry.Package.Integrity, installed.Manifest.SourceIntegrity);
        using (var model = OnnxModel.Load(installed.OnnxPath))
        {
            Assert.Equal(entry.ParameterCount, model.ParameterCount);
            Assert.Equal("2", model.Metadata["restorebench.scale"]);
            Assert.Equal("0-255", model.Metadata["restorebench.input_range"]);
        }

        Assert.Contains(log, l => l.Contains("using the verified tarball", StringComparison.Ordinal));
        Assert.Equal(["tiny-x2"], store.Installed().Select(m => m.Name));

        // Second pull: already cached, same entry, nothing rebuilt; forced pull rebuilds to identical bytes.
        var bytes = File.ReadAllBytes(installed.OnnxPath);
        Assert.Equal(installed.Folder, (await store.PullAsync(entry)).Folder);
        var again = await store.PullAsync(entry, force: true);
        Assert.Equal(bytes, File.ReadAllBytes(again.OnnxPath));
        AssertNothingCached(store, "other");
    }

    [Fact]
    public async Task Integrity_mismatch_caches_nothing()
    {
        var store = Store();
        var tarball = Path.Combine(_dir, "tiny.tgz");
        var entry = TestPackages.TinyPackage(_dir, tarball);
        var wrong = entry with { Package = entry.Package with { Integrity = "sha512-" + Convert.ToBase64String(new byte[64]) } };
        Directory.CreateDirectory(store.PackagesFolder);
        File.Copy(tarball, store.PackagePath(wrong.Package));
        var e = await Assert.ThrowsAsync<IntegrityMismatchException>(() => store.PullAsync(wrong));
        Assert.Contains("does not match the pinned", e.Message, StringComparison.Ordinal);
        AssertNothingCached(store, "tiny-x2");
    }

    [UnixFact]
    public async Task Npm_download_is_verified_then_renamed_into_the_packages_folder()
    {
        var tarball = Path.Combine(_dir, "tiny.tgz");
        var entry = TestPackages.TinyPackage(_dir, tarball);
        var store = Store(TestPackages.FakeNpm(_dir, tarball));
        var installed = await store.PullAsync(entry);
        Assert.True(File.Exists(store.PackagePath(entry.Package)));
        Assert.Equal("pack @test/tiny@1.0.0 --json --ignore-scripts", File.ReadAllText(Path.Combine(_dir, "npm-calls.txt")).Trim());
        Assert.NotNull(store.Find(installed.Name));
    }

    [UnixFact]
    public async Task Npm_download_with_the_wrong_hash_is_deleted_and_nothing_is_cached()
    {
        var tarball = Path.Combine(_dir, "tiny.tgz");
        var entry = TestPackages.TinyPackage(_dir, tarball);
        var store = Store(TestPackages.FakeNpm(_dir, tarball));
        var wrong = entry with { Package = entry.Package with { Integrity = "sha512-" + Convert.ToBase64String(new byte[64]) } };
        var e = await Assert.ThrowsAsync<IntegrityMismatchException>(() => store.PullAsync(wrong));
        Assert.Contains("nothing was cached", e.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(store.PackagePath(wrong.Package)));
        AssertNothingCached(store, "tiny-x2");
    }

    [Fact]
    public async Task Missing_npm_explains_the_manual_route()
    {
        var entry = TestPackages.TinyPackage(_dir, Path.Combine(_dir, "tiny.tgz"));
        var store = Store();
        var e = await Assert.ThrowsAsync<NpmUnavailableException>(() => store.PullAsync(entry));
        Assert.Contains("npm was not found", e.Message, StringComparison.Ordinal);
        Assert.Contains(store.PackagePath(entry.Package), e.Message, StringComparison.Ordinal);
        Assert.Contains("restorebench models import", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
        AssertNothingCached(store, "tiny-x2");
    }

    [UnixFact]
    public async Task Failing_npm_reports_its_error_line()
    {
        var entry = TestPackages.TinyPackage(_dir, Path.Combine(_dir, "tiny.tgz"));
        var store = Store(TestPackages.FakeNpm(_dir, null, exitCode: 1, stderr: "npm ERR! code ENOTFOUND"));
        var e = await Assert.ThrowsAsync<NpmUnavailableException>(() => store.PullAsync(entry));
        Assert.Contains("failed with exit code 1: npm ERR! code ENOTFOUND", e.Message, StringComparison.Ordinal);
        AssertNothingCached(store, "tiny-x2");
    }

    [Fact]
    public async Task Path_traversal_in_the_tarball_is_refused_and_nothing_is_cached()
    {
        var tarball = Path.Combine(_dir, "evil.tgz");
        TestPackages.Write(tarball, [("package/models/x2/model.json", "{}"u8.ToArray()), ("package/../../evil.txt", "x"u8.ToArray())]);
        var entry = new CatalogModel("evil-x2", "super-resolution", 2, new NpmPackage("@test/evil", "1.0.0", PackageIntegrity.Compute(tarball)),
            "models/x2", "tfjs-layers", ValueRange.Byte, ValueRange.Byte, "", 1, "MIT", "none", null, null, "test");
        var store = Store();
        Directory.CreateDirectory(store.PackagesFolder);
        File.Copy(tarball, store.PackagePath(entry.Package));
        var e = await Assert.ThrowsAsync<UnsafeArchiveException>(() => store.PullAsync(entry));
        Assert.Contains("contains '..'", e.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(store.Root, "evil.txt")));
        AssertNothingCached(store, "evil-x2");
    }

    [Fact]
    public async Task A_conversion_failure_leaves_no_half_entry()
    {
        var tarball = Path.Combine(_dir, "tiny.tgz");
        var entry = TestPackages.TinyPackage(_dir, tarball, folder =>
            File.WriteAllText(Path.Combine(folder, "model.json"), File.ReadAllText(Path.Combine(folder, "model.json")).Replace("\"PixelShuffle2x\"", "\"SubPixel\"", StringComparison.Ordinal)));
        var store = Store();
        Directory.CreateDirectory(store.PackagesFolder);
        File.Copy(tarball, store.PackagePath(entry.Package));
        var e = await Assert.ThrowsAsync<ModelImportException>(() => store.PullAsync(entry));
        Assert.Contains("class 'SubPixel'", e.Message, StringComparison.Ordinal);
        AssertNothingCached(store, "tiny-x2");
    }

    [Fact]
    public async Task A_catalog_entry_that_disagrees_with_the_network_is_refused()
    {
        var tarball = Path.Combine(_dir, "tiny.tgz");
        var entry = TestPackages.TinyPackage(_dir, tarball) with { Scale = 4 };
        var store = Store();
        Directory.CreateDirectory(store.PackagesFolder);
        File.Copy(tarball, store.PackagePath(entry.Package));
        var e = await Assert.ThrowsAsync<ModelStoreException>(() => store.PullAsync(entry));
        Assert.Contains("the catalog says scale 4", e.Message, StringComparison.Ordinal);
        AssertNothingCached(store, "tiny-x2");
    }

    [Fact]
    public void Import_tfjs_detects_and_checks_the_scale()
    {
        var path = TfjsLayersImporterTests.AllLayers().Write(Path.Combine(_dir, "m"));
        var store = Store();
        var e = Assert.Throws<ModelStoreException>(() => store.ImportTfjs(path, new ModelImportRequest("mine", ValueRange.Byte) { Scale = 3 }));
        Assert.Contains("upscales by 2, not by the declared --scale 3", e.Message, StringComparison.Ordinal);
        var installed = store.ImportTfjs(path, new ModelImportRequest("Mine", ValueRange.Byte));
        Assert.Equal("mine", installed.Name);
        Assert.Equal(2, installed.Manifest.Scale);
        Assert.Equal("import", installed.Manifest.Origin);
        Assert.Equal(ModelCatalog.SuperResolution, installed.Manifest.Task);
        Assert.Throws<ModelStoreException>(() => store.ImportTfjs(path, new ModelImportRequest("mine", ValueRange.Byte)));
        Assert.Equal(2, store.ImportTfjs(path, new ModelImportRequest("mine", ValueRange.Unit) { Force = true }).Manifest.Scale);
        Assert.Equal(ValueRange.Unit, store.Find("mine")!.Manifest.InputRange);
    }

    [Theory]
    [InlineData("esrgan-slim-x2", "is a catalog model name")]
    [InlineData("../evil", "is not valid")]
    [InlineData("", "is not valid")]
    public void Import_names_are_checked(string name, string expected)
    {
        var path = TfjsLayersImporterTests.AllLayers().Write(Path.Combine(_dir, "m"));
        var e = Assert.Throws<ModelStoreException>(() => Store().ImportTfjs(path, new ModelImportRequest(name, ValueRange.Byte)));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Import_onnx_probes_the_scale_and_copies_the_file()
    {
        var path = Path.Combine(_dir, "two.onnx");
        File.WriteAllBytes(path, OnnxModelTests.TwoTimesModel());
        var store = Store();
        var installed = store.ImportOnnx(path, new ModelImportRequest("same-size", ValueRange.Unit));
        Assert.Equal(1, installed.Manifest.Scale);
        Assert.Equal("restoration", installed.Manifest.Task);
        Assert.Equal(9, installed.Manifest.ParameterCount);
        Assert.Equal(File.ReadAllBytes(path), File.ReadAllBytes(installed.OnnxPath));

        var text = Path.Combine(_dir, "text.onnx");
        File.WriteAllText(text, "hello");
        Assert.Throws<OnnxModelException>(() => store.ImportOnnx(text, new ModelImportRequest("bad", ValueRange.Unit)));
        AssertNothingCached(store, "bad");
    }

    [Fact]
    public void Resolve_explains_what_to_do()
    {
        var store = Store();
        var notCached = Assert.Throws<ModelStoreException>(() => store.Resolve("esrgan-thick-x4"));
        Assert.Contains("run 'restorebench models pull esrgan-thick-x4' first", notCached.Message, StringComparison.Ordinal);
        var unknown = Assert.Throws<UnknownModelException>(() => store.Resolve("esrgan-thick-x5"));
        Assert.NotNull(unknown.Suggestion);
    }

    [Fact]
    public void Default_root_honours_RESTOREBENCH_HOME()
    {
        var previous = Environment.GetEnvironmentVariable(ModelStore.EnvironmentVariable);
        try
        {
            Environment.SetEnvironmentVariable(ModelStore.EnvironmentVariable, _dir);
            Assert.Equal(_dir, ModelStore.DefaultRoot());
            Environment.SetEnvironmentVariable(ModelStore.EnvironmentVariable, null);
            Assert.EndsWith("restorebench", ModelStore.DefaultRoot(), StringComparison.OrdinalIgnoreCase);
        }
        finally
        {
            Environment.SetEnvironmentVariable(ModelStore.EnvironmentVariable, previous);
        }
    }

    /// <summary>Records progress synchronously (Progress&lt;T&gt; would post to the thread pool).</summary>
    private sealed class SyncLog(List<string> lines) : IProgress<string>
    {
        public void Report(string value) => lines.Add(value);
    }
}
