using RestoreBench.Diffusion.Components;
using RestoreBench.Onnx.Runtime;
using RestoreBench.Restorers;
using RestoreBench.Restorers.Classical;

namespace RestoreBench.Diffusion.Pipeline;

/// <summary>
/// Creates CLDM restorers: manifest path + knobs → <see cref="IRestorer"/>. This is the entry point
/// for the CLI and for experiment sweeps (one call per knob combination).
/// </summary>
public static class CldmFactory
{
    /// <summary>
    /// Loads the manifest, its ONNX graphs and the stage-1 restorer, checks names and shapes, and
    /// returns the restorer (which owns everything it loaded).
    /// </summary>
    /// <param name="manifestPath">The YAML manifest (docs/cldm.md).</param>
    /// <param name="knobs">Mode and overrides (null: the manifest's defaults, full sampling, seed 0).</param>
    /// <param name="stage1Resolver">
    /// Turns the manifest's <c>stage1</c> name into a restorer (the CLI passes its RestorerResolver so
    /// that every restorer name works); null accepts <c>classical:</c> names only.
    /// </param>
    /// <param name="settings">ONNX Runtime settings (default: <see cref="CldmKnobs.Threads"/> threads, CPU).</param>
    /// <exception cref="CldmManifestException">The manifest or a graph is unusable (one line naming the file and the reason).</exception>
    /// <exception cref="ArgumentException">The knobs do not fit the manifest.</exception>
    public static CldmRestorer Create(string manifestPath, CldmKnobs? knobs = null, Func<string, IRestorer>? stage1Resolver = null, OnnxSessionSettings? settings = null)
    {
        var manifest = CldmManifest.Load(manifestPath);
        return Create(manifest, knobs ?? new CldmKnobs(), stage1Resolver, settings);
    }

    /// <summary>As <see cref="Create(string, CldmKnobs?, Func{string, IRestorer}?, OnnxSessionSettings?)"/> for a loaded manifest.</summary>
    public static CldmRestorer Create(CldmManifest manifest, CldmKnobs knobs, Func<string, IRestorer>? stage1Resolver = null, OnnxSessionSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(knobs);
        settings ??= new OnnxSessionSettings { Threads = knobs.Threads };
        var owned = new List<IDisposable>();
        try
        {
            var vae = LoadVae(manifest.Vae, settings, owned);
            Denoiser? denoiser = null;
            if (manifest.Denoiser is { } d && knobs.Mode != CldmMode.VaeOnly)
            {
                var model = Load(d.Model, "denoiser", settings);
                owned.Add(model);
                denoiser = new Denoiser(model, d, manifest.Vae.LatentChannels);
            }

            IRestorer? stage1 = null;
            if (manifest.Stage1 is { } name && !(knobs.Mode == CldmMode.VaeOnly && knobs.VaeSource == VaeSource.Input))
            {
                stage1 = (stage1Resolver ?? DefaultStage1(knobs.Threads))(name);
                owned.Add(stage1);
            }

            return new CldmRestorer(manifest, knobs, stage1, vae, denoiser);
        }
        catch
        {
            foreach (var o in owned)
            {
                o.Dispose();
            }

            throw;
        }
    }

    /// <summary>Loads only the VAE of a manifest (for the vae-loss command).</summary>
    public static VaeCodec LoadVae(VaeSpec spec, OnnxSessionSettings? settings = null)
    {
        var owned = new List<IDisposable>();
        try
        {
            return LoadVae(spec, settings ?? OnnxSessionSettings.Default, owned);
        }
        catch
        {
            foreach (var o in owned)
            {
                o.Dispose();
            }

            throw;
        }
    }

    private static VaeCodec LoadVae(VaeSpec spec, OnnxSessionSettings settings, List<IDisposable> owned)
    {
        var encoder = Load(spec.Encoder, "VAE encoder", settings);
        owned.Add(encoder);
        var decoder = Load(spec.Decoder, "VAE decoder", settings);
        owned.Add(decoder);
        var vae = new VaeCodec(encoder, decoder, spec);
        owned.Remove(encoder);
        owned.Remove(decoder);
        owned.Add(vae);
        return vae;
    }

    private static OnnxModel Load(string path, string role, OnnxSessionSettings settings)
    {
        if (!File.Exists(path))
        {
            throw new CldmManifestException($"{path}: the {role} ONNX file does not exist");
        }

        try
        {
            return OnnxModel.Load(path, settings);
        }
        catch (OnnxModelException e)
        {
            throw new CldmManifestException($"{role}: {e.Message}", e);
        }
    }

    private static Func<string, IRestorer> DefaultStage1(int threads) => name =>
        ClassicalRestorers.IsClassical(name)
            ? ClassicalRestorers.Create(name, threads)
            : throw new CldmManifestException($"stage1 '{name}': only classical: restorers resolve without the CLI's resolver (pass one to CldmFactory.Create for ONNX files and catalog models)");
}
