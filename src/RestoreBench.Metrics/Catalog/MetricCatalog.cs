using RestoreBench.Core.Text;
using RestoreBench.Metrics.Alignment;
using RestoreBench.Metrics.Consistency;
using RestoreBench.Metrics.FullReference;
using RestoreBench.Metrics.Learned;
using RestoreBench.Metrics.NoReference;

namespace RestoreBench.Metrics.Catalog;

/// <summary>One catalog entry: what the metric is and how to make it from options.</summary>
/// <param name="Descriptor">Name, kind, direction, range and reference.</param>
/// <param name="Factory">
/// Creates the metric. The product implements <see cref="IFullReferenceMetric"/> for
/// <see cref="MetricKind.FullReference"/>, <see cref="INoReferenceMetric"/> for
/// <see cref="MetricKind.NoReference"/>, and whatever type its consumer expects for the other kinds
/// (degradation-consistency and alignment metrics need extra inputs such as the degradation).
/// </param>
public sealed record MetricCatalogEntry(MetricDescriptor Descriptor, Func<MetricOptions, object> Factory);

/// <summary>
/// Metric names → descriptors and factories, registered explicitly (no reflection). Every metric
/// shipped with RestoreBench is registered in <see cref="CreateDefault"/>; callers that add their own
/// (the CLI's degradation-consistency metrics) start from <see cref="CreateDefault"/> and call
/// <see cref="Register"/>. Unknown names throw <see cref="UnknownMetricException"/> with a
/// "did you mean" suggestion.
/// </summary>
public sealed class MetricCatalog
{
    private readonly Dictionary<string, MetricCatalogEntry> _entries = new(StringComparer.Ordinal);
    private readonly List<string> _order = [];

    /// <summary>The shipped metrics, read-only. Use <see cref="CreateDefault"/> for a copy that accepts registrations.</summary>
    public static MetricCatalog Default { get; } = CreateDefault().Freeze();

    /// <summary>True for <see cref="Default"/>: <see cref="Register"/> throws.</summary>
    public bool IsReadOnly { get; private set; }

    /// <summary>Registered names in registration order.</summary>
    public IReadOnlyList<string> Names => _order;

    /// <summary>
    /// A new, writable catalog with every shipped metric. This method is the one place where
    /// metrics are registered.
    /// </summary>
    public static MetricCatalog CreateDefault()
    {
        var catalog = new MetricCatalog();

        // Distortion (full reference), BasicSR / MATLAB conventions: docs/metrics.md.
        catalog.Register(Psnr.RgbDescriptor, o => new Psnr(MetricChannels.Rgb, o.CropBorder, o.DegreeOfParallelism));
        catalog.Register(Psnr.YDescriptor, o => new Psnr(MetricChannels.Y, o.CropBorder, o.DegreeOfParallelism));
        catalog.Register(Ssim.RgbDescriptor, o => new Ssim(MetricChannels.Rgb, o.CropBorder, o.DegreeOfParallelism));
        catalog.Register(Ssim.YDescriptor, o => new Ssim(MetricChannels.Y, o.CropBorder, o.DegreeOfParallelism));
        catalog.Register(MsSsim.YDescriptor, o => new MsSsim(MetricChannels.Y, o.CropBorder, o.DegreeOfParallelism));
        catalog.Register(MsSsim.RgbDescriptor, o => new MsSsim(MetricChannels.Rgb, o.CropBorder, o.DegreeOfParallelism));

        // Degradation consistency: S(D(restored), lq), the pixel-space form of Eq. 15.
        catalog.Register(DegradationConsistency.PsnrDescriptor, o => DegradationConsistency.Create(DegradationConsistency.PsnrDescriptor, new Psnr(MetricChannels.Rgb, 0, o.DegreeOfParallelism), o));
        catalog.Register(DegradationConsistency.SsimDescriptor, o => DegradationConsistency.Create(DegradationConsistency.SsimDescriptor, new Ssim(MetricChannels.Rgb, 0, o.DegreeOfParallelism), o));

        // Perception (no reference): docs/metrics.md. NIQE's crop follows --crop-border.
        catalog.Register(Niqe.NiqeDescriptor, o => new Niqe(new NiqeOptions(CropBorder: o.CropBorder)));
        catalog.Register(Brisque.BrisqueDescriptor, _ => new Brisque());

        // Alignment (paper Eq. 13-15): embedding distance with a user-supplied encoder, and the weight-free
        // pixel-space form (the value of lr_psnr under the alignment name). docs/metrics.md, "Alignment".
        catalog.Register(EmbeddingAlignment.Dinov2Descriptor, EmbeddingAlignment.Create);
        catalog.Register(DegradationConsistency.AlignLrDescriptor, o => DegradationConsistency.Create(DegradationConsistency.AlignLrDescriptor, new Psnr(MetricChannels.Rgb, 0, o.DegreeOfParallelism), o));

        // Learned metrics: the backbone is a user-supplied ONNX file (docs/metrics.md, LPIPS).
        catalog.Register(Lpips.LpipsDescriptor, o => o.LpipsBackbone is { Length: > 0 } backbone
            ? Lpips.Load(backbone, o.CropBorder, o.DegreeOfParallelism)
            : throw new ArgumentException("lpips needs --lpips NAME|FILE.onnx (an LPIPS backbone ONNX file; see docs/metrics.md)"));
        return catalog;
    }

