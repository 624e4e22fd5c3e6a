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

    [Fact]
    public void Kind_and_preprocess_round_trip_and_default_to_a_restorer()
    {
        var m = new ModelManifest("enc", "encoder", 1, ValueRange.Unit, ValueRange.Unit, 5, "", "unknown", "unknown", "import",
            "onnx", "/x/enc.onnx", "", "", "00", "copied") { Kind = ModelKinds.Encoder, Preprocess = "resize=256" };
        var json = m.ToJson();
        Assert.Contains("\"kind\": \"encoder\"", json, StringComparison.Ordinal);
        Assert.Equal(m, ModelManifest.FromJson(json));

        var old = json.Replace("  \"kind\": \"encoder\",\n", "", StringComparison.Ordinal).Replace(",\n  \"preprocess\": \"resize=256\"", "", StringComparison.Ordinal);
        Assert.DoesNotContain("kind", old, StringComparison.Ordinal);
        var read = ModelManifest.FromJson(old);
        Assert.Equal(ModelKinds.Restorer, read.Kind);
        Assert.Equal("", read.Preprocess);
    }

    [Fact]
    public void The_vae_object_round_trips_and_is_absent_for_other_kinds()
    {
        var vae = new VaeManifest("taesd", "taef2", 32, 8, 1.0, 0.0, ValueRange.Unit, 10, 11, "aa", "bb");
        var m = new ModelManifest("taef2", ModelKinds.Vae, 1, ValueRange.Unit, ValueRange.Unit, 21, "", "MIT", "unknown", "import",
            "safetensors", "/w", "e, d", "", "", "RestoreBench") { Kind = ModelKinds.Vae, Vae = vae };
        var json = m.ToJson();
        Assert.Contains("\"latent_channels\": 32", json, StringComparison.Ordinal);
        var read = ModelManifest.FromJson(json);
        Assert.Equal(vae, read.Vae);
        Assert.Equal(ModelKinds.Vae, read.Kind);
        Assert.Null(ModelManifest.FromJson((m with { Vae = null }).ToJson()).Vae);
    }
}
