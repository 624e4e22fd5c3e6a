using System.Globalization;
using RestoreBench.Onnx.Zoo;
using RestoreBench.Diffusion.Schedulers;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace RestoreBench.Diffusion.Components;

/// <summary>A CLDM manifest is malformed or names something that does not exist; the message is one line naming the file.</summary>
public sealed class CldmManifestException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>Tile size and overlap (in the units of the tensor they tile).</summary>
/// <param name="Size">Tile side; 0 = no tiling.</param>
/// <param name="Overlap">Overlap between neighbouring tiles (0 ≤ overlap &lt; size).</param>
public sealed record TileSpec(int Size, int Overlap)
{
    /// <summary>No tiling.</summary>
    public static TileSpec None { get; } = new(0, 0);

    /// <summary>True when tiling is on.</summary>
    public bool IsTiled => Size > 0;
}

/// <summary>The VAE (perceptual compression E/D, paper Eq. 5) of a CLDM.</summary>
public sealed record VaeSpec
{
    /// <summary>Encoder ONNX file (absolute path).</summary>
    public required string Encoder { get; init; }

    /// <summary>Decoder ONNX file (absolute path).</summary>
    public required string Decoder { get; init; }

    /// <summary>Image range the encoder takes and the decoder returns: [0, 1] or [−1, 1].</summary>
    public (double Min, double Max) Range { get; init; } = (-1, 1);

    /// <summary>True when the encoder returns moments [B, 2C, h, w] (mean first); the mean is used.</summary>
    public bool Moments { get; init; }

    /// <summary>Latent channels C.</summary>
    public int LatentChannels { get; init; } = 4;

    /// <summary>Spatial downscale factor of the encoder (8 for SD/TAESD).</summary>
    public int Downscale { get; init; } = 8;

    /// <summary>z = (mean − shift)·scaling (0.18215 SD 1/2, 0.13025 SDXL, 1 for tiny autoencoders).</summary>
    public double ScalingFactor { get; init; } = 1.0;

    /// <summary>Shift subtracted before scaling (0 for SD; FLUX-style VAEs use one).</summary>
    public double ShiftFactor { get; init; }

    /// <summary>Graph input/output names (null: the graph's only input / first output).</summary>
    public string? EncoderInput { get; init; }

    /// <inheritdoc cref="EncoderInput"/>
    public string? EncoderOutput { get; init; }

    /// <inheritdoc cref="EncoderInput"/>
    public string? DecoderInput { get; init; }

    /// <inheritdoc cref="EncoderInput"/>
    public string? DecoderOutput { get; init; }

    /// <summary>Tiled encode, in image pixels (size a multiple of <see cref="Downscale"/>).</summary>
    public TileSpec EncodeTile { get; init; } = TileSpec.None;

    /// <summary>Tiled decode, in latent pixels.</summary>
    public TileSpec DecodeTile { get; init; } = TileSpec.None;

    /// <summary>
    /// The VAE stored in the model cache under <paramref name="name"/> (e.g. <c>taef2</c> written by
    /// <c>restorebench models import-taesd</c>): its encoder.onnx/decoder.onnx and latent convention.
    /// </summary>
    /// <exception cref="CldmManifestException">No such model, or it is not a VAE entry.</exception>
    public static VaeSpec FromStore(string name, ModelStore? store = null)
    {
        store ??= new ModelStore();
        var found = store.Find(name)
            ?? throw new CldmManifestException($"VAE '{name}' is not in the model store {store.Root} (import one with 'restorebench models import-taesd DIR --variant {name}')");
        if (!found.IsVae || found.Manifest.Vae is not { } vae)
        {
            throw new CldmManifestException($"model '{name}' in {store.Root} is a {found.Manifest.Kind} model, not a VAE");
        }

        return new VaeSpec
        {
            Encoder = found.EncoderPath,
            Decoder = found.DecoderPath,
            Range = (vae.ImageRange.Min, vae.ImageRange.Max),
            LatentChannels = vae.LatentChannels,
            Downscale = vae.Downscale,
            ScalingFactor = vae.ScalingFactor,
            ShiftFactor = vae.ShiftFactor,
        };
    }
}

