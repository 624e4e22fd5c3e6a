using System.Globalization;
using RestoreBench.Core.Imaging;
using RestoreBench.Core.Randomness;
using RestoreBench.Degradations.Resize;
using RestoreBench.Diffusion.Components;
using RestoreBench.Diffusion.Schedulers;
using RestoreBench.Restorers;

namespace RestoreBench.Diffusion.Pipeline;

/// <summary>
/// The conditional latent diffusion restorer of paper Section 3: I_reg = M_φ(I_y) (Eq. 3–4, resized
/// to the target size I_y·scale with MATLAB bicubic when needed), c_f = E(I_reg) (Eq. 7, the image
/// edge-padded to a multiple of the VAE downscale × the denoiser's latent multiple), the reverse
/// process (Eq. 8–10, <see cref="LatentDiffusionSampler"/>), Î_x = D(z_0) (Eq. 11) cropped back,
/// optional wavelet colour correction against I_reg, clamped to [0, 1]. The knobs select one-step
/// prediction or the VAE-only round trip instead. Seeded: the noise of image <c>id</c> is drawn from
/// SeededRandom.Derive(seed, id, "cldm") (start latent first, then the sampler's draws).
/// Restores one image at a time (the denoiser reuses its staging buffers); ONNX Runtime parallelises
/// within each call.
/// </summary>
public sealed class CldmRestorer : IInProcessRestorer
{
    private readonly IRestorer? _stage1;
    private readonly VaeCodec _vae;
    private readonly Denoiser? _denoiser;
    private readonly LatentDiffusionSampler? _sampler;

    /// <summary>Assembles a restorer from loaded components (all owned and disposed with it).</summary>
    /// <exception cref="ArgumentException">The knobs do not fit the manifest (no denoiser for sampling, CFG without a null context, start noise outside (0, 1], steps &gt; T, a one-step t outside [0, T)).</exception>
    public CldmRestorer(CldmManifest manifest, CldmKnobs knobs, IRestorer? stage1, VaeCodec vae, Denoiser? denoiser)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(knobs);
        ArgumentNullException.ThrowIfNull(vae);
        Manifest = manifest;
        Knobs = knobs;
        _stage1 = stage1;
        _vae = vae;
        _denoiser = denoiser;
        Settings = manifest.Sampler with
        {
            Kind = knobs.Sampler ?? manifest.Sampler.Kind,
            Steps = knobs.Steps ?? manifest.Sampler.Steps,
            Eta = knobs.Eta ?? manifest.Sampler.Eta,
            Spacing = knobs.Spacing ?? manifest.Sampler.Spacing,
        };
        StartNoise = knobs.StartNoise ?? manifest.StartNoise;
        GuidanceScale = knobs.GuidanceScale ?? manifest.GuidanceScale;
        ColorFix = knobs.WaveletColorFix ?? manifest.WaveletColorFix;
        Validate();
        if (denoiser is not null)
        {
            _sampler = new LatentDiffusionSampler(denoiser, manifest.Schedule);
        }

