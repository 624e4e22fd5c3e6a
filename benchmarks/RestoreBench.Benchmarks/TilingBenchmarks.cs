using BenchmarkDotNet.Attributes;
using RestoreBench.Core.Imaging;
using RestoreBench.Restorers.Tiling;

namespace RestoreBench.Benchmarks;

/// <summary>
/// Issue 4, performance: the cost of the tiling machinery on a 2040x1356 input (crop, reflect padding,
/// feathered blending, output assembly) with a ×2 nearest-neighbour "network", so that almost all of
/// the time is tiling: whole image vs tiles of 256 px with 32 px overlap (the CLI default for
/// <c>--tile 256</c>), assembled (<see cref="Tiler.Apply"/>) or streamed as row bands
/// (<see cref="Tiler.ApplyRows"/>, what <c>restore</c> does). The extra network work caused by the
/// overlaps is a property of the layout: see <see cref="RedundantPixelFraction"/> and docs/performance.md.
/// </summary>
[Config(typeof(BenchmarkConfig))]
public class TilingBenchmarks
{
    private static readonly TileOptions Tiles = new(256, 32);
    private ImageTensor _image = null!;

    [GlobalSetup]
    public void Setup() => _image = BenchmarkImages.Reference;

    [Benchmark(Baseline = true)]
    public int WholeImage() => Tiler.Apply(_image, 2, TileOptions.WholeImage, Nearest2).Height;

    [Benchmark]
    public int Tiled256Overlap32() => Tiler.Apply(_image, 2, Tiles, Nearest2).Height;

    [Benchmark]
    public int Tiled256Overlap32Streamed()
    {
        var rows = 0;
        Tiler.ApplyRows(_image, 2, Tiles, Nearest2, (band, _) => rows += band.Height);
        return rows;
    }

    /// <summary>(Σ tile areas − image area) / image area: the share of extra pixels the network processes when tiling.</summary>
    public static double RedundantPixelFraction(int height, int width, TileOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var ys = Tiler.TileStarts(height, options.TileSize, options.Overlap);
        var xs = Tiler.TileStarts(width, options.TileSize, options.Overlap);
        double tiles = (double)ys.Count * Math.Min(options.TileSize, height) * xs.Count * Math.Min(options.TileSize, width);
        return tiles / ((double)height * width) - 1;
    }

    private static ImageTensor Nearest2(ImageTensor image)
    {
        int w = image.Width, ow = 2 * w;
        var result = new ImageTensor(image.Channels, image.Height * 2, ow);
        for (var c = 0; c < image.Channels; c++)
        {
            var src = image.ReadPlane(c);
            var dst = result.Plane(c);
            for (var y = 0; y < result.Height; y++)
            {
                var srcRow = src.Slice(y / 2 * w, w);
                var dstRow = dst.Slice(y * ow, ow);
                for (var x = 0; x < ow; x++)
                {
                    dstRow[x] = srcRow[x >> 1];
                }
            }
        }

        return result;
    }
}
