using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using RestoreBench.Core.Imaging;
using RestoreBench.Degradations.Retention;
using RestoreBench.Experiments.Resources;
using RestoreBench.Experiments.Restorers;
using RestoreBench.Experiments.Spec;
using RestoreBench.Experiments.Store;
using RestoreBench.Metrics;
using RestoreBench.Metrics.Alignment;
using RestoreBench.Metrics.Catalog;
using RestoreBench.Metrics.Retention;
using RestoreBench.Restorers;
using RestoreBench.Restorers.Resources;

namespace RestoreBench.Experiments.Running;

/// <summary>Settings of one run.</summary>
public sealed record RunOptions
{
    /// <summary>Output folder (the store and every written image go here).</summary>
    public required string OutputFolder { get; init; }

    /// <summary>Creates restorers from spec entries.</summary>
    public required IRestorerFactory Factory { get; init; }

    /// <summary>This process's shard, or null for all items.</summary>
    public Shard? Shard { get; init; }

    /// <summary>Work items processed in parallel (0 = all cores). Results do not depend on it.</summary>
    public int Threads { get; init; }

    /// <summary>Tool version for the store's meta table.</summary>
    public string ToolVersion { get; init; } = "restorebench";

    /// <summary>Metric catalog.</summary>
    public MetricCatalog Catalog { get; init; } = MetricCatalog.Default;

    /// <summary>Progress reports (phase, done, total), or null.</summary>
    public IProgress<RunProgress>? Progress { get; init; }

    /// <summary>Notices (skipped restorers and metrics), one line each, or null.</summary>
    public Action<string>? Notice { get; init; }
}

/// <summary>Progress of a run: <paramref name="Done"/> of <paramref name="Total"/> work items of the current phase.</summary>
public sealed record RunProgress(string Phase, int Done, int Total, int Failed);

/// <summary>What a run did.</summary>
/// <param name="StorePath">The results store.</param>
/// <param name="Items">Work items (sample × restorer) owned by this run.</param>
/// <param name="Computed">Items restored or scored in this invocation.</param>
/// <param name="Cached">Items already complete in the store.</param>
/// <param name="Failures">Failed items and score errors, one line each.</param>
/// <param name="Warnings">Skipped restorers/metrics and other notices.</param>
/// <param name="Cancelled">True when stopped by cancellation (the store holds every finished item).</param>
public sealed record RunOutcome(string StorePath, int Items, int Computed, int Cached, IReadOnlyList<string> Failures, IReadOnlyList<string> Warnings, bool Cancelled);

/// <summary>
/// Runs an experiment spec into a results store (docs/experiments.md). Work item = (sample, restorer):
/// the sample is degraded once (Eq. 1, with α, β, γ of Eq. 12 stored), the restorer's output written as
/// an 8-bit PNG (atomically) and scored; the output row and its scores are committed in one transaction
/// per item, so a kill loses at most the items in flight. Running again computes only what is missing:
/// samples whose LQ file exists, outputs whose row is <c>ok</c> and whose file exists, and score keys
/// present are reused; a restorer whose configuration hash changed has its rows recomputed. Restorers
/// run one after another (one model loaded, resources measured per restorer); items of one restorer run
/// in parallel. Every computation is deterministic, so stores are identical whatever the thread count
/// (timings aside).
/// </summary>
public sealed class ExperimentRunner
{
    private readonly ExperimentSpec _spec;
    private readonly RunOptions _options;
    private readonly List<string> _warnings = [];
    private readonly ConcurrentQueue<string> _failures = new();
    private readonly Lock _storeLock = new();
    private readonly ConcurrentDictionary<string, string> _fileHashes = new(StringComparer.Ordinal);

    /// <summary>Creates a runner for <paramref name="spec"/>.</summary>
    public ExperimentRunner(ExperimentSpec spec, RunOptions options)
    {
        _spec = spec ?? throw new ArgumentNullException(nameof(spec));
        _options = options ?? throw new ArgumentNullException(nameof(options));
    }

