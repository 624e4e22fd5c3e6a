using RestoreBench.Core.Imaging;
using RestoreBench.Core.Randomness;
using RestoreBench.Diffusion.Components;
using RestoreBench.Diffusion.Pipeline;
using RestoreBench.Diffusion.Schedulers;
using RestoreBench.Restorers;

namespace RestoreBench.Diffusion.Tests.Pipeline;

/// <summary>
/// The image data path end to end with a lossless fixture VAE (pixel unshuffle/shuffle by 2) and
/// closed-form denoisers, through manifests on disk and <see cref="CldmFactory"/>.
/// </summary>
public sealed class CldmPipelineTests : IDisposable
{
    private readonly CldmFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    private static ImageTensor Image(int h, int w, ulong seed)
    {
        var image = new ImageTensor(3, h, w);
        var rng = new SeededRandom(seed);
        var d = image.Data;
        for (var i = 0; i < d.Length; i++)
        {
            d[i] = rng.NextDouble();
        }

        return image;
    }

    private ImageTensor Run(string manifest, CldmKnobs knobs, ImageTensor input, string id = "img")
    {
        using var restorer = CldmFactory.Create(manifest, knobs);
        return restorer.RestoreAsync(input, new RestoreContext(id)).GetAwaiter().GetResult();
    }

    [Fact]
    public void Vae_only_round_trip_of_the_lossless_vae_is_exact()
    {
        var manifest = _fixture.Manifest("vae", "");
        var x = Image(30, 22, 1); // odd-size multiple of 2 is padded/cropped
        var y = Run(manifest, new CldmKnobs { Mode = CldmMode.VaeOnly, VaeSource = VaeSource.Input }, x);
        Assert.True(ImageDiff.Max(x, y) < 1e-6, $"{ImageDiff.Max(x, y)}");
        var odd = Image(31, 23, 2);
        Assert.True(ImageDiff.Max(odd, Run(manifest, new CldmKnobs { Mode = CldmMode.VaeOnly, VaeSource = VaeSource.Input }, odd)) < 1e-6);
    }

