using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using RestoreBench.Onnx.Graph;
using RestoreBench.Onnx.Runtime;

namespace RestoreBench.Onnx.Tests.Runtime;

public sealed class OnnxModelTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "rb-onnx-" + Guid.NewGuid().ToString("N"));

    public OnnxModelTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    internal static byte[] TwoTimesModel()
    {
        var b = new OnnxGraphBuilder("two");
        var x = b.AddInput("image", TensorElementType.Float, "batch", 3, "height", "width");
        var w = b.AddInitializer("w", [2f, 0, 0, 0, 2f, 0, 0, 0, 2f], 3, 3, 1, 1);
        b.AddOutput(b.Conv(x, w, null), "restored", TensorElementType.Float, "batch", 3, "height", "width");
        return b.ToBytes();
    }

    [Fact]
    public void Describes_inputs_outputs_and_parameters()
    {
        var path = Path.Combine(_dir, "two.onnx");
        File.WriteAllBytes(path, TwoTimesModel());
        using var m = OnnxModel.Load(path);
        Assert.Equal("two", m.Name);
        Assert.Equal(path, m.Source);
        var input = Assert.Single(m.Inputs);
        Assert.Equal("image", input.Name);
        Assert.Equal(TensorElementType.Float, input.ElementType);
        Assert.Equal("[batch,3,height,width]", input.ShapeText);
        Assert.True(input.Shape[0].IsDynamic);
        Assert.Equal(3, input.Shape[1].Value);
        Assert.Equal("image: float32[batch,3,height,width]", input.ToString());
        Assert.Equal("restored", Assert.Single(m.Outputs).Name);
        Assert.Equal(9, m.ParameterCount);
    }

    [Fact]
    public void Runs_with_OrtValues_and_the_output_outlives_the_run()
    {
        using var m = OnnxModel.Load(TwoTimesModel(), "two", new OnnxSessionSettings { Threads = 2 });
        using var x = OrtValue.CreateTensorValueFromMemory(new float[] { 1, 2, 3, 4, 5, 6 }, [1, 3, 1, 2]);
        using var y = m.Run(x);
        Assert.Equal([2f, 4, 6, 8, 10, 12], y.GetTensorDataAsSpan<float>().ToArray());

        using var all = m.Run(["image"], [x]);
        Assert.Equal(12f, all[0].GetTensorDataAsSpan<float>()[5]);
    }

    [Fact]
    public void Wrong_names_and_shapes_give_one_line_errors()
    {
        using var m = OnnxModel.Load(TwoTimesModel(), "two");
        using var x = OrtValue.CreateTensorValueFromMemory(new float[] { 1, 2 }, [1, 2, 1, 1]);
        var e = Assert.Throws<ArgumentException>(() => m.Run(["nope"], [x]));
        Assert.Contains("no input named 'nope' (inputs: image)", e.Message, StringComparison.Ordinal);
        var run = Assert.Throws<OnnxModelException>(() => m.Run(x));
        Assert.StartsWith("model 'two': run failed:", run.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', run.Message);
    }

    [Theory]
    [InlineData("text")]
    [InlineData("empty")]
    [InlineData("png")]
    [InlineData("folder")]
    public void Files_that_are_not_onnx_models_are_named_in_a_one_line_error(string kind)
    {
        var path = Path.Combine(_dir, "bad.onnx");
        switch (kind)
        {
            case "text":
                File.WriteAllText(path, "this is not a model\nsecond line\n");
                break;
            case "empty":
                File.WriteAllBytes(path, []);
                break;
            case "png":
                File.WriteAllBytes(path, [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
                break;
            default:
                Directory.CreateDirectory(path);
                break;
        }

        var e = Assert.Throws<OnnxModelException>(() => OnnxModel.Load(path));
        Assert.StartsWith(path + ": ", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
        Assert.Contains(kind == "folder" ? "is a folder" : "not an ONNX model", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_file_is_reported()
    {
        var e = Assert.Throws<OnnxModelException>(() => OnnxModel.Load(Path.Combine(_dir, "missing.onnx")));
        Assert.Contains("cannot read the model file", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Disposed_model_refuses_to_run()
    {
        var m = OnnxModel.Load(TwoTimesModel());
        m.Dispose();
        m.Dispose();
        using var x = OrtValue.CreateTensorValueFromMemory(new float[3], [1, 3, 1, 1]);
        Assert.Throws<ObjectDisposedException>(() => m.Run(x));
    }
}
