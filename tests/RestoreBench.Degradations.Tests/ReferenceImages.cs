using RestoreBench.Core.Imaging;
using RestoreBench.Tests;

namespace RestoreBench.Degradations.Tests;

internal static class ReferenceImages
{
    public static ImageTensor Load(string name, string suffix) =>
        ImageFile.Read(SharedData.Vectors("images", $"{name}_{suffix}.png")).Image;

    /// <summary>Asserts byte equality after rounding half away from zero; reports the first mismatches.</summary>
    public static void AssertBytesEqual(ImageTensor expected, ImageTensor actual, string label)
    {
        Assert.Equal(expected.ShapeText, actual.ShapeText);
        var e = expected.Data;
        var a = actual.Data;
        var mismatches = 0;
        var first = "";
        for (var i = 0; i < e.Length; i++)
        {
            var eb = Rounding.Quantize(e[i], 255, RoundingMode.HalfAwayFromZero);
            var ab = Rounding.Quantize(a[i], 255, RoundingMode.HalfAwayFromZero);
            if (eb != ab)
            {
                if (mismatches++ == 0)
                {
                    first = $"sample {i}: expected {eb}, got {ab} (raw {a[i] * 255:R})";
                }
            }
        }

        Assert.True(mismatches == 0, $"{label}: {mismatches} samples differ; first {first}");
    }
}