    private int Threads => _options.Threads > 0 ? _options.Threads : Environment.ProcessorCount;

    /// <summary>The store path for these options: results.db, or results-shard-i-of-N.db.</summary>
    public static string StorePath(RunOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Path.GetFullPath(Path.Combine(options.OutputFolder, options.Shard?.StoreFileName ?? ResultsStore.DefaultFileName));
    }

    /// <summary>Runs the spec. Cancellation stops after the items in flight; the outcome says so.</summary>
    /// <exception cref="SpecException">Unknown metric, no images.</exception>
    /// <exception cref="StoreException">The store cannot be opened (locked, corrupt, foreign, unwritable).</exception>
    public async Task<RunOutcome> RunAsync(CancellationToken cancellationToken = default)
    {
        RunPlan.CheckMetricNames(_spec, _options.Catalog.Names);
        var tasks = TaskExpansion.ExpandAll(_spec);
        var restorers = RestorerExpansion.ExpandAll(_spec);
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var r in restorers)
        {
            if (!names.Add(r.Name))
            {
                throw new SpecException($"restorers: duplicate restorer name '{r.Name}'");
            }
        }

        var images = new List<DatasetImage>();
        foreach (var d in _spec.Datasets)
        {
            images.AddRange(RunPlan.ListImages(d, _warnings));
        }

        var storePath = StorePath(_options);
        using var store = ResultsStore.OpenForWriting(storePath, _options.ToolVersion);
        AtomicFile.CleanTemporaries(store.Folder);
        var run = new RunRow(Guid.NewGuid().ToString(), ResultsStore.Utc(DateTime.UtcNow), null, _spec.SourceText,
            SpecHash(), _options.Shard?.ToString(), MachineInfo.Json(), "[]");
        store.UpsertRun(run);
        foreach (var task in tasks)
        {
            store.UpsertTask(new TaskRow(task.Name, task.Group, task.Spec?.ToString(), task.SweepParameter, task.SweepValue));
        }

