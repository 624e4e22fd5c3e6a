using RestoreBench.Core.Imaging;
using RestoreBench.Restorers.Classical;
using RestoreBench.Restorers.Tiling;

namespace RestoreBench.Restorers.Tests.Tiling;

public class TilerTests
{
    /// <summary>(2r+1)² box mean with replicated image borders: receptive-field radius r.</summary>
    private static ImageTensor Box(ImageTensor image, int r)
    {
        int h = image.Height, w = image.Width;
        var result = new ImageTensor(image.Channels, h, w);
        for (var c = 0; c < image.Channels; c++)
        {
            var src = image.ReadPlane(c);
            var dst = result.Plane(c);
            for (var y = 0; y < h; y++)
            {
                for (var x = 0; x < w; x++)
                {
                    var sum = 0.0;
                    for (var dy = -r; dy <= r; dy++)
                    {
                        for (var dx = -r; dx <= r; dx++)
                        {
                            sum += src[Math.Clamp(y + dy, 0, h - 1) * w + Math.Clamp(x + dx, 0, w - 1)];
                        }
                    }

                    dst[y * w + x] = sum / ((2 * r + 1) * (2 * r + 1));
                }
            }
        }

        return result;
    }

    /// <summary>A 5x5 convolution with an asymmetric kernel (radius 2).</summary>
    private static ImageTensor Conv5(ImageTensor image)
    {
        int h = image.Height, w = image.Width;
        var result = new ImageTensor(image.Channels, h, w);
        for (var c = 0; c < image.Channels; c++)
        {
            var src = image.ReadPlane(c);
            var dst = result.Plane(c);
            for (var y = 0; y < h; y++)
            {
                for (var x = 0; x < w; x++)
                {
                    var sum = 0.0;
                    for (var dy = -2; dy <= 2; dy++)
                    {
                        for (var dx = -2; dx <= 2; dx++)
                        {
                            var k = 0.01 * (dy + 3) * (2 * dx + 7) - 0.03;
                            sum += k * src[Math.Clamp(y + dy, 0, h - 1) * w + Math.Clamp(x + dx, 0, w - 1)];
                        }
                    }

                    dst[y * w + x] = sum;
                }
            }
        }

        return result;
    }

    /// <summary>x2 nearest-neighbour upsampling (receptive field: one pixel).</summary>
    private static ImageTensor Nearest2(ImageTensor image)
    {
        int h = image.Height, w = image.Width;
        var result = new ImageTensor(image.Channels, 2 * h, 2 * w);
        for (var c = 0; c < image.Channels; c++)
        {
            var src = image.ReadPlane(c);
            var dst = result.Plane(c);
            for (var y = 0; y < 2 * h; y++)
            {
                for (var x = 0; x < 2 * w; x++)
                {
                    dst[y * 2 * w + x] = src[y / 2 * w + x / 2];
                }
            }
        }

        return result;
    }

    public static TheoryData<int, int, int, int> Layouts() => new()
    {
        { 100, 77, 32, 8 },
        { 64, 64, 16, 4 },
        { 37, 121, 20, 8 },
        { 33, 33, 32, 4 },
        { 50, 9, 12, 4 },
    };

    [Theory]
    [MemberData(nameof(Layouts))]
    public void Box3_tiled_equals_whole_image_bit_for_bit(int h, int w, int tile, int overlap)
    {
        var image = TestImages.Pattern(3, h, w);
        var whole = Box(image, 1);
        var tiled = Tiler.Apply(image, 1, new TileOptions(tile, overlap), t => Box(t, 1));
        TestImages.AssertBitIdentical(whole, tiled, $"box3 {h}x{w} tile {tile} overlap {overlap}");
    }

    [Theory]
    [InlineData(90, 70, 24, 8)]
    [InlineData(41, 67, 17, 9)]
    public void Conv5_tiled_equals_whole_image_when_the_radius_fits_the_margin(int h, int w, int tile, int overlap)
    {
        Assert.True(new TileOptions(tile, overlap).Margin >= 2);
        var image = TestImages.Pattern(1, h, w);
        TestImages.AssertBitIdentical(Conv5(image), Tiler.Apply(image, 1, new TileOptions(tile, overlap), Conv5), "conv5");
    }

    [Theory]
    [InlineData(45, 38, 16, 4)]
    [InlineData(64, 64, 16, 0)]
    [InlineData(30, 100, 8, 7)]
    public void Nearest_x2_upsampler_tiled_equals_whole_image(int h, int w, int tile, int overlap)
    {
        var image = TestImages.Pattern(3, h, w);
        var tiled = Tiler.Apply(image, 2, new TileOptions(tile, overlap), Nearest2);
        TestImages.AssertBitIdentical(Nearest2(image), tiled, "nearest x2");
    }

    [Fact]
    public void Box_then_upsample_with_scale_tiles_exactly()
    {
        var image = TestImages.Pattern(3, 57, 83);
        ImageTensor F(ImageTensor t) => Nearest2(Box(t, 1));
        TestImages.AssertBitIdentical(F(image), Tiler.Apply(image, 2, new TileOptions(24, 8), F), "box3 + nearest x2");
    }

