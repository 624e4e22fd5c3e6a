using System.Diagnostics;
using System.Globalization;
using Microsoft.ML.OnnxRuntime;
using RestoreBench.Onnx.Import;
using RestoreBench.Onnx.Runtime;
using RestoreBench.Onnx.Tests.Zoo;
using RestoreBench.Tests;
using Xunit.Abstractions;

namespace RestoreBench.Onnx.Tests.Import;

/// <summary>
/// The MAXIM deblurring graph model (the real package) converted by <see cref="TfjsGraphImporter"/> reproduces
/// TensorFlow.js's own output on ../shared/reference/maxim (64x64 centre crop of a σ = 3 blurred astronaut,
/// and 128x128 centre crops of a σ = 3 blurred astronaut, computed by @tensorflow/tfjs 4.11.0, CPU backend)
/// within 1e-5 (max abs).
/// </summary>
public class MaximReferenceTests(ITestOutputHelper output)
{
    [MaximFact]
    public Task Converted_deblurring_graph_matches_tensorflow_js_within_1e_5_at_64() => MatchesReference(64);

    [MaximFact]
    public Task Converted_deblurring_graph_matches_tensorflow_js_within_1e_5_at_128() => MatchesReference(128);

    /// <summary>The 2-stage graph shared by deraining, dehazing, enhancement and retouching converts (same op set) and runs.</summary>
    [MaximFact]
    public async Task Two_stage_deraining_graph_converts_and_runs()
    {
        var entry = RestoreBench.Onnx.Zoo.ModelCatalog.Get("maxim-deraining");
        var folder = await MaximPackages.ModelFolderAsync(entry.Name);
        var result = TfjsGraphImporter.Import(folder, new TfjsGraphImportOptions { Height = 64, Width = 64 });
        Assert.Equal(entry.ParameterCount, result.ParameterCount);
        Assert.Equal(27_809, result.Census.Values.Sum());
        var deblurCensus = TfjsGraphImporter.Census(await MaximPackages.ModelFolderAsync("maxim-deblurring"));
        Assert.Equal(deblurCensus.Keys, result.Census.Keys);

        var input = ReadF32(SharedData.Reference("maxim", "astronaut_blur_s3_center64_input.f32"));
        using var model = OnnxModel.Load(result.Model, "maxim-deraining-64", new OnnxSessionSettings { Threads = 2 });
        using var x = OrtValue.CreateTensorValueFromMemory(Layout.ToNchw(input, 64, 64, 3), [1, 3, 64, 64]);
        using var y = model.Run(x);
        var values = y.GetTensorDataAsSpan<float>();
        Assert.Equal(input.Length, values.Length);
        Assert.Equal(0, OnnxImage.CountNonFinite(values));
    }

    private async Task MatchesReference(int side)
    {
        var folder = await MaximPackages.ModelFolderAsync("maxim-deblurring");
        var clock = Stopwatch.StartNew();
        var result = TfjsGraphImporter.Import(folder, new TfjsGraphImportOptions { Height = side, Width = side });
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"import {clock.Elapsed.TotalSeconds:0.0} s: {result.Census.Values.Sum()} nodes, {result.FoldedNodes} folded, {result.OnnxNodes} ONNX nodes, {result.ParameterCount:N0} parameters"));
        output.WriteLine(result.CensusText);
        Assert.Equal(22_211_191, result.ParameterCount);
        Assert.Equal([1, 3, side, side], result.OutputShape);

        var input = ReadF32(SharedData.Reference("maxim", $"astronaut_blur_s3_center{side}_input.f32"));
        var expected = ReadF32(SharedData.Reference("maxim", $"astronaut_blur_s3_center{side}_tfjs_output.f32"));
        clock.Restart();
        using var model = OnnxModel.Load(result.Model, $"maxim-deblurring-{side}", new OnnxSessionSettings { Threads = 2 });
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ONNX initializers (learned tensors): {model.ParameterCount:N0}"));
        Assert.InRange(model.ParameterCount, 22_207_605, 22_211_191);
        using var x = OrtValue.CreateTensorValueFromMemory(Layout.ToNchw(input, side, side, 3), [1, 3, side, side]);
        using var y = model.Run(x);
        var actual = Layout.ToNhwc(y.GetTensorDataAsSpan<float>().ToArray(), side, side, 3);
        double max = 0;
        for (var i = 0; i < expected.Length; i++)
        {
            max = Math.Max(max, Math.Abs(actual[i] - expected[i]));
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"session + run {clock.Elapsed.TotalSeconds:0.0} s; max |ONNX − TF.js| = {max:E2}"));
        Assert.True(max <= 1e-5, $"max abs difference {max} > 1e-5");
    }

    internal static float[] ReadF32(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var values = new float[bytes.Length / 4];
        Buffer.BlockCopy(bytes, 0, values, 0, bytes.Length);
        return values;
    }
}
