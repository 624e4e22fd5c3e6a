using System.Text.Json;
using RestoreBench.Metrics.Alignment;
using RestoreBench.Metrics.Catalog;

namespace RestoreBench.Metrics.Tests.Alignment;

/// <summary>
/// End-to-end parity with PyTorch: a random-weight ViT/14 exported by tiny_vit_reference.py with the
/// names and layout of tools/export/dinov2_to_onnx.py; the distances were computed in Python from
/// Pillow-preprocessed images and the PyTorch model.
/// </summary>
public class TinyVitParityTests
{
    [Theory]
    [InlineData(EmbeddingPooling.Cls, EmbeddingDistance.Cosine, "cls_cosine")]
    [InlineData(EmbeddingPooling.Cls, EmbeddingDistance.L2, "cls_l2")]
    [InlineData(EmbeddingPooling.PatchMean, EmbeddingDistance.Cosine, "patch_mean_cosine")]
    [InlineData(EmbeddingPooling.PatchMean, EmbeddingDistance.L2, "patch_mean_l2")]
    public void Align_dinov2_matches_the_PyTorch_reference(EmbeddingPooling pooling, EmbeddingDistance distance, string key)
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "Data", "alignment");
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "tiny_vit_expected.json")));
        var expected = doc.RootElement.GetProperty(key).GetDouble();
        var options = new MetricOptions
        {
            DegreeOfParallelism = 1,
            Alignment = new AlignmentOptions { EncoderPath = Path.Combine(folder, "tiny_vit.onnx"), Pooling = pooling, Distance = distance },
        };
        using var metric = (EmbeddingAlignment)MetricCatalog.Default.Create("align_dinov2", options);
        var a = PreprocessingTests.Pattern(300, 200);
        var b = a.Clone();
        var d = b.Data;
        for (var i = 0; i < d.Length; i++)
        {
            d[i] = (0.5 * d[i]) + 0.25;
        }

        var r = metric.Compute(new AlignmentInputs(b, a, null, null));
        Assert.Equal(expected, r.Value, 1e-6);
    }
}
