using RestoreBench.Onnx.Zoo;

namespace RestoreBench.Onnx.Tests.Zoo;

public class ModelManifestTests
{
    [Fact]
    public void Round_trips_through_json()
    {
        var m = new ModelManifest("a", "super-resolution", 4, ValueRange.Unit, ValueRange.Byte, 123, "arch", "MIT", "DIV2K", "catalog",
            "tfjs-layers", "@x/y@1.0.0", "models/x4", "sha512-abc", "0011", "RestoreBench");
        var json = m.ToJson();
        Assert.Equal(m, ModelManifest.FromJson(json));
        Assert.Contains("\"input_range\": \"0-1\"", json, StringComparison.Ordinal);
        Assert.Contains("\"layout\": \"NCHW\"", json, StringComparison.Ordinal);
        Assert.Throws<FormatException>(() => ModelManifest.FromJson("{\"name\": \"a\"}"));
    }
}
