using RestoreBench.Metrics.NoReference;
using RestoreBench.Tests;
using Xunit.Abstractions;

namespace RestoreBench.Metrics.Tests.NoReference;

public class BrisqueReferenceTests(ITestOutputHelper output)
{
    /// <summary>Every image of expected_values.json images{} that has brisque_opencv (crops, their degraded versions, full images).</summary>
    public static TheoryData<string> BrisqueImages() => ReferenceEntries.WithKey("brisque_opencv");

    [SharedTheory]
    [MemberData(nameof(BrisqueImages))]
    public void Matches_opencv_quality_brisque(string relativePath)
    {
        var expected = ReferenceEntries.Entry(relativePath).GetProperty("brisque_opencv").GetDouble();
        var actual = new Brisque().Compute(ReferenceEntries.Load(relativePath));
        var diff = Math.Abs(actual - expected);
        output.WriteLine($"{relativePath}: brisque {actual:R}, expected {expected:R}, |diff| {diff:E3}");
        Assert.True(diff <= 0.01, $"{relativePath}: |{actual:R} - {expected:R}| = {diff:E3} > 0.01");
    }
}
