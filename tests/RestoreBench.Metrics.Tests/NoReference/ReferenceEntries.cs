using System.Text.Json;
using RestoreBench.Core.Imaging;
using RestoreBench.Tests;

namespace RestoreBench.Metrics.Tests.NoReference;

/// <summary>Access to the images{} entries of expected_values.json.</summary>
internal static class ReferenceEntries
{
    /// <summary>Relative paths (e.g. "images/astronaut_gt.png") of the entries that have <paramref name="key"/>; one placeholder when ../shared is absent (the theory is skipped then).</summary>
    public static TheoryData<string> WithKey(string key)
    {
        var data = new TheoryData<string>();
        if (!SharedData.Exists)
        {
            data.Add("(shared data absent)");
            return data;
        }

        foreach (var property in SharedData.ExpectedValues.GetProperty("images").EnumerateObject())
        {
            if (property.Value.TryGetProperty(key, out _))
            {
                data.Add(property.Name);
            }
        }

        return data;
    }

    public static JsonElement Entry(string relativePath) =>
        SharedData.ExpectedValues.GetProperty("images").GetProperty(relativePath);

    public static ImageTensor Load(string relativePath) =>
        ImageFile.Read(SharedData.Vectors(relativePath.Split('/'))).Image;
}
