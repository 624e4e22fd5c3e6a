using RestoreBench.Reports.Visual;

namespace RestoreBench.Reports.Tests.Visual;

public sealed class CropSelectorTests
{
    [Fact]
    public void Finds_the_window_where_outputs_disagree()
    {
        const int w = 64, h = 48;
        var a = new double[w * h];
        var b = new double[w * h];
        for (var y = 30; y < 40; y++)
        {
            for (var x = 40; x < 50; x++)
            {
                b[y * w + x] = 1; // the outputs differ only in this 10x10 block
            }
        }

        var (cx, cy) = CropSelector.Select([a, b, a], null, w, h, 16);
        Assert.InRange(cx, 34, 40);
        Assert.InRange(cy, 24, 30);
        Assert.True(cx <= 40 && cx + 16 >= 50 && cy <= 30 && cy + 16 >= 40, $"window ({cx},{cy}) covers the block");
    }

    [Fact]
    public void Single_output_uses_the_error_against_the_reference()
    {
        const int w = 32, h = 32;
        var gt = new double[w * h];
        var output = new double[w * h];
        output[3 * w + 28] = 1;
        // Windows at x = 14..28 (step 2) all hold the pixel; the first in row-major order wins.
        Assert.Equal((14, 0), CropSelector.Select([output], gt, w, h, 16));
    }

    [Theory]
    [InlineData(48, 48, 16)]
    [InlineData(512, 384, 96)]
    [InlineData(200, 10, 10)]
    public void Default_size(int width, int height, int expected) => Assert.Equal(expected, CropSelector.DefaultSize(width, height));
}