        var metrics = PrepareMetrics(store);
        var samples = PlanSamples(images, tasks);
        var cancelled = false;
        int items = 0, computed = 0, cached = 0;
        var instances = new Dictionary<string, IRestorer?>(StringComparer.Ordinal);
        try
        {
            // Which (sample, restorer) items exist and belong to this shard.
            var plan = new List<(ExpandedRestorer Restorer, IRestorer? Any, List<(SamplePlan Sample, IRestorer? Instance)> Items)>();
            var neededSamples = new HashSet<string>(StringComparer.Ordinal);
            foreach (var restorer in restorers)
            {
                var list = new List<(SamplePlan, IRestorer?)>();
                IRestorer? any = null;
                var unavailable = false;
                foreach (var task in tasks)
                {
                    if (unavailable || !Applies(restorer, task, instances, out var instance, ref unavailable))
                    {
                        continue;
                    }

                    any ??= instance;
                    foreach (var sample in samples)
                    {
                        if (sample.Task == task && (_options.Shard?.Owns(sample.Key + "\n" + restorer.Name) ?? true))
                        {
                            list.Add((sample, instance));
                            neededSamples.Add(sample.SampleId);
                        }
                    }
                }

                if (!unavailable)
                {
                    plan.Add((restorer, any, list));
                    items += list.Count;
                }
            }

            // Phase 1: degrade the samples this shard needs.
            var existing = store.Samples();
            var toDegrade = samples.Where(s => neededSamples.Contains(s.SampleId)
                && !(existing.TryGetValue(s.SampleId, out var row) && File.Exists(Absolute(store, row.LqFile)))).ToList();
            var degraded = 0;
            Report("degrade", 0, toDegrade.Count);
            await Parallel.ForEachAsync(toDegrade, ParallelOptionsFor(cancellationToken), (sample, ct) =>
            {
                var row = Degrade(store, sample);
                lock (_storeLock)
                {
                    if (row is not null)
                    {
                        store.UpsertSample(row);
                    }
                }

                Report("degrade", Interlocked.Increment(ref degraded), toDegrade.Count);
                return ValueTask.CompletedTask;
            }).ConfigureAwait(false);
            existing = store.Samples();

            // Phase 2: restore and score, one restorer at a time.
            foreach (var (restorer, any, list) in plan)
            {
                // Parameters from the restorer itself (also when this shard has none of its items).
                var parameters = restorer.Entry.Type is "lq" ? 0 : any?.Info.ParameterCount;
                if (store.UpsertRestorer(new RestorerRow(restorer.Name, restorer.Kind, restorer.Family, restorer.KnobsJson, parameters,
                        restorer.SettingsJson, restorer.ConfigHash)))
                {
                    Notice($"{restorer.Name}: configuration changed since the last run; its outputs and scores are recomputed");
                }

                var outputs = store.Outputs();
                var scoreKeys = store.ScoreKeys();
                var memory = PeakMemory.Start();
                var done = 0;
                Report(restorer.Name, 0, list.Count);
                await Parallel.ForEachAsync(list, ParallelOptionsFor(cancellationToken), async (item, ct) =>
                {
                    if (!existing.TryGetValue(item.Sample.SampleId, out var sampleRow))
                    {
                        Report(restorer.Name, Interlocked.Increment(ref done), list.Count);
                        return; // its degradation failed (recorded)
                    }

                    var didWork = await ProcessItem(store, restorer, item.Instance, item.Sample, sampleRow, outputs, scoreKeys, metrics, memory, ct).ConfigureAwait(false);
                    if (didWork)
                    {
                        Interlocked.Increment(ref computed);
                    }
                    else
                    {
                        Interlocked.Increment(ref cached);
                    }

                    Report(restorer.Name, Interlocked.Increment(ref done), list.Count);
                }).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            cancelled = true;
        }
        finally
        {
            foreach (var instance in instances.Values)
            {
                instance?.Dispose();
            }

            foreach (var pool in metrics.Pools.Values)
            {
                foreach (var m in pool)
                {
                    (m as IDisposable)?.Dispose();
                }
            }
        }

        var failures = _failures.Order(StringComparer.Ordinal).ToList();
        lock (_storeLock)
        {
            store.UpsertRun(run with
            {
                FinishedUtc = cancelled ? null : ResultsStore.Utc(DateTime.UtcNow),
                WarningsJson = JsonSerializer.Serialize(_warnings),
            });
        }

        return new RunOutcome(storePath, items, computed, cached, failures, _warnings, cancelled);
    }

    private ParallelOptions ParallelOptionsFor(CancellationToken ct) => new() { MaxDegreeOfParallelism = Threads, CancellationToken = ct };

    private void Report(string phase, int done, int total) => _options.Progress?.Report(new RunProgress(phase, done, total, _failures.Count));

    private void Notice(string message)
    {
        lock (_warnings)
        {
            _warnings.Add(message);
        }

        _options.Notice?.Invoke(message);
    }

    private string SpecHash()
    {
        // Normalised spec: the parsed structure as JSON (comments, key order and layout do not count).
        var normal = JsonSerializer.Serialize(new
        {
            _spec.Name,
            _spec.Seeds,
            Datasets = _spec.Datasets,
            Tasks = _spec.Tasks.Select(t => new { t.Name, t.Degradation, Sweep = t.Sweep.Select(s => new { s.Key, s.Value }), t.GivenScale, t.Seeds }),
            Restorers = _spec.Restorers.Select(r => new { r.Name, r.Type, r.Settings, r.Tasks, Knobs = r.Knobs.Select(k => new { k.Key, k.Value }) }),
            _spec.Metrics,
        });
        return Hashing.Sha256Hex(normal);
    }

    // ---- planning -----------------------------------------------------------------------------

