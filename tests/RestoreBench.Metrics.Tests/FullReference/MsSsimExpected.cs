using System.Text.Json;

namespace RestoreBench.Metrics.Tests.FullReference;

/// <summary>Data/ms_ssim_expected.json, written by tools/reference/ms_ssim_reference.py (never edited by hand).</summary>
internal static class MsSsimExpected
{
    private static readonly Lazy<JsonDocument> Document = new(() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Data", "ms_ssim_expected.json"))));

    public static JsonElement.ArrayEnumerator Entries => Document.Value.RootElement.GetProperty("pairs").EnumerateArray();

    public static int[]? CropOf(JsonElement entry)
    {
        var crop = entry.GetProperty("crop");
        if (crop.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        var box = new int[4];
        for (var i = 0; i < 4; i++)
        {
            box[i] = crop[i].GetInt32();
        }

        return box;
    }

    public static JsonElement Find(string gt, string dist, int[]? crop)
    {
        foreach (var entry in Entries)
        {
            if (entry.GetProperty("gt").GetString() == gt && entry.GetProperty("dist").GetString() == dist && SameCrop(CropOf(entry), crop))
            {
                return entry;
            }
        }

        throw new InvalidOperationException($"{gt} / {dist} (crop {(crop is null ? "none" : string.Join(",", crop))}) not in ms_ssim_expected.json");
    }

    private static bool SameCrop(int[]? a, int[]? b) =>
        a is null ? b is null : b is not null && a.AsSpan().SequenceEqual(b);
}
