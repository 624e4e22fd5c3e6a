using System.Text.Json;
using RestoreBench.Core.Imaging;
using RestoreBench.Metrics.Alignment;

namespace RestoreBench.Metrics.Tests.Alignment;

public class PreprocessingTests
{
    /// <summary>The pattern of preprocess_reference.py: ((37x + 91y + 53c + 11·((x·y) mod 17)) mod 256) / 255.</summary>
    internal static ImageTensor Pattern(int height, int width)
    {
        var image = new ImageTensor(3, height, width);
        for (var c = 0; c < 3; c++)
        {
            var p = image.Plane(c);
            for (var y = 0; y < height; y++)
            {
                for (var x = 0; x < width; x++)
                {
                    p[(y * width) + x] = (((37 * x) + (91 * y) + (53 * c) + (((x * y) % 17) * 11)) % 256) / 255.0;
                }
            }
        }

        return image;
    }

    [Theory]
    [InlineData("mild_down")]
    [InlineData("antialias_down")]
    [InlineData("upsample")]
    [InlineData("dinov2_default")]
    public void Matches_the_Pillow_and_Hugging_Face_reference(string name)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Data", "alignment", "preprocess_expected.json")));
        JsonElement? found = null;
        foreach (var c in doc.RootElement.GetProperty("cases").EnumerateArray())
        {
            if (c.GetProperty("name").GetString() == name)
            {
                found = c;
            }
        }

        var e = found!.Value;
        int h = e.GetProperty("height").GetInt32(), w = e.GetProperty("width").GetInt32();
        int crop = e.GetProperty("crop").GetInt32(), stride = e.GetProperty("stride").GetInt32();
        var manifest = new EncoderManifest { ResizeShortestEdge = e.GetProperty("resize").GetInt32(), CropSize = crop };
        var actual = new float[3 * crop * crop];
        var warnings = new List<string>();
        EncoderPreprocessor.Preprocess(Pattern(h, w), manifest, actual, warnings);
        var expected = e.GetProperty("values");
        var i = 0;
        var maxError = 0.0;
        foreach (var v in expected.EnumerateArray())
        {
            maxError = Math.Max(maxError, Math.Abs(v.GetDouble() - actual[i * stride]));
            i++;
        }

        Assert.Equal((actual.Length + stride - 1) / stride, i);
        // Float32 output (Pillow computes mode F in float32 between passes); 2e-6 after normalisation by std.
        Assert.True(maxError < 2e-6, $"{name}: max |error| {maxError:E3}");
        Assert.Equal(Math.Min(h, w) < crop, warnings.Count == 1);
    }

    [Theory]
    [InlineData(300, 200, 256, 384, 256)]
    [InlineData(200, 300, 256, 256, 384)]
    [InlineData(375, 500, 256, 256, 341)]
    [InlineData(256, 256, 256, 256, 256)]
    public void Shortest_edge_size_truncates_the_long_edge_as_Hugging_Face(int h, int w, int edge, int eh, int ew) =>
        Assert.Equal((eh, ew), EncoderPreprocessor.ShortestEdgeSize(h, w, edge));

    [Fact]
    public void Constant_images_stay_constant_and_same_size_is_identity()
    {
        var image = new ImageTensor(3, 17, 23);
        image.Data.Fill(0.3);
        var resized = PilBicubic.Resize(image, 40, 9);
        foreach (var v in resized.Data)
        {
            Assert.Equal(0.3, v, 12);
        }

        var pattern = Pattern(11, 13);
        Assert.Equal(pattern.Data.ToArray(), PilBicubic.Resize(pattern, 11, 13).Data.ToArray());
    }

    [Fact]
    public void Images_smaller_than_the_crop_are_refused_without_resize()
    {
        var manifest = new EncoderManifest { ResizeShortestEdge = 0, CropSize = 28 };
        var e = Assert.Throws<ArgumentException>(() => EncoderPreprocessor.Preprocess(Pattern(20, 40), manifest, new float[3 * 28 * 28]));
        Assert.Contains("smaller than the encoder crop", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Gray_images_are_repeated_to_rgb()
    {
        var manifest = new EncoderManifest { ResizeShortestEdge = 0, CropSize = 4 };
        var gray = new ImageTensor(1, 4, 4);
        gray.Data.Fill(0.5);
        var output = new float[48];
        EncoderPreprocessor.Preprocess(gray, manifest, output);
        Assert.Equal((float)((0.5 - 0.485) / 0.229), output[0]);
        Assert.Equal((float)((0.5 - 0.406) / 0.225), output[47]);
    }
}
