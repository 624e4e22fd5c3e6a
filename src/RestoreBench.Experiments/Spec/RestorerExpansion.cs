using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace RestoreBench.Experiments.Spec;

/// <summary>
/// One restorer of the run: a spec entry with one knob setting (CLDM sweeps expand into several):
/// the <c>restorers</c> row of the results store.
/// </summary>
/// <param name="Name">Display name, unique in the run: the entry name, or <c>family[k=v,...]</c> for a knob setting (keys sorted).</param>
/// <param name="Family">The entry name without knob settings.</param>
/// <param name="Entry">The spec entry.</param>
/// <param name="Knobs">Knob → value for this setting (sorted by knob), empty when not swept.</param>
public sealed record ExpandedRestorer(string Name, string Family, RestorerSpec Entry, IReadOnlyDictionary<string, string> Knobs)
{
    /// <summary>
    /// The store's <c>kind</c>: the entry type, with catalog models stored as <c>onnx</c> and CLDM
    /// settings with <c>mode: vae</c> (D(E(I_reg)), Table 2) as <c>vae</c>.
    /// </summary>
    public string Kind => Entry.Type switch
    {
        "catalog" => "onnx",
        "cldm" when Knobs.TryGetValue("mode", out var mode) && mode == "vae" => "vae",
        _ => Entry.Type,
    };

    /// <summary>Canonical JSON of the knob setting (<c>{}</c> when none); numbers stay numbers.</summary>
    public string KnobsJson => CanonicalJson(Knobs);

    /// <summary>Canonical JSON of everything that defines the restorer apart from knobs (type and settings, keys sorted).</summary>
    public string SettingsJson
    {
        get
        {
            var all = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["type"] = Entry.Type };
            foreach (var (k, v) in Entry.Settings)
            {
                all[k] = v;
            }

            return CanonicalJson(all);
        }
    }

    /// <summary>SHA-256 hex of <see cref="SettingsJson"/> + "\n" + <see cref="KnobsJson"/>: outputs made under another hash are recomputed.</summary>
    public string ConfigHash => Hashing.Sha256Hex(SettingsJson + "\n" + KnobsJson);

    private static string CanonicalJson(IEnumerable<KeyValuePair<string, string>> pairs)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            foreach (var (k, v) in pairs.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                writer.WritePropertyName(k);
                if (double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d) && v.Trim() == v)
                {
                    writer.WriteRawValue(d.ToString("R", CultureInfo.InvariantCulture));
                }
                else
                {
                    writer.WriteStringValue(v);
                }
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }
}

/// <summary>Expands CLDM knob sweeps (cartesian product, first knob outermost).</summary>
public static class RestorerExpansion
{
    /// <summary>The restorers of the spec, in spec order.</summary>
    public static IReadOnlyList<ExpandedRestorer> ExpandAll(ExperimentSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var list = new List<ExpandedRestorer>();
        foreach (var entry in spec.Restorers)
        {
            if (entry.Knobs.Count == 0)
            {
                list.Add(new ExpandedRestorer(entry.Name, entry.Name, entry, new Dictionary<string, string>()));
                continue;
            }

            foreach (var setting in Product(entry.Knobs, 0))
            {
                var sorted = new SortedDictionary<string, string>(setting, StringComparer.Ordinal);
                var name = $"{entry.Name}[{string.Join(',', sorted.Select(p => $"{p.Key}={p.Value}"))}]";
                list.Add(new ExpandedRestorer(name, entry.Name, entry, sorted));
            }
        }

        return list;
    }

    private static IEnumerable<Dictionary<string, string>> Product(IReadOnlyList<KeyValuePair<string, IReadOnlyList<string>>> knobs, int index)
    {
        if (index == knobs.Count)
        {
            yield return new Dictionary<string, string>(StringComparer.Ordinal);
            yield break;
        }

        foreach (var value in knobs[index].Value)
        {
            foreach (var rest in Product(knobs, index + 1))
            {
                rest[knobs[index].Key] = value;
                yield return rest;
            }
        }
    }
}

/// <summary>SHA-256 helpers (lower-case hex).</summary>
public static class Hashing
{
    /// <summary>SHA-256 hex of the UTF-8 bytes of <paramref name="text"/>.</summary>
    public static string Sha256Hex(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    /// <summary>SHA-256 hex of <paramref name="bytes"/>.</summary>
    public static string Sha256Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>SHA-256 hex of a file's bytes.</summary>
    public static string FileSha256Hex(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