        Info = new RestorerInfo(DescribeName(), RestorerKind.Onnx, manifest.Scale,
            vae.ParameterCount + (denoiser?.ParameterCount ?? 0) + (_stage1?.Info.ParameterCount ?? 0),
            $"CLDM {manifest.Name} ({manifest.Source}): stage 1 {(_stage1?.Info.Name ?? "none")}, {DescribeMode()}");
    }

    /// <summary>The manifest.</summary>
    public CldmManifest Manifest { get; }

    /// <summary>The knobs.</summary>
    public CldmKnobs Knobs { get; }

    /// <summary>The effective sampler settings (manifest defaults with the knobs applied).</summary>
    public SamplerSettings Settings { get; }

    /// <summary>The effective start noise S.</summary>
    public double StartNoise { get; }

    /// <summary>The effective guidance scale w.</summary>
    public double GuidanceScale { get; }

    /// <summary>The effective colour-fix switch.</summary>
    public bool ColorFix { get; }

    /// <inheritdoc />
    public RestorerInfo Info { get; }

    /// <inheritdoc />
    public bool RgbOnly => true;

    /// <inheritdoc />
    public async Task<ImageTensor> RestoreAsync(ImageTensor lowQuality, RestoreContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lowQuality);
        ArgumentNullException.ThrowIfNull(context);
        var reg = await RegressAsync(lowQuality, context, cancellationToken).ConfigureAwait(false);
        return Run(reg, context.ImageId, context.Seed ?? Knobs.Seed, cancellationToken);
    }

    /// <summary>Synchronous form; the image id used for seeding is the empty string.</summary>
    public ImageTensor Restore(ImageTensor lowQuality, CancellationToken cancellationToken = default) =>
        RestoreAsync(lowQuality, new RestoreContext(""), cancellationToken).GetAwaiter().GetResult();

    /// <summary>Disposes the stage-1 restorer, the VAE and the denoiser.</summary>
    public void Dispose()
    {
        _stage1?.Dispose();
        _vae.Dispose();
        _denoiser?.Dispose();
    }

    /// <summary>I_reg: stage 1 (or the input), resized to the target size, RGB.</summary>
    internal async Task<ImageTensor> RegressAsync(ImageTensor lq, RestoreContext context, CancellationToken cancellationToken)
    {
        if (Knobs.Mode == CldmMode.VaeOnly && Knobs.VaeSource == VaeSource.Input)
        {
            return lq.ToRgb();
        }

        int height = lq.Height * Manifest.Scale, width = lq.Width * Manifest.Scale;
        var reg = _stage1 is null ? lq : await _stage1.RestoreAsync(lq, context, cancellationToken).ConfigureAwait(false);
        if (reg.Height != height || reg.Width != width)
        {
            reg = Resizer.ResizeTo(reg, height, width, ResizeKernel.Bicubic, antialias: true, Knobs.Threads);
        }

        return reg.ToRgb();
    }

    private ImageTensor Run(ImageTensor reg, string imageId, long seed, CancellationToken cancellationToken)
    {
        var multiple = _vae.Spec.Downscale * (_denoiser?.Spec.LatentMultiple ?? 1);
        var padded = PadTo(reg, multiple);
        var condition = _vae.Encode(padded);
        var noise = new SeededGaussianNoise(SeededRandom.Derive(seed, imageId, "cldm"));
        LatentTensor z0;
        try
        {
            switch (Knobs.Mode)
            {
                case CldmMode.VaeOnly:
                    z0 = condition;
                    break;
                case CldmMode.OneStep:
                    z0 = _sampler!.OneStep(condition, Knobs.OneStepTimestep!.Value, Settings.Prediction, GuidanceScale, noise);
                    break;
                case CldmMode.Sample:
                    var save = new HashSet<int>(Knobs.SaveSteps);
                    Action<int, int, LatentTensor>? onX0 = save.Count == 0 || Knobs.OnPredictedX0 is null ? null : (step, t, x0) =>
                    {
                        if (save.Contains(step))
                        {
                            Knobs.OnPredictedX0(imageId, step, t, Finish(_vae.Decode(x0), reg, colorFix: false));
                        }
                    };
                    z0 = _sampler!.Sample(condition, Settings, StartNoise, GuidanceScale, noise, onX0, cancellationToken);
                    break;
                default:
                    throw new InvalidOperationException($"unknown mode {Knobs.Mode}");
            }
        }
        catch (DiffusionException e)
        {
            throw new RestorerException($"{imageId}: {e.Message}");
        }

        return Finish(_vae.Decode(z0), reg, ColorFix);
    }

    private static ImageTensor Finish(ImageTensor decoded, ImageTensor reg, bool colorFix)
    {
        var cropped = decoded.Height == reg.Height && decoded.Width == reg.Width ? decoded : decoded.Crop(0, 0, reg.Height, reg.Width);
        if (colorFix)
        {
            cropped = WaveletColorFix.Apply(cropped, reg);
        }

        return cropped.ClampInPlace();
    }

    /// <summary>Edge-replicates the bottom and right borders up to multiples of <paramref name="multiple"/> (the image itself when already aligned).</summary>
    public static ImageTensor PadTo(ImageTensor image, int multiple)
    {
        int h = (image.Height + multiple - 1) / multiple * multiple, w = (image.Width + multiple - 1) / multiple * multiple;
        if (h == image.Height && w == image.Width)
        {
            return image;
        }

        var result = new ImageTensor(image.Channels, h, w);
        for (var c = 0; c < image.Channels; c++)
        {
            var src = image.ReadPlane(c);
            var dst = result.Plane(c);
            for (var y = 0; y < h; y++)
            {
                var sy = Math.Min(y, image.Height - 1);
                for (var x = 0; x < w; x++)
                {
                    dst[y * w + x] = src[sy * image.Width + Math.Min(x, image.Width - 1)];
                }
            }
        }

        return result;
    }

    private void Validate()
    {
        if (Knobs.Mode != CldmMode.VaeOnly && _denoiser is null)
        {
            throw new ArgumentException($"{Manifest.Source}: the manifest has no denoiser; only the VAE-only mode can run");
        }

        if (!(StartNoise > 0 && StartNoise <= 1))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"start noise {StartNoise} is outside (0, 1]"));
        }

        if (Settings.Steps < 1 || Settings.Steps > Manifest.Schedule.TrainSteps)
        {
            throw new ArgumentException($"steps {Settings.Steps} must be in [1, T = {Manifest.Schedule.TrainSteps}]");
        }

        if (!(Settings.Eta >= 0) || !double.IsFinite(GuidanceScale))
        {
            throw new ArgumentException("η must be ≥ 0 and the guidance scale finite");
        }

        if (GuidanceScale != 1.0 && _denoiser is not null && !_denoiser.HasNullContext)
        {
            throw new ArgumentException($"classifier-free guidance (w = {GuidanceScale.ToString(CultureInfo.InvariantCulture)}) needs denoiser.context and denoiser.null_context in the manifest");
        }

        if (Knobs.Mode == CldmMode.OneStep && (Knobs.OneStepTimestep is not { } t || t < 0 || t >= Manifest.Schedule.TrainSteps))
        {
            throw new ArgumentException($"one-step prediction needs a timestep in [0, {Manifest.Schedule.TrainSteps}), got {Knobs.OneStepTimestep?.ToString(CultureInfo.InvariantCulture) ?? "none"}");
        }

        foreach (var s in Knobs.SaveSteps)
        {
            if (s < 1 || s > Settings.Steps)
            {
                throw new ArgumentException($"save step {s} is outside [1, {Settings.Steps}]");
            }
        }
    }

    private string DescribeMode() => Knobs.Mode switch
    {
        CldmMode.VaeOnly => $"VAE only (D(E({(Knobs.VaeSource == VaeSource.Input ? "input" : "I_reg")})))",
        CldmMode.OneStep => $"one-step prediction at t = {Knobs.OneStepTimestep}",
        _ => string.Create(CultureInfo.InvariantCulture, $"{Settings.Kind} {Settings.Steps} steps, start noise {StartNoise}, eta {Settings.Eta}, cfg {GuidanceScale}, seed {Knobs.Seed}"),
    };

    private string DescribeName() => Knobs.Mode switch
    {
        CldmMode.VaeOnly => $"cldm:{Manifest.Name}(vae-only,{(Knobs.VaeSource == VaeSource.Input ? "input" : "stage1")})",
        CldmMode.OneStep => string.Create(CultureInfo.InvariantCulture, $"cldm:{Manifest.Name}(one-step,t={Knobs.OneStepTimestep},seed={Knobs.Seed})"),
        _ => string.Create(CultureInfo.InvariantCulture,
            $"cldm:{Manifest.Name}(sampler={Settings.Kind.ToString().ToLowerInvariant()},steps={Settings.Steps},start={StartNoise},eta={Settings.Eta},cfg={GuidanceScale},seed={Knobs.Seed}{(ColorFix ? ",colorfix" : "")})"),
    };
}