    [Fact]
    public void Moments_output_scaling_shift_and_unit_range_keep_the_round_trip_exact()
    {
        // Encoder output = moments (mean first), z = (mean − 0.1)·0.5, decoder gets z/0.5 + 0.1, image range [0, 1].
        var path = Path.Combine(_fixture.Folder, "moments.yaml");
        File.WriteAllText(path, """
            vae:
              encoder: enc_moments.onnx
              decoder: dec.onnx
              range: 0-1
              output_kind: moments
              encoder_input: pixels
              encoder_output: moments
              latent_channels: 12
              downscale: 2
              scaling_factor: 0.5
              shift_factor: 0.1
            """);
        var manifest = CldmManifest.Load(path);
        using var vae = CldmFactory.LoadVae(manifest.Vae);
        var x = Image(10, 14, 12);
        var z = vae.Encode(x);
        Assert.Equal(12, z.Channels);
        Assert.Equal((x.Data[0] - 0.1) * 0.5, z.Data[0], 1e-6); // channel 0 of the unshuffle is pixel (0, 0) of R
        Assert.True(ImageDiff.Max(x, vae.RoundTrip(x)) < 1e-6);

        File.WriteAllText(path, File.ReadAllText(path).Replace("latent_channels: 12", "latent_channels: 4", StringComparison.Ordinal));
        var e = Assert.Throws<CldmManifestException>(() => CldmFactory.LoadVae(CldmManifest.Load(path).Vae));
        Assert.Contains("24 channels", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(SamplerKind.Ddim, 1.0, 10)]
    [InlineData(SamplerKind.Ddim, 0.4, 10)]
    [InlineData(SamplerKind.Ddpm, 0.4, 25)]
    [InlineData(SamplerKind.Euler, 0.7, 8)]
    [InlineData(SamplerKind.Ddim, 0.001, 1)]
    public void Oracle_denoiser_returns_D_of_E_of_I_reg_for_any_start(SamplerKind sampler, double start, int steps)
    {
        // The oracle predicts ε from c_f exactly, so ẑ_0 = c_f at every step and z_0 = c_f: the output
        // is D(E(I_reg)) = I_reg for the lossless VAE, up to float32 rounding in the graphs.
        var manifest = _fixture.Manifest("oracle", CldmFixture.Oracle);
        var x = Image(24, 40, 3);
        var y = Run(manifest, new CldmKnobs { Sampler = sampler, StartNoise = start, Steps = steps, Seed = 9 }, x);
        Assert.True(ImageDiff.Max(x, y) < 2e-4, $"{ImageDiff.Max(x, y)}");
    }

    [Fact]
    public void Start_noise_to_zero_converges_to_D_of_E_of_I_reg()
    {
        // A denoiser that does not know c_f (ε* for N(0, 0.25)): as t0 → 0 the output approaches D(E(I_reg)).
        var manifest = _fixture.Manifest("eps", CldmFixture.EpsStar);
        var x = Image(16, 16, 4);
        var errors = new List<double>();
        foreach (var s in new[] { 0.3, 0.03, 0.001 })
        {
            var y = Run(manifest, new CldmKnobs { Sampler = SamplerKind.Ddim, StartNoise = s, Steps = 1, Spacing = TimestepSpacing.Trailing }, x);
            var sum = 0.0;
            for (var i = 0; i < x.Data.Length; i++)
            {
                sum += Math.Abs(x.Data[i] - y.Data[i]);
            }

            errors.Add(sum / x.Data.Length);
        }

        // Mean absolute error; at t0 = 0 what is left is the noise of ᾱ_0 (√(1 − ᾱ_0) = 0.01 in latent units).
        Assert.True(errors[0] > errors[1] && errors[1] > errors[2], string.Join(", ", errors));
        Assert.True(errors[2] < 0.005, string.Join(", ", errors));
    }

    [Fact]
    public void An_experiment_seed_in_the_context_replaces_the_knob_seed()
    {
        var manifest = _fixture.Manifest("eps_seed", CldmFixture.EpsStar);
        var x = Image(16, 16, 6);
        using var restorer = CldmFactory.Create(manifest, new CldmKnobs { Sampler = SamplerKind.Ddpm, Steps = 4, Seed = 3 });
        double[] Restore(long? seed) => restorer.RestoreAsync(x, new RestoreContext("img", seed)).GetAwaiter().GetResult().Data.ToArray();

        Assert.Equal(Restore(null), Restore(3));   // no experiment seed: the knob seed (3)
        Assert.Equal(Restore(1), Restore(1));      // same seed, same bytes
        Assert.NotEqual(Restore(1), Restore(2));   // the seeds of a spec give different noise
        Assert.NotEqual(Restore(null), Restore(0));
    }

    [Fact]
    public void Tiled_vae_and_latent_tiling_keep_the_data_path_exact()
    {
        var manifest = _fixture.Manifest("tiled", CldmFixture.Oracle + "\n  tile: {size: 12, overlap: 4}", vaeExtra: "  encode_tile: {size: 16, overlap: 4}\n  decode_tile: {size: 10, overlap: 4}");
        var x = Image(46, 38, 5);
        Assert.True(ImageDiff.Max(x, Run(manifest, new CldmKnobs { Mode = CldmMode.VaeOnly }, x)) < 1e-6);
        Assert.True(ImageDiff.Max(x, Run(manifest, new CldmKnobs { Sampler = SamplerKind.Ddim, Steps = 5 }, x)) < 2e-4);
    }

    [Fact]
    public void Stage1_output_is_resized_to_the_target_size()
    {
        var manifest = _fixture.Manifest("sr", CldmFixture.Oracle, "stage1: classical:bicubic(scale=2)\nscale: 2");
        var lq = Image(12, 10, 6);
        var reg = RestoreBench.Degradations.Resize.Resizer.Resize(lq, 2.0);
        var y = Run(manifest, new CldmKnobs { Sampler = SamplerKind.Ddim, Steps = 4 }, lq);
        Assert.Equal(24, y.Height);
        Assert.True(ImageDiff.Max(reg.ClampInPlace(), y) < 2e-4, $"{ImageDiff.Max(reg, y)}");
    }

    [Fact]
    public void Save_steps_hand_over_decoded_predictions_and_seeds_are_reproducible()
    {
        var manifest = _fixture.Manifest("oracle2", CldmFixture.Oracle);
        var x = Image(16, 16, 7);
        var saved = new List<(int Step, int T)>();
        var knobs = new CldmKnobs
        {
            Sampler = SamplerKind.Ddpm,
            Steps = 10,
            SaveSteps = [1, 5, 10],
            OnPredictedX0 = (_, step, t, image) =>
            {
                saved.Add((step, t));
                Assert.True(ImageDiff.Max(x, image) < 2e-4);
            },
        };
        var a = Run(manifest, knobs, x);
        Assert.Equal([1, 5, 10], saved.ConvertAll(s => s.Step));
        var b = Run(manifest, knobs with { OnPredictedX0 = null }, x);
        Assert.Equal(a.Data.ToArray(), b.Data.ToArray());
    }

    [Fact]
    public void Classifier_free_guidance_combines_conditional_and_null_outputs()
    {
        using var model = RestoreBench.Onnx.Runtime.OnnxModel.Load(TestGraphs.ConditionOracle(CldmFixture.Schedule, 12, withContext: true), "cfg");
        var spec = new DenoiserSpec
        {
            Model = "cfg.onnx", LatentInput = "z", TimestepInput = "t", ConditionInput = "cond", ContextInput = "context",
            Context = Path.Combine(_fixture.Folder, "ctx.npy"), NullContext = Path.Combine(_fixture.Folder, "null.npy"),
        };
        var denoiser = new Denoiser(RestoreBench.Onnx.Runtime.OnnxModel.Load(TestGraphs.ConditionOracle(CldmFixture.Schedule, 12, withContext: true), "cfg"), spec, 12);
        var sampler = new LatentDiffusionSampler(denoiser, CldmFixture.Schedule);
        var z = new LatentTensor(12, 4, 4);
        new SeededGaussianNoise(new SeededRandom(1)).Fill(z.Data);
        var c = new LatentTensor(12, 4, 4);
        var plain = sampler.Predict(z, 500, c, 1.0).Clone(); // the untiled result is a reused buffer
        var guided = sampler.Predict(z, 500, c, 3.0);
        for (var i = 0; i < z.Data.Length; i++)
        {
            // u = ε + 0.05, c = ε + 0.25: u + 3(c − u) = ε + 0.65.
            Assert.Equal(plain.Data[i] - 0.25 + 0.65, guided.Data[i], 1e-5);
        }

        denoiser.Dispose();
    }

    [Fact]
    public void One_step_mode_with_the_oracle_returns_I_reg()
    {
        var manifest = _fixture.Manifest("one", CldmFixture.Oracle);
        var x = Image(16, 20, 8);
        Assert.True(ImageDiff.Max(x, Run(manifest, new CldmKnobs { Mode = CldmMode.OneStep, OneStepTimestep = 700 }, x)) < 5e-4);
    }

    [Fact]
    public void Wavelet_colour_fix_takes_low_frequencies_from_the_style()
    {
        var content = Image(32, 32, 9);
        var style = content.Clone();
        foreach (ref var v in style.Data)
        {
            v += 0.1;
        }

        var fixedImage = WaveletColorFix.Apply(content, style);
        Assert.True(ImageDiff.Max(style, fixedImage) < 1e-12);
        Assert.True(ImageDiff.Max(content, WaveletColorFix.Apply(content, content)) < 1e-12);
    }

    [Fact]
    public void Bad_names_list_the_graph_inputs_and_outputs()
    {
        var manifest = _fixture.Manifest("badname", """
            denoiser:
              model: oracle.onnx
              inputs:
                latent: x_t
                timestep: t
                condition: cond
            """);
        var e = Assert.Throws<CldmManifestException>(() => CldmFactory.Create(manifest));
        Assert.Contains("no input named 'x_t'", e.Message, StringComparison.Ordinal);
        Assert.Contains("graph inputs: z: float32[1,12,h,w], t: float32[1], cond: float32[1,12,h,w]", e.Message, StringComparison.Ordinal);
        Assert.Contains("outputs: eps", e.Message, StringComparison.Ordinal);

        var unmapped = _fixture.Manifest("unmapped", """
            denoiser:
              model: oracle.onnx
              inputs:
                latent: z
                timestep: t
            """);
        Assert.Contains("graph input 'cond' has no role", Assert.Throws<CldmManifestException>(() => CldmFactory.Create(unmapped)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Latent_channel_mismatch_is_reported()
    {
        File.WriteAllBytes(Path.Combine(_fixture.Folder, "eps4.onnx"), TestGraphs.GaussianEpsilon(CldmFixture.Schedule, 4, 0, 1));
        var manifest = _fixture.Manifest("mismatch", """
            denoiser:
              model: eps4.onnx
              inputs:
                latent: z
                timestep: t
            """);
        var e = Assert.Throws<CldmManifestException>(() => CldmFactory.Create(manifest));
        Assert.Contains("latent channel mismatch", e.Message, StringComparison.Ordinal);
        Assert.Contains("4 channels, the VAE's latent has 12", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_knobs_and_manifest_values_are_refused()
    {
        var manifest = _fixture.Manifest("knobs", CldmFixture.Oracle);
        Assert.Contains("outside (0, 1]", Assert.Throws<ArgumentException>(() => CldmFactory.Create(manifest, new CldmKnobs { StartNoise = 0 })).Message, StringComparison.Ordinal);
        Assert.Contains("outside (0, 1]", Assert.Throws<ArgumentException>(() => CldmFactory.Create(manifest, new CldmKnobs { StartNoise = 1.2 })).Message, StringComparison.Ordinal);
        Assert.Contains("T = 1000", Assert.Throws<ArgumentException>(() => CldmFactory.Create(manifest, new CldmKnobs { Steps = 1001 })).Message, StringComparison.Ordinal);
        Assert.Contains("null_context", Assert.Throws<ArgumentException>(() => CldmFactory.Create(manifest, new CldmKnobs { GuidanceScale = 4 })).Message, StringComparison.Ordinal);
        var badYaml = _fixture.Manifest("badyaml", CldmFixture.Oracle, "sampler:\n  start_noise: 0");
        Assert.Contains("outside (0, 1]", Assert.Throws<CldmManifestException>(() => CldmManifest.Load(badYaml)).Message, StringComparison.Ordinal);
        var unknownKey = _fixture.Manifest("unknown", CldmFixture.Oracle, "samplr:\n  steps: 3");
        Assert.Contains("unknown.yaml", Assert.Throws<CldmManifestException>(() => CldmManifest.Load(unknownKey)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Non_finite_latents_fail_the_image_naming_the_step()
    {
        var manifest = _fixture.Manifest("div", """
            denoiser:
              model: divergent.onnx
              inputs:
                latent: z
                timestep: t
            """);
        var e = Assert.Throws<RestorerException>(() => Run(manifest, new CldmKnobs { Sampler = SamplerKind.Ddim, Steps = 3 }, Image(8, 8, 1), "cat"));
        Assert.StartsWith("cat: non-finite latent", e.Message, StringComparison.Ordinal);
        Assert.Contains("after step 1 of 3", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Npy_round_trip()
    {
        var path = Path.Combine(_fixture.Folder, "a.npy");
        NpyFile.Write(path, [1f, 2f, 3f, 4f, 5f, 6f], 1, 2, 3);
        var a = NpyFile.Read(path);
        Assert.Equal([1L, 2, 3], a.Shape);
        Assert.Equal([1f, 2f, 3f, 4f, 5f, 6f], a.Data);
    }
}