/// <summary>The denoiser ε_θ (UNet with its control branch fused) and its input roles (paper Eq. 9).</summary>
public sealed record DenoiserSpec
{
    /// <summary>ONNX file (absolute path).</summary>
    public required string Model { get; init; }

    /// <summary>What the output is.</summary>
    public PredictionType Prediction { get; init; } = PredictionType.Epsilon;

    /// <summary>Input name of the noisy latent z_t (required).</summary>
    public required string LatentInput { get; init; }

    /// <summary>Input name of the timestep t (required; float or int64, shape [1] or scalar, as the graph declares).</summary>
    public required string TimestepInput { get; init; }

    /// <summary>Input name of the spatial condition c_f = E(I_reg), or null.</summary>
    public string? ConditionInput { get; init; }

    /// <summary>Input name of the text context c_t, or null.</summary>
    public string? ContextInput { get; init; }

    /// <summary>Input name of the control scale, or null.</summary>
    public string? ControlScaleInput { get; init; }

    /// <summary>Output name (null: first output).</summary>
    public string? Output { get; init; }

    /// <summary>.npy file with c_t (e.g. [1, 77, 1024]), absolute path, or null.</summary>
    public string? Context { get; init; }

    /// <summary>.npy file with the null/negative context for classifier-free guidance, or null.</summary>
    public string? NullContext { get; init; }

    /// <summary>Control scale fed to <see cref="ControlScaleInput"/> (default 1).</summary>
    public double ControlScale { get; init; } = 1.0;

    /// <summary>Latent sizes the graph accepts must be multiples of this (8 for an SD UNet).</summary>
    public int LatentMultiple { get; init; } = 1;

    /// <summary>Latent tiling with Gaussian blending (latent pixels).</summary>
    public TileSpec Tile { get; init; } = TileSpec.None;
}

/// <summary>
/// A CLDM restorer described by a YAML manifest (docs/cldm.md): stage 1, VAE, denoiser, noise
/// schedule and default sampler settings. Paths are resolved relative to the manifest's folder.
/// </summary>
public sealed record CldmManifest
{
    /// <summary>Name for tables (default: the manifest's file stem).</summary>
    public required string Name { get; init; }

    /// <summary>The manifest file.</summary>
    public required string Source { get; init; }

    /// <summary>Stage-1 restorer name (M_φ, Eq. 3–4), or null for none (I_reg = the input, resized).</summary>
    public string? Stage1 { get; init; }

    /// <summary>Output/input size ratio; I_reg is resized to the input size times this.</summary>
    public int Scale { get; init; } = 1;

    /// <summary>The VAE.</summary>
    public required VaeSpec Vae { get; init; }

    /// <summary>The denoiser, or null for a VAE-only manifest (vae-loss).</summary>
    public DenoiserSpec? Denoiser { get; init; }

    /// <summary>The forward-process schedule.</summary>
    public required NoiseSchedule Schedule { get; init; }

    /// <summary>Default sampler settings (knobs override them).</summary>
    public SamplerSettings Sampler { get; init; } = new();

    /// <summary>Default start noise level S in (0, 1] (the start timestep is round(S·T) − 1).</summary>
    public double StartNoise { get; init; } = 1.0;

    /// <summary>Default classifier-free guidance scale w (1 = off).</summary>
    public double GuidanceScale { get; init; } = 1.0;

    /// <summary>Default: wavelet colour correction against I_reg (DiffBIR/SUPIR).</summary>
    public bool WaveletColorFix { get; init; }

    /// <summary>Reads and validates a manifest file (not the graphs: see <see cref="Pipeline.CldmFactory"/>).</summary>
    /// <exception cref="CldmManifestException">Missing file, YAML error, unknown key or value, missing field, bad range.</exception>
    public static CldmManifest Load(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CldmManifestException($"{path}: cannot read the manifest ({e.Message})", e);
        }

