using System.Text.Json;
using Microsoft.ML.OnnxRuntime.Tensors;
using RestoreBench.Metrics.Catalog;
using RestoreBench.Metrics.Learned;
using RestoreBench.Onnx.Graph;
using RestoreBench.Onnx.Runtime;
using RestoreBench.Tests;
using Xunit.Abstractions;

namespace RestoreBench.Metrics.Tests.Learned;

/// <summary>
/// LPIPS against PyTorch on random-init backbones (Data/lpips, written by make_lpips_parity.py):
/// the real AlexNet layer structure, and a 1x1-conv stand-in with VGG16's channel counts.
/// </summary>
public sealed class LpipsTests(ITestOutputHelper output)
{
    private const double Tolerance = 1e-5;
    private const double RelativeTolerance = 1e-6;

    private static string DataPath(string file) => Path.Combine(AppContext.BaseDirectory, "Data", "lpips", file);

    public static TheoryData<string> Variants => new() { "alex", "vgg_standin" };

    [SharedTheory]
    [MemberData(nameof(Variants))]
    public void Matches_pytorch_on_the_reference_pairs(string variant)
    {
        using var expected = JsonDocument.Parse(File.ReadAllText(DataPath("expected.json")));
        var entry = expected.RootElement.GetProperty(variant);
        using var lpips = Lpips.Load(DataPath(entry.GetProperty("model").GetString()!), threads: 1);
        Assert.Equal(entry.GetProperty("net").GetString() == "alex" ? LpipsNet.Alex : LpipsNet.Vgg, lpips.Net);

        var worst = 0.0;
        foreach (var pair in entry.GetProperty("pairs").EnumerateArray())
        {
            var restored = TestImages.Vector($"images/{pair.GetProperty("restored").GetString()}.png");
            var reference = TestImages.Vector($"images/{pair.GetProperty("reference").GetString()}.png");
            var want = pair.GetProperty("lpips").GetDouble();
            var got = lpips.Compute(restored, reference);
            output.WriteLine($"{variant} {pair.GetProperty("restored").GetString()} vs {pair.GetProperty("reference").GetString()}: pytorch {want:R}, restorebench {got:R}, diff {got - want:E2}");
            Assert.InRange(got, want - Tolerance, want + Tolerance);
            // The values are small (about 1e-3 to 2e-2), so the relative difference is checked too.
            Assert.True(Math.Abs(got - want) <= RelativeTolerance * Math.Abs(want), $"relative difference {Math.Abs(got - want) / want:E2}");
            worst = Math.Max(worst, Math.Abs(got - want));
        }

        output.WriteLine($"{variant}: largest difference {worst:E2}");
    }

    [Fact]
    public void Identical_images_give_zero_and_the_distance_is_symmetric_and_positive()
    {
        using var lpips = Lpips.Load(DataPath("alex_random_seed1234.onnx"), threads: 1);
        var (a, b) = TestImages.Pair(3, 48, 40, 7);
        Assert.Equal(0.0, lpips.Compute(a, a));
        var ab = lpips.Compute(a, b);
        Assert.True(ab > 0, $"lpips(a, b) = {ab}");
        Assert.Equal(ab, lpips.Compute(b, a), 12);
        Assert.Equal(ab, lpips.Compute(a, b));
        Assert.Equal("alex", lpips.Settings["net"]);
        Assert.Equal(MetricDirection.LowerIsBetter, lpips.Descriptor.Direction);
    }

    [Fact]
    public void Gray_images_are_repeated_to_three_channels()
    {
        using var lpips = Lpips.Load(DataPath("alex_random_seed1234.onnx"), threads: 1);
        var (a, b) = TestImages.Pair(1, 40, 40, 3);
        Assert.Equal(lpips.Compute(a.ToRgb(), b.ToRgb()), lpips.Compute(a, b));
    }

    [Fact]
    public void Too_small_images_and_shape_mismatches_are_rejected()
    {
        using var lpips = Lpips.Load(DataPath("alex_random_seed1234.onnx"), threads: 1);
        var (a, b) = TestImages.Pair(3, 20, 40, 3);
        var e = Assert.Throws<ArgumentException>(() => lpips.Compute(a, b));
        Assert.Contains("32x32", e.Message, StringComparison.Ordinal);
        var (c, _) = TestImages.Pair(3, 40, 40, 3);
        Assert.Throws<ArgumentException>(() => lpips.Compute(c, b));
    }

