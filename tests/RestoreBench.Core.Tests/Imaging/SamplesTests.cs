using RestoreBench.Core.Imaging;
using RestoreBench.Tests;

namespace RestoreBench.Core.Tests.Imaging;

/// <summary>The photos in samples/ read cleanly and each one is listed in samples/LICENSES.md.</summary>
public class SamplesTests
{
    private static string Samples => Path.Combine(SharedData.RepositoryRoot, "samples");

    [Theory]
    [InlineData("astronaut.png", 3, 512, 512)]
    [InlineData("camera.png", 1, 512, 512)]
    [InlineData("chelsea.png", 3, 300, 451)]
    [InlineData("coffee.png", 3, 400, 600)]
    [InlineData("rocket.jpg", 3, 427, 640)]
    public void Sample_reads_without_warnings(string name, int channels, int height, int width)
    {
        var loaded = ImageFile.Read(Path.Combine(Samples, name));
        Assert.Equal((channels, height, width), (loaded.Image.Channels, loaded.Image.Height, loaded.Image.Width));
        Assert.Equal(8, loaded.BitDepth);
        Assert.Empty(loaded.Warnings);
    }

    [Fact]
    public void Every_sample_is_licensed_and_the_folder_stays_small()
    {
        var listing = ImageFolder.List(Samples);
        Assert.Equal(["LICENSES.md"], listing.Ignored);
        Assert.Empty(listing.Conflicts);
        var licences = File.ReadAllText(Path.Combine(Samples, "LICENSES.md"));
        long total = 0;
        foreach (var path in listing.Images.Values)
        {
            Assert.Contains($"| `{Path.GetFileName(path)}` |", licences, StringComparison.Ordinal);
            total += new FileInfo(path).Length;
        }

        Assert.Equal(5, listing.Images.Count);
        Assert.True(total < 2 * 1024 * 1024, $"samples/ holds {total:N0} bytes");
    }
}
