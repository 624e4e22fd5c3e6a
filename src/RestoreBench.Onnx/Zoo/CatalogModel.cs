namespace RestoreBench.Onnx.Zoo;

/// <summary>An npm package pinned by version and by the integrity hash of its tarball.</summary>
/// <param name="Name">Package name, e.g. <c>@upscalerjs/esrgan-slim</c>.</param>
/// <param name="Version">Exact version, e.g. <c>1.0.0</c>.</param>
/// <param name="Integrity">Subresource-integrity string of the tarball as <c>npm pack --json</c> reports it (<c>sha512-…</c>).</param>
public sealed record NpmPackage(string Name, string Version, string Integrity)
{
    /// <summary><c>NAME@VERSION</c>, the argument of <c>npm pack</c>.</summary>
    public string Spec => $"{Name}@{Version}";

    /// <summary>The file name <c>npm pack</c> writes: the scope's <c>@</c> dropped and <c>/</c> replaced by <c>-</c>, e.g. <c>upscalerjs-esrgan-slim-1.0.0.tgz</c>.</summary>
    public string TarballFileName => $"{Name.TrimStart('@').Replace('/', '-')}-{Version}.tgz";
}

/// <summary>One pretrained network in the catalog.</summary>
/// <param name="Name">Catalog name, e.g. <c>esrgan-thick-x4</c>.</param>
/// <param name="Task">What it restores, e.g. <c>super-resolution</c>.</param>
/// <param name="Scale">Output/input size ratio.</param>
/// <param name="Package">The npm package that ships the weights.</param>
/// <param name="ModelPath">Folder inside the package (below <c>package/</c>) holding <c>model.json</c> and its shards.</param>
/// <param name="Format">Format of the model in the package (<c>tfjs-layers</c>).</param>
/// <param name="InputRange">Value range the network expects for an RGB input.</param>
/// <param name="OutputRange">Value range of the network's output.</param>
/// <param name="Architecture">Network family and hyper-parameters as the package states them.</param>
/// <param name="ParameterCount">Learned parameters (checked when the model is converted).</param>
/// <param name="Licence">Licence of the package.</param>
/// <param name="TrainingData">Training data as the package states it.</param>
/// <param name="FixtureInput">Path inside the package of the package's own test input (<c>assets/fixture.png</c>), or null.</param>
/// <param name="FixtureExpected">Path inside the package of the package's own result for <paramref name="FixtureInput"/>, or null.</param>
/// <param name="RangeEvidence">How the value ranges were verified.</param>
public sealed record CatalogModel(
    string Name,
    string Task,
    int Scale,
    NpmPackage Package,
    string ModelPath,
    string Format,
    ValueRange InputRange,
    ValueRange OutputRange,
    string Architecture,
    long ParameterCount,
    string Licence,
    string TrainingData,
    string? FixtureInput,
    string? FixtureExpected,
    string RangeEvidence)
{
    /// <summary>True when the package ships a fixture and the package's own result for it.</summary>
    public bool HasFixture => FixtureInput is not null && FixtureExpected is not null;
}