    [Fact]
    public void Backbone_with_unexpected_outputs_lists_expected_and_actual()
    {
        var g = new OnnxGraphBuilder("not_lpips");
        var x = g.AddInput("input", TensorElementType.Float, 1, 3, "height", "width");
        g.AddOutput(g.Relu(x), "only_one", TensorElementType.Float, 1, 3, "height", "width");
        using var model = OnnxModel.Load(g.ToBytes(), "not_lpips");
        var e = Assert.Throws<ArgumentException>(() => new Lpips(model));
        Assert.Contains("Expected: input float32[1,3,H,W]", e.Message, StringComparison.Ordinal);
        Assert.Contains("64, 192, 384, 256, 256", e.Message, StringComparison.Ordinal);
        Assert.Contains("Actual: inputs input: float32[1,3,height,width]; outputs only_one: float32[1,3,height,width]", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Backbone_with_other_channel_counts_is_rejected()
    {
        var g = new OnnxGraphBuilder("five_wrong");
        var x = g.AddInput("input", TensorElementType.Float, 1, 3, "height", "width");
        for (var k = 0; k < 5; k++)
        {
            var w = g.AddInitializer($"w{k}", new float[8 * 3], 8, 3, 1, 1);
            g.AddOutput(g.Conv(x, w, null), $"feat{k + 1}", TensorElementType.Float, 1, 8, "height", "width");
        }

        using var model = OnnxModel.Load(g.ToBytes(), "five_wrong");
        var e = Assert.Throws<ArgumentException>(() => Lpips.DetectNet(model));
        Assert.Contains("feat5: float32[1,8,height,width]", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Catalog_entry_needs_a_backbone_and_loads_one()
    {
        var e = Assert.Throws<ArgumentException>(() => MetricCatalog.Default.Create("lpips"));
        Assert.StartsWith("lpips needs --lpips NAME|FILE.onnx", e.Message, StringComparison.Ordinal);
        var missing = Assert.Throws<ArgumentException>(() => MetricCatalog.Default.Create("lpips", new MetricOptions { LpipsBackbone = DataPath("missing.onnx") }));
        Assert.Contains("missing.onnx", missing.Message, StringComparison.Ordinal);

        var metric = MetricCatalog.Default.CreateFullReference("lpips", new MetricOptions { LpipsBackbone = DataPath("alex_random_seed1234.onnx"), CropBorder = 2, DegreeOfParallelism = 1 });
        Assert.Equal("lpips", metric.Descriptor.Name);
        Assert.Equal("2", metric.Settings["crop_border"]);
        ((IDisposable)metric).Dispose();
    }

    [Fact]
    public void Official_linear_layers_are_embedded()
    {
        var alex = LpipsLinearLayers.Official(LpipsNet.Alex);
        var vgg = LpipsLinearLayers.Official(LpipsNet.Vgg);
        for (var k = 0; k < 5; k++)
        {
            Assert.Equal(LpipsLinearLayers.ChannelsOf(LpipsNet.Alex)[k], alex.Weights(k).Length);
            Assert.Equal(LpipsLinearLayers.ChannelsOf(LpipsNet.Vgg)[k], vgg.Weights(k).Length);
            foreach (var w in alex.Weights(k))
            {
                Assert.True(w >= 0, "LPIPS v0.1 weights are non-negative");
            }
        }
    }

    [SharedFact]
    public void Embedded_layers_equal_the_shared_files()
    {
        var file = LpipsLinearLayers.FromSafeTensors(LpipsNet.Vgg, SharedData.Models("lpips", "lpips_vgg_v0.1.safetensors"));
        var embedded = LpipsLinearLayers.Official(LpipsNet.Vgg);
        for (var k = 0; k < 5; k++)
        {
            Assert.Equal(embedded.Weights(k).ToArray(), file.Weights(k).ToArray());
        }
    }
}