        ManifestDto dto;
        try
        {
            var deserializer = new DeserializerBuilder().WithNamingConvention(UnderscoredNamingConvention.Instance).Build();
            dto = deserializer.Deserialize<ManifestDto?>(text) ?? throw new CldmManifestException($"{path}: the manifest is empty");
        }
        catch (YamlException e)
        {
            var inner = e.InnerException is null ? "" : " " + e.InnerException.Message;
            throw new CldmManifestException($"{path}: line {e.Start.Line}: {e.Message}{inner}".ReplaceLineEndings(" "), e);
        }

        try
        {
            return FromDto(dto, Path.GetFullPath(path));
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            throw new CldmManifestException($"{path}: {e.Message}".ReplaceLineEndings(" "), e);
        }
    }

    private static CldmManifest FromDto(ManifestDto dto, string path)
    {
        var folder = Path.GetDirectoryName(path)!;
        string Resolve(string? file, string key) => file is { Length: > 0 }
            ? Path.GetFullPath(Path.Combine(folder, file))
            : throw new FormatException($"'{key}' is required");

        var v = dto.Vae ?? throw new FormatException("'vae' is required");
        if (v.Store is { Length: > 0 } stored)
        {
            if (v.Encoder is not null || v.Decoder is not null)
            {
                throw new FormatException("vae: give either 'store' (a VAE in the model store) or 'encoder'/'decoder' files, not both");
            }

            var fromStore = VaeSpec.FromStore(stored);
            return Finish(dto, path, fromStore with
            {
                EncodeTile = Tile(v.EncodeTile, "vae.encode_tile"),
                DecodeTile = Tile(v.DecodeTile, "vae.decode_tile"),
            });
        }

        var range = (v.Range ?? "-1-1").Trim() switch
        {
            "-1-1" or "-1..1" => (-1.0, 1.0),
            "0-1" or "0..1" => (0.0, 1.0),
            var r => throw new FormatException($"vae.range '{r}' is not supported (accepted: -1-1, 0-1)"),
        };
        var moments = (v.OutputKind ?? "latent").Trim() switch
        {
            "latent" => false,
            "moments" => true,
            var o => throw new FormatException($"vae.output_kind '{o}' is not latent or moments"),
        };
        var vae = new VaeSpec
        {
            Encoder = Resolve(v.Encoder, "vae.encoder"),
            Decoder = Resolve(v.Decoder, "vae.decoder"),
            Range = range,
            Moments = moments,
            LatentChannels = Positive(v.LatentChannels ?? 4, "vae.latent_channels"),
            Downscale = Positive(v.Downscale ?? 8, "vae.downscale"),
            ScalingFactor = Finite(v.ScalingFactor ?? 1.0, "vae.scaling_factor", positive: true),
            ShiftFactor = Finite(v.ShiftFactor ?? 0.0, "vae.shift_factor"),
            EncoderInput = v.EncoderInput,
            EncoderOutput = v.EncoderOutput,
            DecoderInput = v.DecoderInput,
            DecoderOutput = v.DecoderOutput,
            EncodeTile = Tile(v.EncodeTile, "vae.encode_tile"),
            DecodeTile = Tile(v.DecodeTile, "vae.decode_tile"),
        };
        if (vae.EncodeTile.IsTiled && (vae.EncodeTile.Size % vae.Downscale != 0 || vae.EncodeTile.Overlap % vae.Downscale != 0))
        {
            throw new FormatException($"vae.encode_tile size and overlap must be multiples of vae.downscale ({vae.Downscale})");
        }

        return Finish(dto, path, vae);
    }

    private static CldmManifest Finish(ManifestDto dto, string path, VaeSpec vae)
    {
        var folder = Path.GetDirectoryName(path)!;
        string Resolve(string? file, string key) => file is { Length: > 0 }
            ? Path.GetFullPath(Path.Combine(folder, file))
            : throw new FormatException($"'{key}' is required");
        string? Optional(string? file) => file is { Length: > 0 } ? Path.GetFullPath(Path.Combine(folder, file)) : null;

        DenoiserSpec? denoiser = null;
        if (dto.Denoiser is { } d)
        {
            var inputs = d.Inputs ?? throw new FormatException("'denoiser.inputs' is required (latent, timestep, and optionally condition, context, control_scale)");
            denoiser = new DenoiserSpec
            {
                Model = Resolve(d.Model, "denoiser.model"),
                Prediction = SamplerSettings.ParsePrediction(d.Prediction ?? "epsilon"),
                LatentInput = inputs.Latent ?? throw new FormatException("'denoiser.inputs.latent' is required"),
                TimestepInput = inputs.Timestep ?? throw new FormatException("'denoiser.inputs.timestep' is required"),
                ConditionInput = inputs.Condition,
                ContextInput = inputs.Context,
                ControlScaleInput = inputs.ControlScale,
                Output = d.Output,
                Context = Optional(d.Context),
                NullContext = Optional(d.NullContext),
                ControlScale = Finite(d.ControlScale ?? 1.0, "denoiser.control_scale"),
                LatentMultiple = Positive(d.LatentMultiple ?? 1, "denoiser.latent_multiple"),
                Tile = Tile(d.Tile, "denoiser.tile"),
            };
            if (denoiser.ContextInput is not null && denoiser.Context is null)
            {
                throw new FormatException("denoiser.inputs.context is mapped but denoiser.context (an .npy file with c_t) is missing");
            }

            if (denoiser.Tile.IsTiled && denoiser.Tile.Size % denoiser.LatentMultiple != 0)
            {
                throw new FormatException($"denoiser.tile.size must be a multiple of denoiser.latent_multiple ({denoiser.LatentMultiple})");
            }
        }

        var s = dto.Schedule ?? new ScheduleDto();
        var schedule = NoiseSchedule.Create(
            NoiseSchedule.ParseKind(s.Kind ?? "scaled-linear"),
            Positive(s.TrainSteps ?? 1000, "schedule.train_steps"),
            s.BetaStart ?? 0.00085,
            s.BetaEnd ?? 0.012,
            s.ZeroTerminalSnr ?? false);
        var p = dto.Sampler ?? new SamplerDto();
        var sampler = new SamplerSettings
        {
            Kind = SamplerSettings.ParseKind(p.Kind ?? "ddpm"),
            Steps = Positive(p.Steps ?? 50, "sampler.steps"),
            Spacing = SamplerSettings.ParseSpacing(p.Spacing ?? "trailing"),
            StepsOffset = p.StepsOffset ?? 0,
            Prediction = denoiser?.Prediction ?? PredictionType.Epsilon,
            Eta = Finite(p.Eta ?? 0.0, "sampler.eta"),
            Variance = SamplerSettings.ParseVariance(p.Variance ?? "fixed-small"),
            ClipSample = p.ClipSample,
            SetAlphaToOne = p.SetAlphaToOne ?? true,
        };
        if (sampler.Steps > schedule.TrainSteps)
        {
            throw new FormatException($"sampler.steps ({sampler.Steps}) exceeds schedule.train_steps ({schedule.TrainSteps})");
        }

        var start = p.StartNoise ?? 1.0;
        if (!(start > 0 && start <= 1))
        {
            throw new FormatException($"sampler.start_noise {start.ToString(CultureInfo.InvariantCulture)} is outside (0, 1]");
        }

        var colorFix = (dto.ColorFix ?? "none").Trim() switch
        {
            "none" => false,
            "wavelet" => true,
            var c => throw new FormatException($"color_fix '{c}' is not none or wavelet"),
        };
        return new CldmManifest
        {
            Name = dto.Name ?? Path.GetFileNameWithoutExtension(path),
            Source = path,
            Stage1 = dto.Stage1 is { Length: > 0 } st && st != "none" ? st : null,
            Scale = Positive(dto.Scale ?? 1, "scale"),
            Vae = vae,
            Denoiser = denoiser,
            Schedule = schedule,
            Sampler = sampler,
            StartNoise = start,
            GuidanceScale = Finite(p.Cfg ?? 1.0, "sampler.cfg"),
            WaveletColorFix = colorFix,
        };
    }

    private static int Positive(int value, string key) =>
        value > 0 ? value : throw new FormatException($"{key} must be positive, got {value}");

    private static double Finite(double value, string key, bool positive = false) =>
        double.IsFinite(value) && (!positive || value > 0) ? value : throw new FormatException($"{key} must be a finite{(positive ? " positive" : "")} number, got {value.ToString(CultureInfo.InvariantCulture)}");

    private static TileSpec Tile(TileDto? t, string key)
    {
        if (t is null)
        {
            return TileSpec.None;
        }

        var size = t.Size ?? 0;
        var overlap = t.Overlap ?? 0;
        if (size < 0 || overlap < 0 || (size > 0 && overlap >= size))
        {
            throw new FormatException($"{key}: need size ≥ 0 and 0 ≤ overlap < size, got size {size}, overlap {overlap}");
        }

        return new TileSpec(size, overlap);
    }

