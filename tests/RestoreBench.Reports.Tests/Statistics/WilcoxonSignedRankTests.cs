using System.Text.Json;
using RestoreBench.Reports.Statistics;

namespace RestoreBench.Reports.Tests.Statistics;

public sealed class WilcoxonSignedRankTests
{
    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var c in Reference().GetProperty("cases").EnumerateArray())
        {
            data.Add(c.GetProperty("name").GetString()!);
        }

        return data;
    }

    /// <summary>Statistic and p-value match scipy.stats.wilcoxon (TestData/make_wilcoxon_reference.py) within 1e-12 relative.</summary>
    [Theory]
    [MemberData(nameof(Cases))]
    public void Matches_scipy(string name)
    {
        var c = Reference().GetProperty("cases").EnumerateArray().Single(e => e.GetProperty("name").GetString() == name);
        var d = c.GetProperty("differences").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        var result = WilcoxonSignedRank.Test(d);
        Assert.Equal(c.GetProperty("method").GetString() == "exact", result.Exact);
        Assert.Equal(c.GetProperty("statistic").GetDouble(), result.Statistic, 9);
        var expected = c.GetProperty("pvalue").GetDouble();
        Assert.True(Math.Abs(result.PValue - expected) <= 1e-12 * Math.Max(1, expected) + 1e-15, $"{name}: p {result.PValue:R} vs scipy {expected:R}");
    }

    [Fact]
    public void All_zero_differences_give_no_p_value()
    {
        var r = WilcoxonSignedRank.Test([0.0, 0.0, 0.0]);
        Assert.Equal(0, r.N);
        Assert.True(double.IsNaN(r.PValue));
    }

    [Fact]
    public void Swapping_the_pair_keeps_the_two_sided_p_value()
    {
        double[] d = [0.3, -1.2, 2.5, 0.7, 1.1, -0.4, 0.9];
        Assert.Equal(WilcoxonSignedRank.Test(d).PValue, WilcoxonSignedRank.Test(d.Select(x => -x).ToArray()).PValue, 15);
    }

    private static JsonElement Reference() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestData", "wilcoxon_reference.json"))).RootElement;
}
