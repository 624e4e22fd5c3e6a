using System.Globalization;
using RestoreBench.Core.Text;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace RestoreBench.Experiments.Spec;

/// <summary>A spec error: <c>FILE:LINE: key.path: reason</c> on one line.</summary>
public sealed class SpecException(string message) : Exception(message);

/// <summary>
/// Parses the YAML experiment spec (docs/experiments.md, docs/experiments.schema.json). Every error
/// names the file, the line and the key path (<c>restorers[2].tile</c>); unknown keys get a
/// "did you mean" suggestion (<see cref="NameSuggestion"/>). Relative paths are resolved against the
/// spec file's folder.
/// </summary>
public sealed class SpecParser
{
    /// <summary>Restorer types accepted in <c>restorers[].type</c>.</summary>
    public static IReadOnlyList<string> RestorerTypes { get; } = ["lq", "classical", "catalog", "onnx", "external", "folder", "cldm"];

    /// <summary>CLDM knobs accepted in <c>restorers[].knobs</c> (docs/results-store.md).</summary>
    public static IReadOnlyList<string> CldmKnobs { get; } = ["sampler", "steps", "start_noise", "cfg", "eta", "mode", "t", "step"];

    private static readonly string[] TopKeys = ["name", "seed", "seeds", "output", "datasets", "tasks", "restorers", "metrics"];
    private static readonly string[] DatasetKeys = ["name", "gt", "lq", "include", "exclude", "limit"];
    private static readonly string[] TaskKeys = ["name", "degradation", "sweep", "given_lq", "scale", "seeds"];
    private static readonly string[] MetricKeys = ["name", "crop", "backbone", "encoder", "mode"];

    private static readonly Dictionary<string, string[]> RestorerKeys = new(StringComparer.Ordinal)
    {
        ["lq"] = [],
        ["classical"] = ["spec", "tile", "tile_overlap"],
        ["catalog"] = ["model", "tile", "tile_overlap", "device"],
        ["onnx"] = ["file", "scale", "input_range", "output_range", "pad_multiple", "tile", "tile_overlap", "device"],
        ["external"] = ["command", "scale", "timeout_s"],
        ["folder"] = ["path", "scale"],
        ["cldm"] = ["manifest", "stage1", "device"],
    };

    private static readonly string[] RestorerCommonKeys = ["name", "type", "tasks", "knobs"];

    private readonly string _file;
    private readonly string _baseDir;

    private SpecParser(string file, string baseDir)
    {
        _file = file;
        _baseDir = baseDir;
    }

    /// <summary>Reads and parses a spec file.</summary>
    /// <exception cref="SpecException">Unreadable file or invalid spec.</exception>
    public static ExperimentSpec ParseFile(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SpecException($"{path}: cannot read the spec ({e.Message})");
        }