    private List<SamplePlan> PlanSamples(List<DatasetImage> images, IReadOnlyList<ExpandedTask> tasks)
    {
        var samples = new List<SamplePlan>();
        foreach (var task in tasks)
        {
            foreach (var image in images)
            {
                var source = task.IsGivenLqTask() ? image.LqPath : image.GtPath;
                if (source is null)
                {
                    Notice(task.IsGivenLqTask()
                        ? $"task {task.Name}: dataset {image.Dataset} has no given LQ for {image.Image}; skipped"
                        : $"task {task.Name}: dataset {image.Dataset} has no ground truth for {image.Image}; skipped");
                    continue;
                }

                var hash = _fileHashes.GetOrAdd(source, Hashing.FileSha256Hex);
                foreach (var seed in task.Seeds)
                {
                    samples.Add(new SamplePlan(image, task, seed, RunPlan.SampleId(image, task, seed, hash)));
                }
            }
        }

        return samples;
    }

    private bool Applies(ExpandedRestorer restorer, ExpandedTask task, Dictionary<string, IRestorer?> instances, out IRestorer? instance, ref bool unavailable)
    {
        instance = null;
        var entry = restorer.Entry;
        if (entry.Tasks.Count > 0 && !entry.Tasks.Contains(task.Name) && !entry.Tasks.Contains(task.Group))
        {
            return false;
        }

        if (entry.Type == "lq")
        {
            return true;
        }

        string? resolved = null, folder = null;
        if (entry.Type == "classical")
        {
            resolved = RestorerTemplates.Classical(entry.Get("spec")!, task);
            if (resolved is null)
            {
                return false;
            }
        }
        else if (entry.Type == "folder")
        {
            folder = RestorerTemplates.Folder(entry.Get("path")!, task);
        }

        var key = restorer.Name + "\n" + (resolved ?? folder ?? "");
        if (!instances.TryGetValue(key, out instance))
        {
            try
            {
                instance = _options.Factory.Create(restorer, resolved, folder, 1);
            }
            catch (RestorerUnavailableException e)
            {
                Notice($"{restorer.Name}: skipped ({e.Message})");
                unavailable = true;
                instances[key] = null;
                return false;
            }

            instances[key] = instance;
        }

        if (instance is null)
        {
            unavailable = true;
            return false;
        }

        // A restorer applies to tasks whose α equals its scale (an ×4 network on SR4, a deblurrer on α = 1).
        return task.IntegerScale == instance.Info.Scale;
    }

    // ---- metrics ------------------------------------------------------------------------------

    private sealed record PreparedMetrics(List<(MetricSpec Spec, MetricDescriptor Descriptor)> Active, ConcurrentDictionary<string, ConcurrentBag<object>> Pools);

    private PreparedMetrics PrepareMetrics(ResultsStore store)
    {
        var active = new List<(MetricSpec, MetricDescriptor)>();
        foreach (var m in _spec.Metrics)
        {
            var descriptor = _options.Catalog.Describe(m.Name);
            if (m.Name == "lpips" && !m.Settings.ContainsKey("backbone"))
            {
                Notice("lpips: skipped (give its backbone in the spec: {name: lpips, backbone: FILE.onnx}; see docs/metrics.md, LPIPS)");
                continue;
            }

            if (m.Name == "align_dinov2" && !m.Settings.ContainsKey("encoder"))
            {
                Notice("align_dinov2: skipped (give an encoder in the spec: {name: align_dinov2, encoder: FILE.onnx, mode: auto}; see docs/metrics.md, Alignment)");
                continue;
            }

            try
            {
                // Probe: creating it checks its options (an LPIPS backbone, an alignment encoder).
                var probe = CreateMetric(m, ProbeTask(), 1);
                (probe as IDisposable)?.Dispose();
            }
            catch (Exception e) when (e is ArgumentException or IOException or InvalidOperationException or FormatException
                                          or Microsoft.ML.OnnxRuntime.OnnxRuntimeException or Onnx.Runtime.OnnxModelException)
            {
                Notice($"{m.Name}: skipped ({OneLine(e)})");
                continue;
            }

            active.Add((m, descriptor));
            store.UpsertMetric(m.Name, Kind(descriptor.Kind), descriptor.Direction == MetricDirection.HigherIsBetter ? "higher" : "lower", descriptor.Description);
        }

        return new PreparedMetrics(active, new ConcurrentDictionary<string, ConcurrentBag<object>>(StringComparer.Ordinal));
    }

