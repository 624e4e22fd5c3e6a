using RestoreBench.Onnx.Zoo;
using RestoreBench.Tests;

namespace RestoreBench.Cli.Tests;

/// <summary><c>restorebench models import-taesd</c> with the real taef2 weights, against a private cache folder.</summary>
public sealed class ImportTaesdCommandTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private string Home => Path.Combine(_temp.Root, "home");

    private CliProcess.Result Models(params string[] args) => CliProcess.RunWith(
        new Dictionary<string, string?> { [ModelStore.EnvironmentVariable] = Home }, ["models", .. args]);

    [SharedFact]
    public void Import_taesd_stores_a_vae_that_info_and_the_store_find()
    {
        var r = Models("import-taesd", SharedData.Models("taef2"), "--variant", "taef2");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("taef2: vae taef2, 32 latent channels at 1/8, 1,338,528 + 1,338,499 parameters", r.Stdout, StringComparison.Ordinal);

        var installed = new ModelStore(Home).Find("taef2");
        Assert.NotNull(installed);
        Assert.True(installed.IsVae);
        Assert.True(File.Exists(installed.EncoderPath));
        Assert.True(File.Exists(installed.DecoderPath));
        var vae = installed.Manifest.Vae!;
        Assert.Equal((32, 8, 1.0, 0.0), (vae.LatentChannels, vae.Downscale, vae.ScalingFactor, vae.ShiftFactor));

        var info = Models("info", "taef2");
        Assert.Equal(0, info.ExitCode);
        Assert.Contains("kind:           vae", info.Stdout, StringComparison.Ordinal);
        Assert.Contains("latent scale:   scaling factor 1, shift 0", info.Stdout, StringComparison.Ordinal);
        Assert.Contains("encoder io:     image: float32[batch,3,height,width] -> latent: float32[batch,32,latent_height,latent_width]", info.Stdout, StringComparison.Ordinal);

        var again = Models("import-taesd", SharedData.Models("taef2"), "--variant", "taef2");
        Assert.Equal(2, again.ExitCode);
        Assert.Contains("already in the cache", again.Stderr, StringComparison.Ordinal);
    }

    [SharedFact]
    public void Weights_that_do_not_fit_the_variant_fail_with_the_keys_listed()
    {
        var dir = _temp.Sub("weights");
        File.Copy(SharedData.Models("taef2", "taef2_encoder.safetensors"), Path.Combine(dir, "taef1_encoder.safetensors"));
        File.Copy(SharedData.Models("taef2", "taef2_decoder.safetensors"), Path.Combine(dir, "taef1_decoder.safetensors"));
        var r = Models("import-taesd", dir, "--variant", "taef1");
        Assert.Equal(1, r.ExitCode);
        var error = Assert.Single(r.StderrLines);
        Assert.Contains("taef1_encoder.safetensors: not a taef1 encoder (16 latent channels): 12 unexpected key(s): 11.pool.0.weight", error, StringComparison.Ordinal);
        Assert.Contains("try --variant taef2", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(Home, "models", "taef1")));
    }

    [Fact]
    public void An_unknown_variant_is_a_usage_error()
    {
        var r = Models("import-taesd", _temp.Root, "--variant", "taesxl");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--variant: TAESD variant 'taesxl' is not known (accepted: taesd, taesdxl, taef1, taef2); did you mean 'taesdxl'?", r.Stderr, StringComparison.Ordinal);
    }
}