#pragma warning disable CA1812 // instantiated by YamlDotNet
    private sealed class ManifestDto
    {
        public string? Name { get; set; }
        public string? Stage1 { get; set; }
        public int? Scale { get; set; }
        public VaeDto? Vae { get; set; }
        public DenoiserDto? Denoiser { get; set; }
        public ScheduleDto? Schedule { get; set; }
        public SamplerDto? Sampler { get; set; }
        public string? ColorFix { get; set; }
    }

    private sealed class VaeDto
    {
        public string? Store { get; set; }
        public string? Encoder { get; set; }
        public string? Decoder { get; set; }
        public string? Range { get; set; }
        public string? OutputKind { get; set; }
        public int? LatentChannels { get; set; }
        public int? Downscale { get; set; }
        public double? ScalingFactor { get; set; }
        public double? ShiftFactor { get; set; }
        public string? EncoderInput { get; set; }
        public string? EncoderOutput { get; set; }
        public string? DecoderInput { get; set; }
        public string? DecoderOutput { get; set; }
        public TileDto? EncodeTile { get; set; }
        public TileDto? DecodeTile { get; set; }
    }

    private sealed class TileDto
    {
        public int? Size { get; set; }
        public int? Overlap { get; set; }
    }

    private sealed class DenoiserDto
    {
        public string? Model { get; set; }
        public string? Prediction { get; set; }
        public InputsDto? Inputs { get; set; }
        public string? Output { get; set; }
        public string? Context { get; set; }
        public string? NullContext { get; set; }
        public double? ControlScale { get; set; }
        public int? LatentMultiple { get; set; }
        public TileDto? Tile { get; set; }
    }

    private sealed class InputsDto
    {
        public string? Latent { get; set; }
        public string? Timestep { get; set; }
        public string? Condition { get; set; }
        public string? Context { get; set; }
        public string? ControlScale { get; set; }
    }

    private sealed class ScheduleDto
    {
        public string? Kind { get; set; }
        public int? TrainSteps { get; set; }
        public double? BetaStart { get; set; }
        public double? BetaEnd { get; set; }
        public bool? ZeroTerminalSnr { get; set; }
    }

    private sealed class SamplerDto
    {
        public string? Kind { get; set; }
        public int? Steps { get; set; }
        public string? Spacing { get; set; }
        public int? StepsOffset { get; set; }
        public double? Eta { get; set; }
        public string? Variance { get; set; }
        public double? ClipSample { get; set; }
        public bool? SetAlphaToOne { get; set; }
        public double? StartNoise { get; set; }
        public double? Cfg { get; set; }
    }
#pragma warning restore CA1812
}