    private ExpandedTask? ProbeTask() => TaskExpansion.ExpandAll(_spec).FirstOrDefault(t => t.Spec is not null);

    private object CreateMetric(MetricSpec m, ExpandedTask? task, int taskScale)
    {
        var crop = m.Crop < 0 ? taskScale : m.Crop;
        AlignmentOptions? alignment = null;
        if (m.Settings.TryGetValue("encoder", out var encoder))
        {
            alignment = new AlignmentOptions
            {
                EncoderPath = encoder,
                Mode = AlignmentOptions.ParseMode(m.Settings.TryGetValue("mode", out var mode) ? mode : "gt"),
            };
        }

        return _options.Catalog.Create(m.Name, new MetricOptions
        {
            CropBorder = crop,
            DegreeOfParallelism = 1,
            Degradation = task?.Spec,
            LpipsBackbone = m.Settings.TryGetValue("backbone", out var b) ? b : null,
            Alignment = alignment,
        });
    }

    private static string Kind(MetricKind kind) => kind switch
    {
        MetricKind.FullReference => "full_reference",
        MetricKind.NoReference => "no_reference",
        MetricKind.DegradationConsistency => "consistency",
        MetricKind.Alignment => "alignment",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown metric kind"),
    };

    /// <summary>Scores one restored image with one metric; returns (value, error).</summary>
    private (double? Value, string? Error) Score(PreparedMetrics metrics, MetricSpec spec, MetricDescriptor descriptor, ExpandedTask task, ImageTensor restored, ImageTensor? gt, ImageTensor lq, double? gamma)
    {
        var scale = task.IntegerScale ?? 1;
        var key = spec.Name + "\n" + spec.OptionText(scale) + "\n" + task.Name;
        var pool = metrics.Pools.GetOrAdd(key, _ => []);
        if (!pool.TryTake(out var metric))
        {
            metric = CreateMetric(spec, task, scale);
        }

        try
        {
            double value;
            switch (metric)
            {
                case IFullReferenceMetric fr:
                    if (gt is null)
                    {
                        return (null, "no ground truth (given LQ without GT)");
                    }

                    var (a, b) = SameChannels(restored, gt);
                    value = fr.Compute(a, b);
                    break;
                case INoReferenceMetric nr:
                    value = nr.Compute(restored);
                    break;
                case IConsistencyMetric cm:
                    if (task.Spec is null)
                    {
                        return (null, "needs the degradation (not known for given LQ)");
                    }

                    var (r2, l2) = SameChannels(restored, lq);
                    value = cm.Compute(r2, l2);
                    break;
                case IAlignmentMetric am:
                    var (r3, g3) = gt is null ? (restored, null) : SameChannels(restored, gt);
                    var (r4, l4) = SameChannels(r3, lq);
                    value = am.Compute(new AlignmentInputs(r4, g3, l4, gamma)).Value;
                    break;
                default:
                    return (null, $"{descriptor.Kind} metric of type {metric.GetType().Name} is not supported by the runner");
            }

            return (value, null);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or RestorerException)
        {
            return (null, OneLine(e));
        }
        finally
        {
            pool.Add(metric);
        }
    }

    private static (ImageTensor, ImageTensor) SameChannels(ImageTensor a, ImageTensor b) =>
        a.Channels == b.Channels ? (a, b) : (a.Channels == 1 ? a.ToRgb() : a, b.Channels == 1 ? b.ToRgb() : b);

    // ---- work ---------------------------------------------------------------------------------

