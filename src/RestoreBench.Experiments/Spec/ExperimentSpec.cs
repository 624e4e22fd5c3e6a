namespace RestoreBench.Experiments.Spec;

/// <summary>
/// An experiment: datasets × tasks × seeds × restorers (× knob settings), scored with metrics
/// (docs/experiments.md). Paths are absolute (resolved against the spec file's folder when parsed).
/// </summary>
public sealed record ExperimentSpec
{
    /// <summary>Name for reports.</summary>
    public string Name { get; init; } = "experiment";

    /// <summary>Default seeds of every task (Eq. 1 noise and random kernels derive from (seed, image id, stage)).</summary>
    public IReadOnlyList<long> Seeds { get; init; } = [0];

    /// <summary>Output folder from the spec (<c>--out</c> overrides it), or null.</summary>
    public string? Output { get; init; }

    /// <summary>Image sets.</summary>
    public required IReadOnlyList<DatasetSpec> Datasets { get; init; }

    /// <summary>Degradation tasks (sweeps already expanded by <see cref="TaskSpec.Expand"/>).</summary>
    public required IReadOnlyList<TaskSpec> Tasks { get; init; }

    /// <summary>Restorers in spec order (knob sweeps expanded later).</summary>
    public required IReadOnlyList<RestorerSpec> Restorers { get; init; }

    /// <summary>Metrics with options.</summary>
    public required IReadOnlyList<MetricSpec> Metrics { get; init; }

    /// <summary>The YAML text as given.</summary>
    public string SourceText { get; init; } = "";
}

/// <summary>A folder of ground-truth images (and optionally one of given low-quality inputs).</summary>
/// <param name="Name">Dataset name (unique in the spec).</param>
/// <param name="Gt">Ground-truth folder, or null for a real-world set without GT.</param>
/// <param name="Lq">Folder of given low-quality inputs (matched by file stem), or null.</param>
/// <param name="Include">File-name glob patterns (<c>*</c>, <c>?</c>) that select images; empty = all.</param>
/// <param name="Exclude">File-name glob patterns removed after <paramref name="Include"/>.</param>
/// <param name="Limit">Keep the first N images by ordinal stem order, or null for all.</param>
public sealed record DatasetSpec(string Name, string? Gt, string? Lq, IReadOnlyList<string> Include, IReadOnlyList<string> Exclude, int? Limit);

/// <summary>
/// One task: a degradation (Eq. 1) in the compact text form, or "given LQ". A sweep task's
/// degradation holds placeholders <c>{param}</c> filled from <see cref="Sweep"/> (cartesian product).
/// </summary>
/// <param name="Name">Task (or sweep group) name.</param>
/// <param name="Degradation">Compact degradation text, e.g. <c>blur(sigma={sigma})</c>; null for given LQ.</param>
/// <param name="Sweep">Parameter → values, in spec order; empty when not swept.</param>
/// <param name="GivenScale">For given-LQ tasks: GT size / LQ size (α).</param>
/// <param name="Seeds">Seeds of this task, or null for the experiment's.</param>
public sealed record TaskSpec(string Name, string? Degradation, IReadOnlyList<KeyValuePair<string, IReadOnlyList<double>>> Sweep, int GivenScale, IReadOnlyList<long>? Seeds)
{
    /// <summary>True for "given LQ" tasks (real-world sets).</summary>
    public bool IsGivenLq => Degradation is null;
}

/// <summary>A restorer entry of the spec.</summary>
/// <param name="Name">Display name, unique in the run (knob settings are appended for swept entries).</param>
/// <param name="Type">lq, classical, catalog, onnx, external, folder or cldm.</param>
/// <param name="Settings">Every key of the entry except name/type/tasks/knobs, as canonical text values.</param>
/// <param name="Tasks">Task or task-group names it runs on, or empty for every applicable task.</param>
/// <param name="Knobs">CLDM knob sweeps (knob → values as text), in spec order; empty otherwise.</param>
/// <param name="Line">Line of the entry in the spec (1-based), for messages.</param>
public sealed record RestorerSpec(string Name, string Type, IReadOnlyDictionary<string, string> Settings, IReadOnlyList<string> Tasks,
    IReadOnlyList<KeyValuePair<string, IReadOnlyList<string>>> Knobs, int Line)
{
    /// <summary>A setting, or null.</summary>
    public string? Get(string key) => Settings.TryGetValue(key, out var v) ? v : null;
}

/// <summary>A metric with options.</summary>
/// <param name="Name">Catalog name (<c>psnr_y</c>, …).</param>
/// <param name="Crop">Border crop in pixels, or -1 for "the task's scale" (<c>crop: scale</c>); 0 = none.</param>
/// <param name="Settings">Other options (lpips <c>backbone</c>; align_dinov2 <c>encoder</c>, <c>mode</c>).</param>
public sealed record MetricSpec(string Name, int Crop, IReadOnlyDictionary<string, string> Settings)
{
    /// <summary>The canonical option string stored in <c>scores.options</c> ('' for defaults).</summary>
    public string OptionText(int taskScale)
    {
        var parts = new List<string>();
        var crop = Crop < 0 ? taskScale : Crop;
        if (crop > 0)
        {
            parts.Add($"crop={crop}");
        }

        foreach (var key in Settings.Keys.Order(StringComparer.Ordinal))
        {
            parts.Add($"{key}={Settings[key]}");
        }

        return string.Join(',', parts);
    }
}
