using RestoreBench.Core.Imaging;
using RestoreBench.Metrics.FullReference;
using RestoreBench.Tests;

namespace RestoreBench.Metrics.Tests.FullReference;

/// <summary>MS-SSIM against the independent numpy implementation (tools/reference/ms_ssim_reference.py).</summary>
public class MsSsimReferenceTests
{
    private const double Tolerance = 1e-8;

    public static TheoryData<string, string, string> Entries()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var entry in MsSsimExpected.Entries)
        {
            var crop = MsSsimExpected.CropOf(entry);
            data.Add(entry.GetProperty("gt").GetString()!, entry.GetProperty("dist").GetString()!, crop is null ? "" : string.Join(",", crop));
        }

        return data;
    }

    [SharedTheory]
    [MemberData(nameof(Entries))]
    public void Ms_ssim_matches_numpy_reference(string gt, string dist, string cropText)
    {
        int[]? crop = cropText.Length == 0 ? null : Array.ConvertAll(cropText.Split(','), int.Parse);
        var expected = MsSsimExpected.Find(gt, dist, crop);
        var reference = Crop(TestImages.Vector(gt), crop);
        var restored = Crop(TestImages.Vector(dist), crop);

        ReferenceVectorTests.AssertClose(expected.GetProperty("ms_ssim_y").GetDouble(), new MsSsim(MetricChannels.Y).Compute(restored, reference), Tolerance, "ms_ssim_y");
        ReferenceVectorTests.AssertClose(expected.GetProperty("ms_ssim_rgb").GetDouble(), new MsSsim(MetricChannels.Rgb).Compute(restored, reference), Tolerance, "ms_ssim_rgb");
    }

    [Fact]
    public void Expected_file_covers_odd_sizes_and_the_minimum_size()
    {
        var odd = false;
        var minimum = false;
        foreach (var entry in MsSsimExpected.Entries)
        {
            var crop = MsSsimExpected.CropOf(entry);
            if (crop is not null)
            {
                odd |= crop[2] % 2 == 1 && crop[3] % 2 == 1 && crop[2] > MsSsim.MinimumSide;
                minimum |= crop[2] == MsSsim.MinimumSide && crop[3] == MsSsim.MinimumSide;
            }
        }

        Assert.True(odd, "no odd-sized entry");
        Assert.True(minimum, "no 161x161 entry");
    }

    private static ImageTensor Crop(ImageTensor image, int[]? crop) =>
        crop is null ? image : image.Crop(crop[0], crop[1], crop[2], crop[3]);
}
