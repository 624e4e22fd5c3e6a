using System.Globalization;
using RestoreBench.Core.Imaging;
using RestoreBench.Diffusion.Components;
using RestoreBench.Diffusion.Pipeline;
using RestoreBench.Diffusion.Schedulers;
using RestoreBench.Experiments.Restorers;
using RestoreBench.Experiments.Spec;
using RestoreBench.Onnx.Runtime;
using RestoreBench.Restorers;

namespace RestoreBench.Cli;

/// <summary>
/// A <c>type: cldm</c> entry of an experiment spec with one knob setting: a <see cref="CldmRestorer"/>
/// whose calls are serialised (its sampler reuses buffers; the runner calls restorers from several
/// threads). Knobs (docs/results-store.md): <c>sampler</c>, <c>steps</c>, <c>start_noise</c>,
/// <c>cfg</c>, <c>eta</c>, and <c>mode</c> = <c>sample</c> (default), <c>one_step</c> (with <c>t</c>,
/// paper Fig. 8), <c>per_step</c> (with <c>step</c>: the decoded predicted x0 of that step is the
/// output, Fig. 9) or <c>vae</c> (D(E(I_reg)), Table 2). Entry keys <c>stage1</c> (overrides the
/// manifest's stage-1 restorer) and <c>device</c> (<c>cpu</c> or <c>cuda</c>).
/// </summary>
internal sealed class CldmSpecRestorer : IRestorer
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly CldmRestorer _inner;
    private readonly bool _perStep;
    private ImageTensor? _predicted;

    private CldmSpecRestorer(CldmManifest manifest, CldmKnobs knobs, bool perStep, int threads, OnnxDevice device)
    {
        _perStep = perStep;
        if (perStep)
        {
            knobs = knobs with { OnPredictedX0 = (_, _, _, x0) => _predicted = x0 };
        }

        _inner = CldmFactory.Create(manifest, knobs with { Threads = threads },
            name => RestorerResolver.Resolve(new RestorerRequest { Model = name, Threads = threads }),
            new OnnxSessionSettings { Threads = threads, Device = device });
        Info = _inner.Info;
    }

    public RestorerInfo Info { get; }

    /// <summary>Creates the restorer of one expanded spec entry.</summary>
    /// <exception cref="RestorerUnavailableException">The manifest, its graphs or the knobs are unusable.</exception>
    public static IRestorer Create(ExpandedRestorer restorer, int threads)
    {
        try
        {
            var manifest = CldmManifest.Load(restorer.Entry.Get("manifest")!);
            if (restorer.Entry.Get("stage1") is { } stage1)
            {
                manifest = manifest with { Stage1 = stage1 };
            }

            var device = OnnxDevice.Cpu;
            if (restorer.Entry.Get("device") is { } d)
            {
                device = OnnxDevices.Parse(d);
            }

            var knobs = new CldmKnobs();
            var perStep = false;
            foreach (var (key, value) in restorer.Knobs)
            {
                knobs = key switch
                {
                    "sampler" => knobs with { Sampler = SamplerSettings.ParseKind(value) },
                    "steps" => knobs with { Steps = int.Parse(value, CultureInfo.InvariantCulture) },
                    "start_noise" => knobs with { StartNoise = double.Parse(value, CultureInfo.InvariantCulture) },
                    "cfg" => knobs with { GuidanceScale = double.Parse(value, CultureInfo.InvariantCulture) },
                    "eta" => knobs with { Eta = double.Parse(value, CultureInfo.InvariantCulture) },
                    "t" => knobs with { OneStepTimestep = int.Parse(value, CultureInfo.InvariantCulture) },
                    "step" => knobs with { SaveSteps = [int.Parse(value, CultureInfo.InvariantCulture)] },
                    "mode" => value switch
                    {
                        "sample" => knobs with { Mode = CldmMode.Sample },
                        "one_step" => knobs with { Mode = CldmMode.OneStep },
                        "per_step" => knobs with { Mode = CldmMode.Sample },
                        "vae" => knobs with { Mode = CldmMode.VaeOnly, VaeSource = VaeSource.Stage1 },
                        _ => throw new ArgumentException($"knob mode: '{value}' is not one of sample, one_step, per_step, vae"),
                    },
                    _ => throw new ArgumentException($"knob '{key}' is not a CLDM knob"),
                };
                perStep |= key == "mode" && value == "per_step";
            }

            if (perStep && knobs.SaveSteps.Count != 1)
            {
                throw new ArgumentException("mode per_step needs the knob 'step' (1-based sampler step whose predicted x0 is the output)");
            }

            return new CldmSpecRestorer(manifest, knobs, perStep, threads, device);
        }
        catch (Exception e) when (e is CldmManifestException or ArgumentException or FormatException or UsageException
                                      or OnnxModelException or OnnxProviderUnavailableException)
        {
            throw new RestorerUnavailableException($"{restorer.Name}: {CliRun.OneLine(e)}", e);
        }
    }

    public async Task<ImageTensor> RestoreAsync(ImageTensor lowQuality, RestoreContext context, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _predicted = null;
            var output = await _inner.RestoreAsync(lowQuality, context, cancellationToken).ConfigureAwait(false);
            return _perStep ? _predicted ?? throw new RestorerException($"{context.ImageId}: no predicted x0 was produced at the requested step") : output;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose()
    {
        _inner.Dispose();
        _gate.Dispose();
    }
}
