using RestoreBench.Onnx.Zoo;

namespace RestoreBench.Onnx.Tests.Zoo;

public class ModelCatalogTests
{
    [Fact]
    public void Names_are_unique_lowercase_and_entries_are_complete()
    {
        Assert.Equal(24, ModelCatalog.All.Count);
        Assert.Equal(ModelCatalog.Names.Count, ModelCatalog.Names.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        foreach (var e in ModelCatalog.All)
        {
            Assert.Equal(e.Name.ToLowerInvariant(), e.Name);
            Assert.StartsWith("sha512-", e.Package.Integrity, StringComparison.Ordinal);
            Assert.Equal(88, e.Package.Integrity.Length - "sha512-".Length);
            if (e.Task == ModelCatalog.SuperResolution)
            {
                Assert.True(e.Scale is 2 or 3 or 4 or 8);
                Assert.EndsWith("x" + e.Scale, e.Name, StringComparison.Ordinal);
                Assert.Equal("tfjs-layers", e.Format);
            }
            else
            {
                Assert.StartsWith("maxim-", e.Name, StringComparison.Ordinal);
                Assert.Equal(1, e.Scale);
                Assert.Equal("tfjs-graph", e.Format);
                Assert.Equal("@upscalerjs/" + e.Name + "@0.1.0", e.Package.Spec);
            }

            Assert.True(e.ParameterCount > 0);
            Assert.False(string.IsNullOrWhiteSpace(e.Licence));
            Assert.False(string.IsNullOrWhiteSpace(e.TrainingData));
            Assert.Equal(e.FixtureInput is null, e.FixtureExpected is null);
        }

        Assert.Equal(10, ModelCatalog.All.Count(e => e.HasFixture));
    }

    [Fact]
    public void Maxim_entries_state_task_training_data_and_range()
    {
        var deblur = ModelCatalog.Get("maxim-deblurring");
        Assert.Equal(ModelCatalog.Deblurring, deblur.Task);
        Assert.Equal(22_211_191, deblur.ParameterCount);
        Assert.StartsWith("GoPro", deblur.TrainingData, StringComparison.Ordinal);
        Assert.Equal(ValueRange.Unit, deblur.InputRange);
        Assert.Contains("MIT", deblur.Licence, StringComparison.Ordinal);
        Assert.StartsWith("SIDD", ModelCatalog.Get("maxim-denoising").TrainingData, StringComparison.Ordinal);
        Assert.Equal(14_173_315, ModelCatalog.Get("maxim-retouching").ParameterCount);
        Assert.Equal(7, ModelCatalog.All.Count(e => e.Format == "tfjs-graph"));
    }

    [Fact]
    public void Ranges_follow_the_architecture()
    {
        Assert.Equal(ValueRange.Byte, ModelCatalog.Get("esrgan-slim-x2").InputRange);
        Assert.Equal(ValueRange.Byte, ModelCatalog.Get("esrgan-medium-x8").OutputRange);
        Assert.Equal(ValueRange.Unit, ModelCatalog.Get("esrgan-thick-x4").InputRange);
        Assert.Equal(ValueRange.Unit, ModelCatalog.Get("idealo-rrdn-gans-x4").InputRange);
    }

    [Theory]
    [InlineData("esrgan-thik-x4", "esrgan-thick-x4")]
    [InlineData("ESRGAN-SLIM-X2", null)]
    [InlineData("div2k-x3", "div2k-rdn-x3")]
    public void Unknown_names_suggest_the_closest(string name, string? suggestion)
    {
        if (suggestion is null)
        {
            Assert.Equal("esrgan-slim-x2", ModelCatalog.Get(name).Name); // case-insensitive
            return;
        }

        var e = Assert.Throws<UnknownModelException>(() => ModelCatalog.Get(name));
        Assert.Equal(suggestion, e.Suggestion);
        Assert.Contains($"did you mean '{suggestion}'?", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Tarball_file_name_follows_npm_pack()
    {
        Assert.Equal("upscalerjs-esrgan-slim-1.0.0.tgz", ModelCatalog.Get("esrgan-slim-x2").Package.TarballFileName);
        Assert.Equal("upscalerjs-models-0.9.0.tgz", ModelCatalog.Get("div2k-rdn-x2").Package.TarballFileName);
        Assert.Equal("@upscalerjs/esrgan-thick@1.0.0", ModelCatalog.Get("esrgan-thick-x8").Package.Spec);
    }
}
