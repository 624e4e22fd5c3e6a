using System.Text.Json;
using RestoreBench.Metrics.FullReference;
using RestoreBench.Tests;

namespace RestoreBench.Metrics.Tests.FullReference;

/// <summary>
/// PSNR / SSIM against ../shared/reference/vectors/expected_values.json (BasicSR / MATLAB conventions)
/// and against the float64 crop-4 values of Data/ms_ssim_expected.json (tools/reference/ms_ssim_reference.py).
/// </summary>
public class ReferenceVectorTests
{
    private const double PsnrTolerance = 1e-6; // dB
    private const double SsimTolerance = 1e-8;

    // psnr_y_crop4 and ssim_y_crop4 are BasicSR's own test_y_channel path, whose Y went through float32
    // (conventions: "psnr_y with crop_border=4", psnr_y = "float32 intermediate"). On the uncropped pairs
    // that float32 rounding moves PSNR-Y by at most 4.0e-7 dB (psnr_y vs psnr_y_f64) and SSIM-Y by at most
    // 9.5e-9 (ssim_y vs ssim_y_f64_direct); we compute in float64, so these two keys get tolerances just
    // above that gap. The same crops are also checked against float64 values at the strict tolerances.
    private const double PsnrFloat32Tolerance = 1e-6; // dB; measured gap ≤ 4.1e-7
    private const double SsimFloat32Tolerance = 2e-8; // measured gap ≤ 9.5e-9

    public static TheoryData<string, string> Pairs()
    {
        var data = new TheoryData<string, string>();
        if (!SharedData.Exists)
        {
            data.Add("(shared data absent)", "");
            return data;
        }

        foreach (var pair in SharedData.ExpectedValues.GetProperty("pairs").EnumerateArray())
        {
            data.Add(pair.GetProperty("gt").GetString()!, pair.GetProperty("dist").GetString()!);
        }

        return data;
    }

    [SharedTheory]
    [MemberData(nameof(Pairs))]
    public void Psnr_matches_BasicSR(string gt, string dist)
    {
        var expected = Find(gt, dist);
        var reference = TestImages.Vector(gt);
        var restored = TestImages.Vector(dist);

        AssertClose(expected.GetProperty("psnr_rgb").GetDouble(), new Psnr(MetricChannels.Rgb).Compute(restored, reference), PsnrTolerance, "psnr_rgb");
        AssertClose(expected.GetProperty("psnr_y_f64").GetDouble(), new Psnr(MetricChannels.Y).Compute(restored, reference), PsnrTolerance, "psnr_y_f64");
        AssertClose(expected.GetProperty("psnr_y_crop4").GetDouble(), new Psnr(MetricChannels.Y, 4).Compute(restored, reference), PsnrFloat32Tolerance, "psnr_y_crop4 (float32 Y)");
        AssertClose(MsSsimExpected.Find(gt, dist, null).GetProperty("psnr_y_crop4_f64").GetDouble(), new Psnr(MetricChannels.Y, 4).Compute(restored, reference), PsnrTolerance, "psnr_y_crop4_f64");
    }

    [SharedTheory]
    [MemberData(nameof(Pairs))]
    public void Ssim_matches_BasicSR(string gt, string dist)
    {
        var expected = Find(gt, dist);
        var reference = TestImages.Vector(gt);
        var restored = TestImages.Vector(dist);

        AssertClose(expected.GetProperty("ssim_rgb").GetDouble(), new Ssim(MetricChannels.Rgb).Compute(restored, reference), SsimTolerance, "ssim_rgb");
        AssertClose(expected.GetProperty("ssim_y_f64_direct").GetDouble(), new Ssim(MetricChannels.Y).Compute(restored, reference), SsimTolerance, "ssim_y_f64_direct");
        AssertClose(expected.GetProperty("ssim_y_crop4").GetDouble(), new Ssim(MetricChannels.Y, 4).Compute(restored, reference), SsimFloat32Tolerance, "ssim_y_crop4 (float32 Y)");
        AssertClose(MsSsimExpected.Find(gt, dist, null).GetProperty("ssim_y_crop4_f64").GetDouble(), new Ssim(MetricChannels.Y, 4).Compute(restored, reference), SsimTolerance, "ssim_y_crop4_f64");
    }

    [SharedFact]
    public void Gray_camera_pairs_give_the_same_value_for_rgb_and_y_keys()
    {
        // camera is 1-channel: the reference has all keys, with psnr_rgb == psnr_y_f64 and ssim_rgb ≈ ssim_y_f64_direct.
        var count = 0;
        foreach (var pair in SharedData.ExpectedValues.GetProperty("pairs").EnumerateArray())
        {
            var gt = pair.GetProperty("gt").GetString()!;
            if (!gt.Contains("camera", StringComparison.Ordinal))
            {
                continue;
            }

            var reference = TestImages.Vector(gt);
            var restored = TestImages.Vector(pair.GetProperty("dist").GetString()!);
            Assert.Equal(1, reference.Channels);
            Assert.Equal(new Psnr(MetricChannels.Rgb).Compute(restored, reference), new Psnr(MetricChannels.Y).Compute(restored, reference));
            Assert.Equal(new Ssim(MetricChannels.Rgb).Compute(restored, reference), new Ssim(MetricChannels.Y).Compute(restored, reference));
            count++;
        }

        Assert.Equal(6, count);
    }

    internal static void AssertClose(double expected, double actual, double tolerance, string key)
    {
        var diff = Math.Abs(actual - expected);
        Assert.True(diff <= tolerance, $"{key}: expected {expected:R}, got {actual:R}, |diff| = {diff:E3} > {tolerance:E1}");
    }

    private static JsonElement Find(string gt, string dist)
    {
        foreach (var pair in SharedData.ExpectedValues.GetProperty("pairs").EnumerateArray())
        {
            if (pair.GetProperty("gt").GetString() == gt && pair.GetProperty("dist").GetString() == dist)
            {
                return pair;
            }
        }

        throw new InvalidOperationException($"pair {gt} / {dist} not in expected_values.json");
    }
}
