using System.Text.Json;

namespace RestoreBench.Restorers.Tests.Classical;

/// <summary>Data/classical_expected.json, written by Data/make_classical_expected.py with scikit-image (never edited by hand).</summary>
internal static class ClassicalExpected
{
    private static readonly Lazy<JsonDocument> Document = new(() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Data", "classical_expected.json"))));

    public static JsonElement Root => Document.Value.RootElement;

    public static IEnumerable<JsonElement> Cases => Root.GetProperty("cases").EnumerateArray();

    /// <summary>The restorer spec for a case, in the CLI syntax.</summary>
    public static string Spec(JsonElement c)
    {
        var method = c.GetProperty("method").GetString()!;
        var sigma = c.GetProperty("sigma").GetDouble();
        var clip = c.GetProperty("clip").GetBoolean() ? "true" : "false";
        if (method == "wiener")
        {
            return FormattableString.Invariant($"classical:wiener(sigma={sigma},balance={c.GetProperty("balance").GetDouble()},clip={clip})");
        }

        var epsilon = c.GetProperty("filter_epsilon");
        var eps = epsilon.ValueKind == JsonValueKind.Null ? "" : FormattableString.Invariant($",filter_epsilon={epsilon.GetDouble()}");
        return FormattableString.Invariant($"classical:richardson_lucy(sigma={sigma},iterations={c.GetProperty("iterations").GetInt32()}{eps},clip={clip})");
    }
}