    [Fact]
    public void A_receptive_field_wider_than_the_margin_shows_seams_so_the_exactness_tests_are_meaningful()
    {
        var image = TestImages.Pattern(1, 64, 64);
        var tiled = Tiler.Apply(image, 1, new TileOptions(24, 4), t => Box(t, 3));
        Assert.True(TestImages.MaxAbsDifference(Box(image, 3), tiled) > 1e-4);
    }

    [Theory]
    [InlineData("bicubic", 2, 8)]
    [InlineData("bicubic", 4, 8)]
    [InlineData("lanczos3", 2, 12)]
    public void Tiled_resize_restorer_equals_the_whole_image_for_dyadic_scales(string kernel, int scale, int overlap)
    {
        // Kernel radius 2 (bicubic) or 3 (Lanczos-3) input pixels: exact when overlap / 4 >= radius.
        var image = TestImages.Pattern(3, 70, 53);
        var spec = $"classical:{kernel}(scale={scale})";
        using var whole = ClassicalRestorers.Create(spec);
        using var tiled = new TiledRestorer(ClassicalRestorers.Create(spec), new TileOptions(28, overlap));
        TestImages.AssertBitIdentical(whole.Restore(image), tiled.Restore(image), spec);
        Assert.Equal(whole.Info.Name, tiled.Info.Name);
        Assert.Contains($"tiles 28 px, overlap {overlap} px", tiled.Info.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void Tiled_bicubic_x3_agrees_to_rounding_level()
    {
        // 1/3 is not dyadic: kernel positions computed from different tile offsets round differently.
        var image = TestImages.Pattern(3, 50, 41);
        using var whole = ClassicalRestorers.Create("classical:bicubic(scale=3)");
        using var tiled = new TiledRestorer(ClassicalRestorers.Create("classical:bicubic(scale=3)"), new TileOptions(20, 8));
        Assert.True(TestImages.MaxAbsDifference(whole.Restore(image), tiled.Restore(image)) < 1e-12);
    }

    [Fact]
    public void Results_do_not_depend_on_the_thread_count_even_for_a_non_local_function()
    {
        // A function that depends on the whole tile (its mean): tiles differ, blending must still be deterministic.
        static ImageTensor MeanShift(ImageTensor t)
        {
            var r = t.Clone();
            var mean = 0.0;
            foreach (var v in t.Data)
            {
                mean += v;
            }

            mean /= t.Data.Length;
            var d = r.Data;
            for (var i = 0; i < d.Length; i++)
            {
                d[i] = d[i] * 0.8 + mean * 0.2;
            }

            return r;
        }

        var image = TestImages.Pattern(3, 97, 61);
        var options = new TileOptions(32, 12);
        var one = Tiler.Apply(image, 1, options, MeanShift, threads: 1);
        var three = Tiler.Apply(image, 1, options, MeanShift, threads: 3);
        TestImages.AssertBitIdentical(one, three, "threads");
    }

    [Fact]
    public void Tiles_are_bounded_by_the_tile_size_and_padded_to_the_multiple()
    {
        var image = TestImages.Pattern(3, 50, 37);
        var seen = new List<(int H, int W)>();
        ImageTensor Strict(ImageTensor t)
        {
            Assert.True(t.Height % 8 == 0 && t.Width % 8 == 0, $"tile {t.ShapeText} is not padded to a multiple of 8");
            seen.Add((t.Height, t.Width));
            return Nearest2(t);
        }

        var tiled = Tiler.Apply(image, 2, new TileOptions(24, 8, padMultiple: 8), Strict);
        Assert.Equal("3x100x74", tiled.ShapeText);
        Assert.All(seen, s => Assert.True(s.H <= 24 && s.W <= 24));
        TestImages.AssertBitIdentical(Nearest2(image), tiled, "padded tiles");

        seen.Clear();
        var whole = Tiler.Apply(image, 2, new TileOptions(0, 0, padMultiple: 8), Strict);
        Assert.Equal([(56, 40)], seen);
        TestImages.AssertBitIdentical(Nearest2(image), whole, "padded whole image");
    }

    [Fact]
    public void Padding_reflects_without_repeating_the_edge()
    {
        var tile = new ImageTensor(1, 1, 3, [0.1, 0.2, 0.3]);
        var padded = Tiler.Pad(tile, 1, 6, RestoreBench.Degradations.Blur.BorderMode.Reflect101);
        Assert.Equal([0.1, 0.2, 0.3, 0.2, 0.1, 0.2], padded.Data.ToArray());
    }

    [Fact]
    public void A_result_of_the_wrong_shape_is_a_restorer_error_naming_both_shapes()
    {
        var image = TestImages.Pattern(3, 40, 40);
        var e = Assert.Throws<RestorerException>(() => Tiler.Apply(image, 4, new TileOptions(16, 4), Nearest2));
        Assert.Contains("returned 3x32x32 for a 3x16x16 input; expected 3x64x64 (scale 4)", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(100, 32, 8)]
    [InlineData(33, 32, 4)]
    [InlineData(1000, 512, 32)]
    [InlineData(37, 20, 4)]
    [InlineData(200, 9, 8)]
    public void Tile_starts_cover_the_axis_with_at_least_the_overlap(int length, int tile, int overlap)
    {
        var starts = Tiler.TileStarts(length, tile, overlap);
        Assert.Equal(0, starts[0]);
        Assert.Equal(length - tile, starts[^1]);
        for (var i = 1; i < starts.Count; i++)
        {
            Assert.True(starts[i] > starts[i - 1]);
            Assert.True(starts[i - 1] + tile - starts[i] >= overlap, $"tiles {i - 1} and {i} overlap by less than {overlap}");
        }

        Assert.Equal((length - overlap + tile - overlap - 1) / (tile - overlap), starts.Count);
        Assert.Equal([0], Tiler.TileStarts(tile, tile, overlap));
    }

    [Fact]
    public void Edge_weights_cross_fade_to_one_over_a_regular_overlap()
    {
        var options = new TileOptions(16, 8);
        var left = Tiler.EdgeWeights(0, 16, 24, options, 2);
        var right = Tiler.EdgeWeights(8, 16, 24, options, 2);
        Assert.Equal(1.0, left[0]);
        Assert.Equal(1.0, right[^1]);
        for (var p = 16; p < 32; p++)
        {
            Assert.Equal(1.0, left[p] + right[p - 16], 12);
        }

        Assert.Equal(0.0, left[^1]);
        Assert.Equal(0.0, left[^4]);
        Assert.True(left[^5] > 0);
    }

    [Theory]
    [InlineData(16, 16, 1)]
    [InlineData(16, -1, 1)]
    [InlineData(-1, 0, 1)]
    [InlineData(0, 4, 1)]
    [InlineData(16, 4, 0)]
    public void Bad_options_are_rejected(int tile, int overlap, int multiple) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new TileOptions(tile, overlap, multiple));

    [Theory]
    [InlineData(97, 61, 32, 12, 1)]
    [InlineData(57, 83, 24, 8, 2)]
    [InlineData(40, 300, 16, 4, 3)]
    [InlineData(20, 20, 32, 8, 2)]
    public void ApplyRows_hands_over_every_output_row_once_in_order_equal_to_Apply(int h, int w, int tile, int overlap, int scale)
    {
        // A non-local function (tile mean) so that tiles disagree and every blend weight matters.
        ImageTensor F(ImageTensor t)
        {
            var mean = 0.0;
            foreach (var v in t.Data)
            {
                mean += v;
            }

            mean /= t.Data.Length;
            var r = scale == 1 ? t.Clone() : NearestBy(t, scale);
            var d = r.Data;
            for (var i = 0; i < d.Length; i++)
            {
                d[i] = d[i] * 0.8 + mean * 0.2;
            }

            return r;
        }

        var image = TestImages.Pattern(3, h, w);
        var options = new TileOptions(tile, overlap);
        var expected = Tiler.Apply(image, scale, options, F);
        var assembled = new ImageTensor(3, h * scale, w * scale);
        var next = 0;
        var bands = 0;
        Tiler.ApplyRows(image, scale, options, F, (band, first) =>
        {
            Assert.Equal(next, first);
            Assert.Equal(w * scale, band.Width);
            Assert.True(band.Height <= Tiler.BandRows || h <= tile);
            for (var c = 0; c < 3; c++)
            {
                band.ReadPlane(c).CopyTo(assembled.Plane(c).Slice(first * w * scale));
            }

            next += band.Height;
            bands++;
        });
        Assert.Equal(h * scale, next);
        Assert.True(h <= tile || bands > 1);
        TestImages.AssertBitIdentical(expected, assembled, "bands");
    }

    [Fact]
    public void TiledRestorer_RestoreRows_equals_Restore()
    {
        var image = TestImages.Pattern(1, 70, 53);
        using var tiled = new TiledRestorer(ClassicalRestorers.Create("classical:bicubic(scale=2)"), new TileOptions(28, 8));
        var expected = tiled.Restore(image);
        var assembled = new ImageTensor(expected.Channels, expected.Height, expected.Width);
        tiled.RestoreRows(image, (band, first) =>
        {
            for (var c = 0; c < band.Channels; c++)
            {
                band.ReadPlane(c).CopyTo(assembled.Plane(c).Slice(first * band.Width));
            }
        });
        TestImages.AssertBitIdentical(expected, assembled, "RestoreRows");
    }

    private static ImageTensor NearestBy(ImageTensor image, int s)
    {
        var r = new ImageTensor(image.Channels, image.Height * s, image.Width * s);
        for (var c = 0; c < image.Channels; c++)
        {
            var src = image.ReadPlane(c);
            var dst = r.Plane(c);
            for (var y = 0; y < r.Height; y++)
            {
                for (var x = 0; x < r.Width; x++)
                {
                    dst[y * r.Width + x] = src[y / s * image.Width + x / s];
                }
            }
        }

        return r;
    }
}
