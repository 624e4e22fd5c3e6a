using System.Text.Json;

namespace RestoreBench.Metrics.Evaluation;

/// <summary>
/// Retention rates γ (Eq. 12) recorded by <c>restorebench degrade</c> in <c>degradations.json</c>
/// (array <c>images</c> of objects with <c>name</c> = file stem and <c>gamma</c>).
/// </summary>
internal sealed class GammaTable
{
    /// <summary>The manifest file name written by <c>restorebench degrade</c>.</summary>
    public const string FileName = "degradations.json";

    private GammaTable(Dictionary<string, double> values) => Values = values;

    /// <summary>File stem → γ.</summary>
    public IReadOnlyDictionary<string, double> Values { get; }

    /// <summary>Reads <c>folder/degradations.json</c>; null (with a note) when it is absent or unreadable.</summary>
    public static GammaTable? Load(string folder, List<string> notes)
    {
        var path = Path.Combine(folder, FileName);
        if (!File.Exists(path))
        {
            notes.Add($"{path} not found: gamma is measured per image (1 - ssim_y(gt, up(lq)))");
            return null;
        }

        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            var values = new Dictionary<string, double>(StringComparer.Ordinal);
            if (doc.RootElement.TryGetProperty("images", out var images) && images.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in images.EnumerateArray())
                {
                    if (item.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String
                        && item.TryGetProperty("gamma", out var gamma) && gamma.ValueKind == JsonValueKind.Number)
                    {
                        values[name.GetString()!] = gamma.GetDouble();
                    }
                }
            }

            notes.Add($"gamma read from {path} ({values.Count} image(s)); images not listed get a measured gamma");
            return new GammaTable(values);
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            notes.Add($"{path}: unreadable ({e.Message.ReplaceLineEndings(" ")}); gamma is measured per image");
            return null;
        }
    }
}
