using RestoreBench.Reports.Statistics;

namespace RestoreBench.Reports.Tests.Statistics;

public sealed class ParetoFrontTests
{
    [Fact]
    public void Front_follows_the_better_directions()
    {
        // x: SSIM (higher better), y: NIQE (lower better).
        double[] x = [0.9, 0.8, 0.7, 0.85, 0.6];
        double[] y = [6.0, 4.0, 3.0, 5.0, 3.5];
        Assert.Equal([2, 1, 3, 0], ParetoFront.Indices(x, y, higherXBetter: true, higherYBetter: false));
        Assert.Equal([2, 4], ParetoFront.Indices(x, y, higherXBetter: false, higherYBetter: false).Order());
    }

    [Fact]
    public void Duplicates_stay_and_non_finite_points_are_left_out()
    {
        double[] x = [1, 1, double.NaN, 0];
        double[] y = [1, 1, 5, 0];
        Assert.Equal([0, 1], ParetoFront.Indices(x, y, true, true));
    }
}