        return Parse(text, path, Path.GetDirectoryName(Path.GetFullPath(path))!);
    }

    /// <summary>Parses spec text; <paramref name="file"/> names it in messages, <paramref name="baseDir"/> resolves relative paths.</summary>
    /// <exception cref="SpecException">Invalid spec.</exception>
    public static ExperimentSpec Parse(string text, string file, string baseDir)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parser = new SpecParser(file, baseDir);
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw new SpecException($"{file}:{e.Start.Line}: not valid YAML ({OneLine(e.InnerException?.Message ?? e.Message)})");
        }

        if (stream.Documents.Count != 1 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new SpecException($"{file}:1: the spec must be one YAML mapping with keys {string.Join(", ", TopKeys)}");
        }

        return parser.Top(root) with { SourceText = text };
    }

    private ExperimentSpec Top(YamlMappingNode root)
    {
        var map = Keys(root, "", TopKeys);
        var name = map.TryGetValue("name", out var n) ? Scalar(n, "name") : "experiment";
        IReadOnlyList<long> seeds = [0];
        if (map.TryGetValue("seed", out var s) && map.ContainsKey("seeds"))
        {
            throw Error(s, "seed", "give either seed or seeds, not both");
        }

        if (map.TryGetValue("seed", out s))
        {
            seeds = [Long(s, "seed")];
        }
        else if (map.TryGetValue("seeds", out s))
        {
            seeds = Seeds(s, "seeds");
        }

        var output = map.TryGetValue("output", out var o) ? Resolve(Scalar(o, "output")) : null;
        var datasets = List(Required(root, map, "datasets"), "datasets", Dataset);
        Unique(datasets.Select(d => d.Name), root, "datasets", "dataset name");
        var tasks = List(Required(root, map, "tasks"), "tasks", Task);
        Unique(tasks.Select(t => t.Name), root, "tasks", "task name");
        var restorers = List(Required(root, map, "restorers"), "restorers", Restorer);
        Unique(restorers.Select(r => r.Name), root, "restorers", "restorer name");
        var taskNames = tasks.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        var restorerNodes = (YamlSequenceNode)map["restorers"];
        for (var i = 0; i < restorers.Count; i++)
        {
            foreach (var t in restorers[i].Tasks)
            {
                if (!taskNames.Contains(t))
                {
                    throw Error(restorerNodes.Children[i], $"restorers[{i}].tasks", $"unknown task '{t}'{NameSuggestion.Hint(t, taskNames)} (tasks: {string.Join(", ", taskNames)})");
                }
            }
        }

        var metrics = List(Required(root, map, "metrics"), "metrics", Metric);
        return new ExperimentSpec
        {
            Name = name,
            Seeds = seeds,
            Output = output,
            Datasets = datasets,
            Tasks = tasks,
            Restorers = restorers,
            Metrics = metrics,
        };
    }

    private DatasetSpec Dataset(YamlNode node, string path)
    {
        var map = Keys(Mapping(node, path), path, DatasetKeys);
        var name = Scalar(Required(node, map, "name", path), path + ".name");
        var gt = map.TryGetValue("gt", out var g) ? Folder(g, path + ".gt") : null;
        var lq = map.TryGetValue("lq", out var l) ? Folder(l, path + ".lq") : null;
        if (gt is null && lq is null)
        {
            throw Error(node, path, "give gt (ground-truth folder), lq (given low-quality folder) or both");
        }

        var include = map.TryGetValue("include", out var inc) ? Strings(inc, path + ".include") : [];
        var exclude = map.TryGetValue("exclude", out var exc) ? Strings(exc, path + ".exclude") : [];
        int? limit = map.TryGetValue("limit", out var lim) ? Int(lim, path + ".limit", 1, int.MaxValue) : null;
        return new DatasetSpec(name, gt, lq, include, exclude, limit);
    }

    private TaskSpec Task(YamlNode node, string path)
    {
        var map = Keys(Mapping(node, path), path, TaskKeys);
        var name = Scalar(Required(node, map, "name", path), path + ".name");
        if (name.Contains('[', StringComparison.Ordinal) || name.Contains('/', StringComparison.Ordinal))
        {
            throw Error(map["name"], path + ".name", $"'{name}' may not contain '[' or '/'");
        }

        IReadOnlyList<long>? seeds = map.TryGetValue("seeds", out var s) ? Seeds(s, path + ".seeds") : null;
        var given = map.TryGetValue("given_lq", out var gq) && Bool(gq, path + ".given_lq");
        if (given)
        {
            if (map.ContainsKey("degradation") || map.ContainsKey("sweep"))
            {
                throw Error(node, path, "a given_lq task takes no degradation or sweep");
            }

            var scale = map.TryGetValue("scale", out var sc) ? Int(sc, path + ".scale", 1, 16) : 1;
            return new TaskSpec(name, null, [], scale, seeds);
        }

        if (map.TryGetValue("scale", out var bad))
        {
            throw Error(bad, path + ".scale", "scale applies to given_lq tasks; a degradation states its own (down(scale=N))");
        }

        var degradationNode = Required(node, map, "degradation", path);
        var degradation = Scalar(degradationNode, path + ".degradation");
        var sweep = new List<KeyValuePair<string, IReadOnlyList<double>>>();
        if (map.TryGetValue("sweep", out var sw))
        {
            foreach (var (k, v) in Mapping(sw, path + ".sweep").Children)
            {
                var key = Scalar(k, path + ".sweep");
                var values = List(v, $"{path}.sweep.{key}", (n, p) => Double(n, p));
                if (values.Count == 0)
                {
                    throw Error(v, $"{path}.sweep.{key}", "needs at least one value");
                }

                if (!degradation.Contains("{" + key + "}", StringComparison.Ordinal))
                {
                    throw Error(k, $"{path}.sweep.{key}", $"the degradation '{degradation}' has no placeholder {{{key}}}");
                }

                if (sweep.Count == 1)
                {
                    throw Error(k, $"{path}.sweep.{key}", $"one sweep parameter per task (already sweeping '{sweep[0].Key}'); add another task for a second parameter");
                }

                sweep.Add(new(key, values));
            }
        }

        var task = new TaskSpec(name, degradation, sweep, 1, seeds);
        try
        {
            foreach (var member in TaskExpansion.Expand(task))
            {
                _ = member.Spec;
            }
        }
        catch (FormatException e)
        {
            throw Error(degradationNode, path + ".degradation", OneLine(e.Message));
        }

        return task;
    }

    private RestorerSpec Restorer(YamlNode node, string path)
    {
        if (node is YamlScalarNode shorthand)
        {
            var value = Scalar(shorthand, path);
            if (value == "lq")
            {
                return new RestorerSpec("lq", "lq", new Dictionary<string, string>(), [], [], Line(node));
            }

            throw Error(node, path, $"'{value}': a restorer is 'lq' or a mapping with a type (one of {string.Join(", ", RestorerTypes)})");
        }

        var mapping = Mapping(node, path);
        var typeNode = Required(node, Keys(mapping, path, null), "type", path);
        var type = Scalar(typeNode, path + ".type");
        if (!RestorerKeys.TryGetValue(type, out var specific))
        {
            throw Error(typeNode, path + ".type", $"unknown restorer type '{type}'{NameSuggestion.Hint(type, RestorerTypes)} (accepted: {string.Join(", ", RestorerTypes)})");
        }

        var map = Keys(mapping, path, [.. RestorerCommonKeys, .. specific], $" for type {type}");
        var settings = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var key in specific)
        {
            if (map.TryGetValue(key, out var v))
            {
                var p = $"{path}.{key}";
                settings[key] = key switch
                {
                    "tile" or "tile_overlap" or "pad_multiple" => Int(v, p, 0, 1 << 20).ToString(CultureInfo.InvariantCulture),
                    "scale" => Int(v, p, 1, 16).ToString(CultureInfo.InvariantCulture),
                    "timeout_s" => Double(v, p).ToString("R", CultureInfo.InvariantCulture),
                    "file" or "path" or "manifest" => ResolveExisting(v, p, key == "path" ? "folder" : "file"),
                    "device" => OneOf(v, p, ["cpu", "cuda"]),
                    _ => Scalar(v, p),
                };
            }
        }

        string Need(string key) => map.ContainsKey(key) ? settings[key] : throw Error(node, path, $"type {type} needs '{key}'");
        var name = map.TryGetValue("name", out var nameNode) ? Scalar(nameNode, path + ".name") : type switch
        {
            "classical" => ClassicalName(Need("spec")),
            "catalog" => Need("model"),
            "onnx" => Path.GetFileNameWithoutExtension(Need("file")),
            "cldm" => Path.GetFileNameWithoutExtension(Need("manifest")),
            _ => throw Error(node, path, $"type {type} needs a name"),
        };
        _ = type switch
        {
            "classical" => Need("spec"),
            "catalog" => Need("model"),
            "onnx" => Need("file"),
            "external" => Need("command"),
            "folder" => Need("path"),
            "cldm" => Need("manifest"),
            _ => "",
        };
        if (name.Length == 0 || name.Contains('/', StringComparison.Ordinal) || name.Contains('[', StringComparison.Ordinal) || name == "." || name == "..")
        {
            throw Error(nameNode ?? node, path + ".name", $"'{name}' is not a valid restorer name (no '/', '[', empty, '.' or '..')");
        }

        var tasks = map.TryGetValue("tasks", out var t) ? Strings(t, path + ".tasks") : [];
        var knobs = new List<KeyValuePair<string, IReadOnlyList<string>>>();
        if (map.TryGetValue("knobs", out var k))
        {
            if (type != "cldm")
            {
                throw Error(k, path + ".knobs", "knob sweeps apply to type cldm");
            }

            foreach (var (kn, vn) in Mapping(k, path + ".knobs").Children)
            {
                var knob = Scalar(kn, path + ".knobs");
                if (!CldmKnobs.Contains(knob))
                {
                    throw Error(kn, $"{path}.knobs.{knob}", $"unknown knob '{knob}'{NameSuggestion.Hint(knob, CldmKnobs)} (accepted: {string.Join(", ", CldmKnobs)})");
                }

                var values = vn is YamlSequenceNode ? Strings(vn, $"{path}.knobs.{knob}") : [Scalar(vn, $"{path}.knobs.{knob}")];
                knobs.Add(new(knob, values));
            }
        }

        return new RestorerSpec(name, type, settings, tasks, knobs, Line(node));
    }

    private MetricSpec Metric(YamlNode node, string path)
    {
        if (node is YamlScalarNode)
        {
            return new MetricSpec(KnownMetric(node, path), 0, new Dictionary<string, string>());
        }

        var map = Keys(Mapping(node, path), path, MetricKeys);
        var nameNode = Required(node, map, "name", path);
        var name = KnownMetric(nameNode, path + ".name");
        var crop = 0;
        if (map.TryGetValue("crop", out var c))
        {
            crop = c is YamlScalarNode { Value: "scale" } ? -1 : Int(c, path + ".crop", 0, 1000);
        }

        var settings = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var key in new[] { "backbone", "encoder" })
        {
            if (map.TryGetValue(key, out var v))
            {
                var text = Scalar(v, $"{path}.{key}");
                settings[key] = text.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase) ? Resolve(text) : text;
            }
        }

        if (map.TryGetValue("mode", out var m))
        {
            settings["mode"] = OneOf(m, path + ".mode", ["gt", "lq", "auto"]);
        }

        return new MetricSpec(name, crop, settings);
    }

    private string KnownMetric(YamlNode node, string path)
    {
        var name = Scalar(node, path);
        var known = Metrics.Catalog.MetricCatalog.Default.Names;
        return known.Contains(name)
            ? name
            : throw Error(node, path, $"unknown metric '{name}'{NameSuggestion.Hint(name, known)} (accepted: {string.Join(", ", known.Order(StringComparer.Ordinal))})");
    }

    private static string ClassicalName(string spec)
    {
        var open = spec.IndexOf('(', StringComparison.Ordinal);
        var name = (open < 0 ? spec : spec[..open]).Trim();
        return name.StartsWith("classical:", StringComparison.OrdinalIgnoreCase) ? name["classical:".Length..] : name;
    }

    // ---- node helpers -------------------------------------------------------------------------

    private Dictionary<string, YamlNode> Keys(YamlMappingNode node, string path, IReadOnlyList<string>? accepted, string context = "")
    {
        var result = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        foreach (var (k, v) in node.Children)
        {
            var key = Scalar(k, path);
            var where = path.Length == 0 ? key : $"{path}.{key}";
            if (accepted is not null && !accepted.Contains(key))
            {
                throw Error(k, where, $"unknown key '{key}'{NameSuggestion.Hint(key, accepted)}{context} (accepted: {string.Join(", ", accepted)})");
            }

            if (!result.TryAdd(key, v))
            {
                throw Error(k, where, "duplicate key");
            }
        }

        return result;
    }

    private YamlNode Required(YamlNode parent, Dictionary<string, YamlNode> map, string key, string path = "") =>
        map.TryGetValue(key, out var v) ? v : throw Error(parent, path.Length == 0 ? key : $"{path}.{key}", "missing (required)");

    private YamlMappingNode Mapping(YamlNode node, string path) =>
        node as YamlMappingNode ?? throw Error(node, path, "expected a mapping (key: value lines)");

    private List<T> List<T>(YamlNode node, string path, Func<YamlNode, string, T> item)
    {
        if (node is not YamlSequenceNode seq)
        {
            throw Error(node, path, "expected a list");
        }

        var list = new List<T>(seq.Children.Count);
        for (var i = 0; i < seq.Children.Count; i++)
        {
            list.Add(item(seq.Children[i], $"{path}[{i}]"));
        }

        return list;
    }

    private List<string> Strings(YamlNode node, string path) => List(node, path, Scalar);

    private List<long> Seeds(YamlNode node, string path) =>
        node is YamlSequenceNode ? List(node, path, Long) : [Long(node, path)];

    private string Scalar(YamlNode node, string path) => node is YamlScalarNode { Value: { } v }
        ? v
        : throw Error(node, path, "expected a single value");

    private long Long(YamlNode node, string path) =>
        long.TryParse(Scalar(node, path), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v)
            ? v : throw Error(node, path, $"expected an integer, got '{Scalar(node, path)}'");

    private int Int(YamlNode node, string path, int min, int max)
    {
        var v = Long(node, path);
        return v >= min && v <= max ? (int)v : throw Error(node, path, $"must be between {min} and {max}, got {v}");
    }

    private double Double(YamlNode node, string path) =>
        double.TryParse(Scalar(node, path), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v)
            ? v : throw Error(node, path, $"expected a number, got '{Scalar(node, path)}'");

    private bool Bool(YamlNode node, string path) => Scalar(node, path) switch
    {
        "true" => true,
        "false" => false,
        var v => throw Error(node, path, $"expected true or false, got '{v}'"),
    };

    private string OneOf(YamlNode node, string path, string[] accepted)
    {
        var v = Scalar(node, path);
        return accepted.Contains(v) ? v : throw Error(node, path, $"'{v}' is not accepted{NameSuggestion.Hint(v, accepted)} (accepted: {string.Join(", ", accepted)})");
    }

    private string Folder(YamlNode node, string path)
    {
        var folder = Resolve(Scalar(node, path));
        return Directory.Exists(folder) ? folder : throw Error(node, path, $"folder not found: {folder}");
    }

    private string ResolveExisting(YamlNode node, string path, string what)
    {
        var resolved = Resolve(Scalar(node, path));
        var exists = what == "folder" ? Directory.Exists(resolved) : File.Exists(resolved);
        return exists || resolved.Contains('{', StringComparison.Ordinal) ? resolved : throw Error(node, path, $"{what} not found: {resolved}");
    }

    private string Resolve(string path) => Path.GetFullPath(Path.Combine(_baseDir, path));

    private void Unique(IEnumerable<string> names, YamlNode node, string path, string what)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in names)
        {
            if (!seen.Add(name))
            {
                throw Error(node, path, $"duplicate {what} '{name}'");
            }
        }
    }

    private static int Line(YamlNode node) => (int)node.Start.Line;

    private SpecException Error(YamlNode node, string path, string reason) =>
        new($"{_file}:{Line(node)}: {path}: {reason}");

    private static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();
}