    private SampleRow? Degrade(ResultsStore store, SamplePlan sample)
    {
        var task = sample.Task;
        try
        {
            if (task.Spec is null)
            {
                var lqImage = ImageFile.Read(sample.Image.LqPath!).Image;
                var gtSize = sample.Image.GtPath is { } g ? ImageFile.Read(g).Image : null;
                return new SampleRow(sample.SampleId, sample.Image.Dataset, sample.Image.Image, task.Name, sample.Seed, Relative(store, sample.Image.GtPath),
                    Relative(store, sample.Image.LqPath!)!, gtSize?.Width ?? lqImage.Width * task.GivenScale, gtSize?.Height ?? lqImage.Height * task.GivenScale, task.GivenScale, null, null);
            }

            var gt = ModCrop(ImageFile.Read(sample.Image.GtPath!).Image, task);
            var lq = Quantization.ToBitDepth(task.Spec.Apply(gt, sample.Seed, sample.Image.Image), 8);
            var rate = RetentionRate.Measure(gt, lq, task.Spec.Alpha, new SsimLevelMeasure());
            var file = Path.Combine(store.Folder, "lq", task.Name, sample.Image.Dataset, sample.FileStem + ".png");
            AtomicFile.WritePng(lq, file);
            return new SampleRow(sample.SampleId, sample.Image.Dataset, sample.Image.Image, task.Name, sample.Seed, Relative(store, sample.Image.GtPath),
                Relative(store, file)!, gt.Width, gt.Height, rate.Alpha, rate.Beta, rate.Gamma);
        }
        catch (Exception e) when (e is ImageFileException or IOException or ArgumentException or InvalidOperationException or UnauthorizedAccessException)
        {
            _failures.Enqueue($"{sample.Key}: degradation failed: {OneLine(e)}");
            return null;
        }
    }

