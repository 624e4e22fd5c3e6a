using RestoreBench.Core.Imaging;
using RestoreBench.Degradations.Pipeline;
using RestoreBench.Metrics.Alignment;
using RestoreBench.Metrics.Catalog;
using RestoreBench.Onnx.Runtime;
using RestoreBench.Tests.Alignment;

namespace RestoreBench.Metrics.Tests.Alignment;

public class EmbeddingAlignmentTests
{
    /// <summary>No resize, 28x28 crop: the encoder input is the normalised image itself.</summary>
    private static readonly EncoderManifest Small = new() { ResizeShortestEdge = 0, CropSize = 28 };

    private static OnnxImageEncoder Encoder(EncoderManifest? manifest = null, EmbeddingPooling pooling = EmbeddingPooling.Cls) =>
        new(OnnxModel.Load(TestEncoders.Patch(), "patch", new OnnxSessionSettings { Threads = 1 }), manifest ?? Small, pooling);

    private static EmbeddingAlignment Metric(AlignmentMode mode, EmbeddingDistance distance = EmbeddingDistance.Cosine, string? spec = null, EncoderManifest? manifest = null, EmbeddingPooling pooling = EmbeddingPooling.Cls) =>
        new(Encoder(manifest, pooling), new AlignmentOptions { EncoderPath = "patch", Mode = mode, Distance = distance, Pooling = pooling }, spec is null ? null : DegradationSpec.Parse(spec));

    private static ImageTensor Constant(int size, double r, double g, double b)
    {
        var image = new ImageTensor(3, size, size);
        image.Plane(0).Fill(r);
        image.Plane(1).Fill(g);
        image.Plane(2).Fill(b);
        return image;
    }

    /// <summary>Left half one colour, right half another: patch tokens differ, μ is their average.</summary>
    private static (ImageTensor Image, double[] Mu) Halves(double[] left, double[] right)
    {
        var image = new ImageTensor(3, 28, 28);
        var mu = new double[3];
        for (var c = 0; c < 3; c++)
        {
            var p = image.Plane(c);
            for (var y = 0; y < 28; y++)
            {
                for (var x = 0; x < 28; x++)
                {
                    p[(y * 28) + x] = x < 14 ? left[c] : right[c];
                }
            }

            mu[c] = (((left[c] - EncoderManifest.ImageNetMean[c]) / EncoderManifest.ImageNetStd[c]) + ((right[c] - EncoderManifest.ImageNetMean[c]) / EncoderManifest.ImageNetStd[c])) / 2;
        }

        return (image, mu);
    }

    [Fact]
    public void Gt_mode_is_the_closed_form_cosine_distance_of_Eq_14()
    {
        using var metric = Metric(AlignmentMode.Gt);
        var gt = Constant(28, 0.2, 0.5, 0.8);
        var restored = Constant(28, 0.7, 0.4, 0.1);
        var r = metric.Compute(new AlignmentInputs(restored, gt, null, null));
        var expected = TestEncoders.Cosine(
            TestEncoders.Expected(TestEncoders.NormalisedConstant(0.2, 0.5, 0.8), cls: true),
            TestEncoders.Expected(TestEncoders.NormalisedConstant(0.7, 0.4, 0.1), cls: true));
        Assert.Equal(expected, r.Value, 1e-6);
        Assert.True(expected > 0.05);
        Assert.Equal(AlignmentMode.Gt, r.Mode);
        Assert.Empty(r.Warnings);
        Assert.Equal(0.0, metric.Compute(new AlignmentInputs(gt, gt, null, null)).Value, 1e-7);
    }

