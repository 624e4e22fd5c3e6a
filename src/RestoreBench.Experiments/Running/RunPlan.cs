using System.Globalization;
using RestoreBench.Core.Imaging;
using RestoreBench.Core.Text;
using RestoreBench.Experiments.Spec;

namespace RestoreBench.Experiments.Running;

/// <summary>One image of a dataset: GT and/or given LQ file, matched by stem.</summary>
public sealed record DatasetImage(string Dataset, string Image, string? GtPath, string? LqPath);

/// <summary>
/// One degraded input: (dataset, image, task, seed). Its id is the SHA-256 hex of
/// "dataset\nimage\ntask\ndegradation\nseed\nSHA-256(GT bytes)" (given LQ: of the LQ bytes), so a changed
/// GT file or degradation yields a new sample.
/// </summary>
public sealed record SamplePlan(DatasetImage Image, ExpandedTask Task, long Seed, string SampleId)
{
    /// <summary>Key used for sharding and messages: dataset/image/task/seed.</summary>
    public string Key => string.Create(CultureInfo.InvariantCulture, $"{Image.Dataset}/{Image.Image}/{Task.Name}/s{Seed}");

    /// <summary>File name stem of the sample's files: image_sSEED.</summary>
    public string FileStem => string.Create(CultureInfo.InvariantCulture, $"{Image.Image}_s{Seed}");
}

/// <summary>Lists dataset images (include/exclude globs, limit) and builds the sample list.</summary>
public static class RunPlan
{
    /// <summary>The images of <paramref name="dataset"/> by ordinal stem order; unmatched GT/LQ files are reported in <paramref name="warnings"/>.</summary>
    /// <exception cref="SpecException">A folder has no usable image.</exception>
    public static IReadOnlyList<DatasetImage> ListImages(DatasetSpec dataset, List<string> warnings)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(warnings);
        var gt = dataset.Gt is null ? null : Select(dataset, dataset.Gt, warnings);
        var lq = dataset.Lq is null ? null : Select(dataset, dataset.Lq, warnings);
        var stems = new SortedSet<string>(StringComparer.Ordinal);
        if (gt is not null)
        {
            stems.UnionWith(gt.Keys);
        }

        if (lq is not null)
        {
            stems.UnionWith(lq.Keys);
        }

        var images = new List<DatasetImage>();
        foreach (var stem in stems)
        {
            string? g = null, l = null;
            gt?.TryGetValue(stem, out g);
            lq?.TryGetValue(stem, out l);
            if (gt is not null && lq is not null && (g is null || l is null))
            {
                warnings.Add($"dataset {dataset.Name}: {stem} has {(g is null ? "no ground truth" : "no given LQ")}; skipped");
                continue;
            }

            images.Add(new DatasetImage(dataset.Name, stem, g, l));
            if (dataset.Limit is { } limit && images.Count == limit)
            {
                break;
            }
        }

        if (images.Count == 0)
        {
            throw new SpecException($"dataset {dataset.Name}: no images selected in {dataset.Gt ?? dataset.Lq}");
        }

        return images;
    }

    private static SortedDictionary<string, string> Select(DatasetSpec dataset, string folder, List<string> warnings)
    {
        ImageFolderListing listing;
        try
        {
            listing = ImageFolder.List(folder);
        }
        catch (ImageFileException e)
        {
            throw new SpecException($"dataset {dataset.Name}: {e.Message}");
        }

        foreach (var conflict in listing.Conflicts)
        {
            warnings.Add($"dataset {dataset.Name}: {conflict.Message}");
        }

        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (stem, path) in listing.Images)
        {
            var name = Path.GetFileName(path);
            var included = dataset.Include.Count == 0 || dataset.Include.Any(p => Glob(p, name));
            if (included && !dataset.Exclude.Any(p => Glob(p, name)))
            {
                result[stem] = path;
            }
        }

        return result;
    }

    /// <summary>File-name glob: <c>*</c> any run, <c>?</c> one character; case-sensitive.</summary>
    public static bool Glob(string pattern, string name)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentNullException.ThrowIfNull(name);
        return Match(pattern.AsSpan(), name.AsSpan());

        static bool Match(ReadOnlySpan<char> p, ReadOnlySpan<char> s)
        {
            while (p.Length > 0)
            {
                if (p[0] == '*')
                {
                    for (var i = 0; i <= s.Length; i++)
                    {
                        if (Match(p[1..], s[i..]))
                        {
                            return true;
                        }
                    }

                    return false;
                }

                if (s.Length == 0 || (p[0] != '?' && p[0] != s[0]))
                {
                    return false;
                }

                p = p[1..];
                s = s[1..];
            }

            return s.Length == 0;
        }
    }

    /// <summary>The sample id (see <see cref="SamplePlan"/>).</summary>
    public static string SampleId(DatasetImage image, ExpandedTask task, long seed, string sourceHash) =>
        Hashing.Sha256Hex(string.Create(CultureInfo.InvariantCulture,
            $"{image.Dataset}\n{image.Image}\n{task.Name}\n{task.Spec?.ToString() ?? "given_lq"}\n{seed}\n{sourceHash}"));

    /// <summary>Checks metric names against the catalog, with a suggestion for unknown ones.</summary>
    public static void CheckMetricNames(ExperimentSpec spec, IReadOnlyList<string> known)
    {
        ArgumentNullException.ThrowIfNull(spec);
        for (var i = 0; i < spec.Metrics.Count; i++)
        {
            var name = spec.Metrics[i].Name;
            if (!known.Contains(name))
            {
                throw new SpecException($"metrics[{i}]: unknown metric '{name}'{NameSuggestion.Hint(name, known)} (accepted: {string.Join(", ", known.Order(StringComparer.Ordinal))})");
            }
        }
    }
}
