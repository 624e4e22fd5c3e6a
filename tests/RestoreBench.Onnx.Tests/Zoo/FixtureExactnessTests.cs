using System.Globalization;
using RestoreBench.Core.Imaging;
using RestoreBench.Onnx.Runtime;
using RestoreBench.Onnx.Zoo;
using Xunit.Abstractions;

namespace RestoreBench.Onnx.Tests.Zoo;

/// <summary>
/// The converted networks reproduce the packages' own results: each UpscalerJS package ships
/// <c>assets/fixture.png</c> and <c>assets/samples/Nx/result.png</c> made by TensorFlow.js; RestoreBench
/// runs the ONNX conversion on the whole fixture (RGB, alpha dropped; NCHW float32 in the catalog's
/// input range; output clipped and rounded to 8 bits) and must match within 1 grey level everywhere.
/// The same run in the other value range must miss, which is how the catalog's ranges are verified.
/// </summary>
public class FixtureExactnessTests(ITestOutputHelper output)
{
    public static TheoryData<string> FixtureModels()
    {
        var data = new TheoryData<string>();
        foreach (var entry in ModelCatalog.All)
        {
            if (entry.HasFixture)
            {
                data.Add(entry.Name);
            }
        }

        return data;
    }

    [ZooTheory]
    [MemberData(nameof(FixtureModels))]
    public async Task Converted_network_reproduces_the_packages_own_result(string name)
    {
        var entry = ModelCatalog.Get(name);
        var installed = await new ModelStore().PullAsync(entry);
        Assert.NotNull(installed.FixtureInput);
        Assert.NotNull(installed.FixtureExpected);
        var fixture = ImageFile.Read(installed.FixtureInput!).Image;
        var expected = ImageFile.Read(installed.FixtureExpected!).Image;
        Assert.Equal(3, fixture.Channels);

        using var model = OnnxModel.Load(installed.OnnxPath, new OnnxSessionSettings());
        var (max, offByOne, total) = Compare(Run(model, fixture, entry.InputRange, entry.OutputRange), expected);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name}: {fixture.ShapeText} -> {expected.ShapeText}; max |diff| = {max} grey level(s); {offByOne} of {total} samples ({100.0 * offByOne / total:0.000}%) differ by 1"));
        Assert.True(max <= 1, $"{name}: max |diff| {max} > 1 grey level");

        var other = entry.InputRange == ValueRange.Byte ? ValueRange.Unit : ValueRange.Byte;
        var (wrongMax, _, _) = Compare(Run(model, fixture, other, other), expected);
        output.WriteLine($"{name}: in the other range ({other}) max |diff| = {wrongMax}");
        Assert.True(wrongMax > 1, $"{name}: the fixture does not tell {entry.InputRange} from {other}");
    }

    private static ImageTensor Run(OnnxModel model, ImageTensor image, ValueRange input, ValueRange output)
    {
        using var x = OnnxImage.ToTensor(image, input);
        using var y = model.Run(x);
        Assert.Equal(0, OnnxImage.CountNonFinite(y.GetTensorDataAsSpan<float>()));
        return OnnxImage.FromTensor(y, output);
    }

    private static (int Max, long OffByOne, long Total) Compare(ImageTensor actual, ImageTensor expected)
    {
        Assert.True(actual.SameShape(expected), $"{actual.ShapeText} vs {expected.ShapeText}");
        var max = 0;
        long offByOne = 0;
        ReadOnlySpan<double> a = actual.Data, e = expected.Data;
        for (var i = 0; i < a.Length; i++)
        {
            var d = Math.Abs(Rounding.Quantize(a[i], 255, RoundingMode.HalfAwayFromZero) - Rounding.Quantize(e[i], 255, RoundingMode.HalfAwayFromZero));
            max = Math.Max(max, d);
            offByOne += d == 1 ? 1 : 0;
        }

        return (max, offByOne, a.Length);
    }
}