    [Fact]
    public void L2_distance_and_patch_mean_pooling_follow_the_closed_form()
    {
        var (a, muA) = Halves([0.9, 0.1, 0.3], [0.2, 0.6, 0.4]);
        var (b, muB) = Halves([0.1, 0.8, 0.5], [0.5, 0.5, 0.9]);
        foreach (var pooling in new[] { EmbeddingPooling.Cls, EmbeddingPooling.PatchMean })
        {
            var cls = pooling == EmbeddingPooling.Cls;
            var u = TestEncoders.Expected(muA, cls);
            var v = TestEncoders.Expected(muB, cls);
            using var l2 = Metric(AlignmentMode.Gt, EmbeddingDistance.L2, pooling: pooling);
            using var cosine = Metric(AlignmentMode.Gt, EmbeddingDistance.Cosine, pooling: pooling);
            var cos = TestEncoders.Cosine(u, v);
            Assert.Equal(cos, cosine.Compute(new AlignmentInputs(b, a, null, null)).Value, 1e-6);
            Assert.Equal(Math.Sqrt(2 * cos), l2.Compute(new AlignmentInputs(b, a, null, null)).Value, 1e-6);
        }
    }

    [Fact]
    public void Lq_mode_compares_the_re_degraded_restoration_with_the_input_Eq_15()
    {
        using var metric = Metric(AlignmentMode.Lq, spec: "down(scale=2)");
        var restored = Constant(56, 0.6, 0.3, 0.2);
        var lq = Constant(28, 0.4, 0.4, 0.4);
        var r = metric.Compute(new AlignmentInputs(restored, null, lq, null));
        var expected = TestEncoders.Cosine(
            TestEncoders.Expected(TestEncoders.NormalisedConstant(0.4, 0.4, 0.4), cls: true),
            TestEncoders.Expected(TestEncoders.NormalisedConstant(0.6, 0.3, 0.2), cls: true));
        Assert.Equal(expected, r.Value, 1e-6);
        Assert.Equal(AlignmentMode.Lq, r.Mode);
        var e = Assert.Throws<ArgumentException>(() => metric.Compute(new AlignmentInputs(restored, null, Constant(20, 0.4, 0.4, 0.4), null)));
        Assert.Contains("check --spec", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Auto_mode_chooses_per_image_by_gamma()
    {
        using var metric = Metric(AlignmentMode.Auto, spec: "down(scale=2)");
        var gt = Constant(56, 0.2, 0.5, 0.8);
        var restored = Constant(56, 0.6, 0.3, 0.2);
        var lq = Constant(28, 0.4, 0.4, 0.4);
        using var gtMetric = Metric(AlignmentMode.Gt, manifest: new EncoderManifest { ResizeShortestEdge = 0, CropSize = 28 });
        var high = metric.Compute(new AlignmentInputs(restored, gt, lq, 0.4));
        var low = metric.Compute(new AlignmentInputs(restored, gt, lq, 0.3999));
        Assert.Equal(AlignmentMode.Gt, high.Mode);
        Assert.Equal(AlignmentMode.Lq, low.Mode);
        Assert.Equal(gtMetric.Compute(new AlignmentInputs(restored, gt, null, null)).Value, high.Value, 12);
        Assert.NotEqual(high.Value, low.Value, 6);
        var e = Assert.Throws<ArgumentException>(() => metric.Compute(new AlignmentInputs(restored, gt, lq, null)));
        Assert.Contains("gamma", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Pooler_output_is_used_as_the_embedding()
    {
        var manifest = Small with { OutputName = "pooler_output" };
        using var metric = Metric(AlignmentMode.Gt, manifest: manifest);
        using var tokens = Metric(AlignmentMode.Gt);
        var gt = Constant(28, 0.2, 0.5, 0.8);
        var restored = Constant(28, 0.7, 0.4, 0.1);
        Assert.Equal(tokens.Compute(new AlignmentInputs(restored, gt, null, null)).Value, metric.Compute(new AlignmentInputs(restored, gt, null, null)).Value, 12);
        var e = Assert.Throws<ArgumentException>(() => Encoder(manifest, EmbeddingPooling.PatchMean));
        Assert.Contains("patch-mean embedding needs the token sequence", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Small_images_are_upsampled_with_a_warning()
    {
        using var metric = Metric(AlignmentMode.Gt, manifest: new EncoderManifest { ResizeShortestEdge = 32, CropSize = 28 });
        var r = metric.Compute(new AlignmentInputs(Constant(20, 0.1, 0.2, 0.3), Constant(20, 0.1, 0.2, 0.3), null, null));
        Assert.Equal(0.0, r.Value, 7);
        Assert.Equal(2, r.Warnings.Count);
        Assert.Contains("upsampled", r.Warnings[0], StringComparison.Ordinal);
    }

    [Fact]
    public void An_encoder_that_breaks_the_contract_is_refused_with_expected_and_actual_names_and_shapes()
    {
        var e = Assert.Throws<ArgumentException>(() => new OnnxImageEncoder(OnnxModel.Load(TestEncoders.WrongNames(), "wrong"), EncoderManifest.DinoV2, EmbeddingPooling.Cls));
        foreach (var part in new[] { "pixel_values: float32[N,3,224,224]", "last_hidden_state: float32[N,1+P,D]", "x: float32[1,3,32,32]", "y: float32[1,3,32,32]", "no input named 'pixel_values'" })
        {
            Assert.Contains(part, e.Message, StringComparison.Ordinal);
        }

        var size = Assert.Throws<ArgumentException>(() => new OnnxImageEncoder(OnnxModel.Load(TestEncoders.Patch(28), "patch"), EncoderManifest.DinoV2, EmbeddingPooling.Cls));
        Assert.Contains("does not accept float32[1,3,224,224]", size.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Lq_and_auto_modes_need_the_spec()
    {
        foreach (var mode in new[] { AlignmentMode.Lq, AlignmentMode.Auto })
        {
            var e = Assert.Throws<ArgumentException>(() => Metric(mode));
            Assert.Contains("needs --lq and --spec", e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Catalog_lists_align_dinov2_and_align_lr_as_alignment_metrics()
    {
        var catalog = MetricCatalog.Default;
        Assert.Equal(MetricKind.Alignment, catalog.Describe("align_dinov2").Kind);
        Assert.Equal(MetricDirection.LowerIsBetter, catalog.Describe("align_dinov2").Direction);
        Assert.Equal(MetricKind.Alignment, catalog.Describe("align_lr").Kind);
        var e = Assert.Throws<ArgumentException>(() => catalog.Create("align_dinov2"));
        Assert.Contains("--encoder", e.Message, StringComparison.Ordinal);

        var options = new MetricOptions { Degradation = DegradationSpec.Parse("down(scale=2)") };
        var alignLr = (IConsistencyMetric)catalog.Create("align_lr", options);
        var lrPsnr = (IConsistencyMetric)catalog.Create("lr_psnr", options);
        var restored = PreprocessingTests.Pattern(40, 40);
        var lq = PreprocessingTests.Pattern(20, 20);
        Assert.Equal(lrPsnr.Compute(restored, lq), alignLr.Compute(restored, lq));
    }

    [Fact]
    public void Catalog_creates_align_dinov2_from_a_file()
    {
        using var temp = new TempPath();
        File.WriteAllBytes(temp.File, TestEncoders.Patch());
        var options = new MetricOptions { DegreeOfParallelism = 1, Alignment = new AlignmentOptions { EncoderPath = temp.File, Manifest = Small } };
        using var metric = (EmbeddingAlignment)MetricCatalog.Default.Create("align_dinov2", options);
        Assert.Equal("gt", metric.Settings["mode"]);
        Assert.Equal("cls", metric.Settings["embedding"]);
    }

    private sealed class TempPath : IDisposable
    {
        public string File { get; } = Path.Combine(Path.GetTempPath(), "rb-align-" + Guid.NewGuid().ToString("N") + ".onnx");

        public void Dispose() => System.IO.File.Delete(File);
    }
}
