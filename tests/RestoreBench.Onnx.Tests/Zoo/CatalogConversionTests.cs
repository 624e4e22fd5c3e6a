using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using RestoreBench.Onnx.Runtime;
using RestoreBench.Onnx.Zoo;

namespace RestoreBench.Onnx.Tests.Zoo;

/// <summary>
/// Every layers-model catalog entry pulls, converts with the catalog's scale and parameter count, and runs.
/// (The MAXIM graph models take ~1 minute each to pull here; they are covered by MaximReferenceTests.)
/// </summary>
public class CatalogConversionTests
{
    public static TheoryData<string> AllModels() => [.. ModelCatalog.All.Where(e => e.Format == "tfjs-layers").Select(e => e.Name)];

    [ZooTheory]
    [MemberData(nameof(AllModels))]
    public async Task Pulls_converts_and_upscales_by_its_scale(string name)
    {
        var entry = ModelCatalog.Get(name);
        var installed = await new ModelStore().PullAsync(entry);
        Assert.Equal(entry.ParameterCount, installed.Manifest.ParameterCount);
        Assert.Equal(entry.Package.Integrity, installed.Manifest.SourceIntegrity);
        using var model = OnnxModel.Load(installed.OnnxPath);
        Assert.Equal(entry.ParameterCount, model.ParameterCount);
        Assert.Equal("input: float32[batch,3,height,width]", model.Inputs[0].ToString());
        Assert.Equal(entry.InputRange.ToString(), model.Metadata["restorebench.input_range"]);

        using var x = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, TensorElementType.Float, [1, 3, 12, 10]);
        x.GetTensorMutableDataAsSpan<float>().Fill((float)(entry.InputRange.Min + 0.5 * entry.InputRange.Span));
        using var y = model.Run(x);
        Assert.Equal([1L, 3, 12 * entry.Scale, 10 * entry.Scale], y.GetTensorTypeAndShape().Shape);
    }
}
