using RestoreBench.Core.Text;

namespace RestoreBench.Core.Tests.Text;

public class NameSuggestionTests
{
    [Theory]
    [InlineData("", "", 0)]
    [InlineData("ssim", "ssim", 0)]
    [InlineData("ssmi", "ssim", 2)]
    [InlineData("kitten", "sitting", 3)]
    [InlineData("psnr", "", 4)]
    [InlineData("ms_ssim", "ssim", 3)]
    public void Levenshtein_distances(string a, string b, int expected)
    {
        Assert.Equal(expected, NameSuggestion.Levenshtein(a, b));
        Assert.Equal(expected, NameSuggestion.Levenshtein(b, a));
    }

    [Fact]
    public void Closest_is_case_insensitive_and_rejects_far_names()
    {
        string[] names = ["psnr", "psnr_y", "ssim", "ssim_y", "ms_ssim"];
        Assert.Equal("ssim", NameSuggestion.Closest("ssmi", names));
        Assert.Equal("psnr_y", NameSuggestion.Closest("PSNR-Y", names));
        Assert.Equal("ms_ssim", NameSuggestion.Closest("msssim", names));
        Assert.Null(NameSuggestion.Closest("brisque", names));
    }
}