    private async Task<bool> ProcessItem(ResultsStore store, ExpandedRestorer restorer, IRestorer? instance, SamplePlan sample, SampleRow row,
        Dictionary<(string, string), OutputRow> outputs, HashSet<(string, string, string, string)> scoreKeys, PreparedMetrics metrics,
        PeakMemory memory, CancellationToken ct)
    {
        var task = sample.Task;
        var scale = task.IntegerScale ?? 1;
        // Metrics that are undefined for this sample are not computed: consistency without a known degradation
        // (given LQ), full-reference without ground truth.
        var applicable = metrics.Active.Where(m => !(m.Descriptor.Kind == MetricKind.DegradationConsistency && task.Spec is null)
                                                   && !(m.Descriptor.Kind == MetricKind.FullReference && row.GtFile is null)).ToList();
        var missing = applicable.Where(m => !scoreKeys.Contains((sample.SampleId, restorer.Name, m.Spec.Name, m.Spec.OptionText(scale)))).ToList();
        outputs.TryGetValue((sample.SampleId, restorer.Name), out var output);
        var haveOutput = output is { Status: "ok", File: { } f } && File.Exists(Absolute(store, f));
        if (haveOutput && missing.Count == 0)
        {
            return false;
        }

        ImageTensor? lq = null;
        ImageTensor? restored = null;
        OutputRow? newOutput = null;
        try
        {
            lq = ImageFile.Read(Absolute(store, row.LqFile)).Image;
            if (haveOutput)
            {
                restored = ImageFile.Read(Absolute(store, output!.File!)).Image;
            }
            else
            {
                var clock = Stopwatch.StartNew();
                var result = instance is null
                    ? RetentionRate.UpsampleBack(lq, row.Height, row.Width) // the 'lq' restorer: bicubic back to GT size
                    : await instance.RestoreAsync(lq, new RestoreContext(sample.Image.Image, sample.Seed), ct).ConfigureAwait(false);
                var latency = clock.Elapsed.TotalMilliseconds;
                var peak = memory.PeakDeltaBytes;
                RestorerOutput.CheckFinite(sample.Key, result);
                restored = Quantization.ToBitDepth(result, 8);
                var file = Path.Combine(store.Folder, "restored", restorer.Name, task.Name, sample.Image.Dataset, sample.FileStem + ".png");
                var hash = AtomicFile.WritePng(restored, file);
                newOutput = new OutputRow(sample.SampleId, restorer.Name, "ok", Relative(store, file), hash, latency, peak, null);
                missing = applicable; // a new output is scored afresh
            }
        }
        catch (Exception e) when (e is RestorerException or IOException or ImageFileException or ArgumentException or InvalidOperationException
                                      or UnauthorizedAccessException or Microsoft.ML.OnnxRuntime.OnnxRuntimeException)
        {
            var message = OneLine(e);
            _failures.Enqueue($"{sample.Key} × {restorer.Name}: {message}");
            lock (_storeLock)
            {
                store.WriteItem(new OutputRow(sample.SampleId, restorer.Name, "failed", null, null, null, null, message), []);
            }

            return true;
        }

        ImageTensor? gt = null;
        if (row.GtFile is { } gtFile && missing.Any(m => m.Descriptor.Kind is MetricKind.FullReference or MetricKind.Alignment))
        {
            gt = ModCrop(ImageFile.Read(Absolute(store, gtFile)).Image, task);
        }

        var scores = new List<ScoreRow>(missing.Count);
        foreach (var (spec, descriptor) in missing)
        {
            ct.ThrowIfCancellationRequested();
            var (value, error) = Score(metrics, spec, descriptor, task, restored!, gt, lq!, row.Gamma);
            if (error is not null && error.StartsWith(spec.Name + ": ", StringComparison.Ordinal))
            {
                error = error[(spec.Name.Length + 2)..];
            }

            if (error is not null)
            {
                _failures.Enqueue($"{sample.Key} × {restorer.Name}: {spec.Name}: {error}");
            }

            scores.Add(new ScoreRow(sample.SampleId, restorer.Name, spec.Name, spec.OptionText(scale), value, error));
        }

        lock (_storeLock)
        {
            store.WriteItem(newOutput, scores);
        }

        return true;
    }

    /// <summary>
    /// The ground truth cropped to a multiple of the task's integer scale α, keeping the top-left corner
    /// (MATLAB/BasicSR <c>modcrop</c>), so that an ×α restoration of the LQ has the GT's size. Other tasks: unchanged.
    /// </summary>
    public static ImageTensor ModCrop(ImageTensor gt, ExpandedTask task)
    {
        ArgumentNullException.ThrowIfNull(gt);
        ArgumentNullException.ThrowIfNull(task);
        if (task.Spec is null || task.IntegerScale is not (> 1 and var s) || (gt.Height % s == 0 && gt.Width % s == 0))
        {
            return gt;
        }

        return gt.Crop(0, 0, gt.Height - gt.Height % s, gt.Width - gt.Width % s);
    }

    /// <summary>Path as stored: relative (with '/') when inside the store's folder, else absolute.</summary>
    internal static string? Relative(ResultsStore store, string? path)
    {
        if (path is null)
        {
            return null;
        }

        var full = Path.GetFullPath(path);
        var relative = Path.GetRelativePath(store.Folder, full);
        return relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? full : relative.Replace('\\', '/');
    }

    /// <summary>A stored path made absolute.</summary>
    internal static string Absolute(ResultsStore store, string stored) =>
        Path.IsPathRooted(stored) ? stored : Path.Combine(store.Folder, stored);

    private static string OneLine(Exception e)
    {
        var message = e is ArgumentException { ParamName: { } p } ? e.Message.Replace($" (Parameter '{p}')", "", StringComparison.Ordinal) : e.Message;
        return message.ReplaceLineEndings(" ").Trim();
    }
}

internal static class ExpandedTaskExtensions
{
    public static bool IsGivenLqTask(this ExpandedTask task) => task.Spec is null;
}