    /// <summary>Adds a metric under <c>descriptor.Name</c> and returns this catalog.</summary>
    /// <exception cref="ArgumentException">The name is empty, not lower case <c>[a-z0-9_]</c>, or already registered.</exception>
    /// <exception cref="InvalidOperationException">The catalog is read-only (<see cref="Default"/>).</exception>
    public MetricCatalog Register(MetricDescriptor descriptor, Func<MetricOptions, object> factory)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        ArgumentNullException.ThrowIfNull(factory);
        if (IsReadOnly)
        {
            throw new InvalidOperationException("MetricCatalog.Default is read-only; register on MetricCatalog.CreateDefault() instead.");
        }

        var name = descriptor.Name;
        if (!IsValidName(name))
        {
            throw new ArgumentException($"Metric name '{name}' is invalid: use lower case letters, digits and '_' (e.g. 'ssim_y').", nameof(descriptor));
        }

        if (!_entries.TryAdd(name, new MetricCatalogEntry(descriptor, factory)))
        {
            throw new ArgumentException($"Metric '{name}' is already registered.", nameof(descriptor));
        }

        _order.Add(name);
        return this;
    }

    /// <summary>True when <paramref name="name"/> is registered (exact, case-sensitive).</summary>
    public bool Contains(string name) => _entries.ContainsKey(name);

    /// <summary>The entry for <paramref name="name"/>.</summary>
    /// <exception cref="UnknownMetricException">Not registered.</exception>
    public MetricCatalogEntry Get(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (_entries.TryGetValue(name, out var entry))
        {
            return entry;
        }

        var known = new List<string>(_order);
        known.Sort(StringComparer.Ordinal);
        throw new UnknownMetricException(name, NameSuggestion.Closest(name, known), known);
    }

    /// <summary>The descriptor of <paramref name="name"/>.</summary>
    /// <exception cref="UnknownMetricException">Not registered.</exception>
    public MetricDescriptor Describe(string name) => Get(name).Descriptor;

    /// <summary>
    /// Creates metric <paramref name="name"/> with <paramref name="options"/> (default:
    /// <see cref="MetricOptions.Default"/>). The product's type follows the entry's kind.
    /// </summary>
    /// <exception cref="UnknownMetricException">Not registered.</exception>
    /// <exception cref="InvalidOperationException">The factory returned an object that does not match the registered kind.</exception>
    public object Create(string name, MetricOptions? options = null)
    {
        var entry = Get(name);
        var metric = entry.Factory(options ?? MetricOptions.Default)
            ?? throw new InvalidOperationException($"The factory of metric '{name}' returned null.");
        var kind = entry.Descriptor.Kind;
        var matches = kind switch
        {
            MetricKind.FullReference => metric is IFullReferenceMetric fr && fr.Descriptor.Name == name,
            MetricKind.NoReference => metric is INoReferenceMetric nr && nr.Descriptor.Name == name,
            MetricKind.DegradationConsistency => metric is IConsistencyMetric c && c.Descriptor.Name == name,
            MetricKind.Alignment => true, // IAlignmentMetric (align_dinov2) or IConsistencyMetric (align_lr); checked by the consumer
            _ => throw new InvalidOperationException($"Metric '{name}' has an unsupported kind {kind}."),
        };
        if (!matches)
        {
            throw new InvalidOperationException($"The factory of metric '{name}' ({kind}) returned a {metric.GetType().Name} that is not a {kind} metric named '{name}'.");
        }

        return metric;
    }

    /// <summary>Creates a full-reference metric.</summary>
    /// <exception cref="UnknownMetricException">Not registered.</exception>
    /// <exception cref="ArgumentException">The metric is of another kind.</exception>
    public IFullReferenceMetric CreateFullReference(string name, MetricOptions? options = null) =>
        Create(name, options) as IFullReferenceMetric
        ?? throw new ArgumentException($"Metric '{name}' is a {Describe(name).Kind} metric, not a FullReference metric.", nameof(name));

    /// <summary>Creates a no-reference metric.</summary>
    /// <exception cref="UnknownMetricException">Not registered.</exception>
    /// <exception cref="ArgumentException">The metric is of another kind.</exception>
    public INoReferenceMetric CreateNoReference(string name, MetricOptions? options = null) =>
        Create(name, options) as INoReferenceMetric
        ?? throw new ArgumentException($"Metric '{name}' is a {Describe(name).Kind} metric, not a NoReference metric.", nameof(name));

    private MetricCatalog Freeze()
    {
        IsReadOnly = true;
        return this;
    }

    private static bool IsValidName(string name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return false;
        }

        foreach (var ch in name)
        {
            if (ch is not ((>= 'a' and <= 'z') or (>= '0' and <= '9') or '_'))
            {
                return false;
            }
        }

        return true;
    }
}
