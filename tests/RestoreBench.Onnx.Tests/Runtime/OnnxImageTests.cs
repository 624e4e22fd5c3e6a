using RestoreBench.Core.Imaging;
using RestoreBench.Onnx.Runtime;

namespace RestoreBench.Onnx.Tests.Runtime;

public class OnnxImageTests
{
    [Fact]
    public void Eight_bit_images_map_to_exact_integers_in_0_255_and_back()
    {
        var image = new ImageTensor(3, 2, 3);
        var d = image.Data;
        for (var i = 0; i < d.Length; i++)
        {
            d[i] = (i * 37 % 256) / 255.0;
        }

        using var tensor = OnnxImage.ToTensor(image, ValueRange.Byte);
        Assert.Equal([1L, 3, 2, 3], tensor.GetTensorTypeAndShape().Shape);
        var values = tensor.GetTensorDataAsSpan<float>();
        for (var i = 0; i < d.Length; i++)
        {
            Assert.Equal(i * 37 % 256, values[i]);
        }

        var back = OnnxImage.FromTensor(tensor, ValueRange.Byte);
        Assert.True(back.SameShape(image));
        for (var i = 0; i < d.Length; i++)
        {
            Assert.Equal(d[i], back.Data[i], 12);
        }
    }

    [Fact]
    public void Wrong_tensor_shapes_are_named()
    {
        using var tensor = Microsoft.ML.OnnxRuntime.OrtValue.CreateTensorValueFromMemory(new float[8], [1, 2, 2, 2]);
        var e = Assert.Throws<ArgumentException>(() => OnnxImage.FromTensor(tensor, ValueRange.Unit));
        Assert.Contains("[1,2,2,2]", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Counts_non_finite_samples() =>
        Assert.Equal(2, OnnxImage.CountNonFinite([1f, float.NaN, float.PositiveInfinity, 0f]));
}
