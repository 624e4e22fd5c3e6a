using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using RestoreBench.Diffusion.Schedulers;
using RestoreBench.Onnx.Runtime;

namespace RestoreBench.Diffusion.Components;

/// <summary>
/// The denoiser ε_θ(z_t, t, c_t, c_f) of paper Eq. 9 as one ONNX graph (UNet with its control
/// branch fused), fed by role: noisy latent z_t [1, C, h, w]; timestep t ([1] or a scalar, float32
/// or int64 as the graph declares); optional spatial condition c_f = E(I_reg) [1, C, h, w]; optional
/// text context c_t (a precomputed tensor from an .npy file, e.g. [1, 77, 1024]); optional control
/// scale (float32, [1] or scalar). Its output is ε̂, v̂ or ẑ_0 [1, C, h, w] (the manifest says which).
/// </summary>
public sealed class Denoiser : IDisposable
{
    private readonly OnnxModel _model;
    private readonly OnnxTensorInfo _timestep;
    private readonly OnnxTensorInfo? _controlScale;
    private readonly string _output;
    private readonly float[]? _context;
    private readonly long[]? _contextShape;
    private readonly float[]? _nullContext;
    private readonly long[]? _nullContextShape;
    private float[] _latentBuffer = [];
    private float[] _conditionBuffer = [];

    /// <summary>Wraps a loaded graph (owned) and checks the manifest's names against it.</summary>
    /// <param name="model">The graph.</param>
    /// <param name="spec">Roles, names and files.</param>
    /// <param name="latentChannels">The VAE's latent channels C.</param>
    /// <exception cref="CldmManifestException">An unknown name (the message lists the graph's inputs and outputs), a channel mismatch, an unreadable context file, a graph input left unmapped.</exception>
    public Denoiser(OnnxModel model, DenoiserSpec spec, int latentChannels)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(spec);
        _model = model;
        Spec = spec;
        var file = spec.Model;
        var latent = OnnxIo.Input(model, spec.LatentInput, "noisy latent", file);
        _timestep = OnnxIo.Input(model, spec.TimestepInput, "timestep", file);
        if (_timestep.ElementType is not (TensorElementType.Float or TensorElementType.Int64) || _timestep.Rank > 1)
        {
            throw new CldmManifestException($"{file}: timestep input '{_timestep}' must be float32 or int64 with shape [1] or a scalar");
        }

        var mapped = new List<string> { latent.Name, _timestep.Name };
        CheckChannels(latent, latentChannels, "noisy latent");
        if (spec.ConditionInput is not null)
        {
            var condition = OnnxIo.Input(model, spec.ConditionInput, "condition c_f", file);
            CheckChannels(condition, latentChannels, "condition c_f");
            mapped.Add(condition.Name);
        }

        if (spec.ContextInput is not null)
        {
            mapped.Add(OnnxIo.Input(model, spec.ContextInput, "context c_t", file).Name);
            (_context, _contextShape) = ReadContext(spec.Context!);
            if (spec.NullContext is not null)
            {
                (_nullContext, _nullContextShape) = ReadContext(spec.NullContext);
            }
        }
        else if (spec.Context is not null || spec.NullContext is not null)
        {
            throw new CldmManifestException($"{file}: denoiser.context is given but no input is mapped to it (denoiser.inputs.context; {OnnxIo.Describe(model)})");
        }

        if (spec.ControlScaleInput is not null)
        {
            _controlScale = OnnxIo.Input(model, spec.ControlScaleInput, "control scale", file);
            mapped.Add(_controlScale.Name);
        }

        foreach (var input in model.Inputs)
        {
            if (!mapped.Contains(input.Name))
            {
                throw new CldmManifestException($"{file}: graph input '{input.Name}' has no role in the manifest (denoiser.inputs maps latent, timestep, condition, context, control_scale; {OnnxIo.Describe(model)})");
            }
        }

        var output = OnnxIo.Output(model, spec.Output, "prediction", file);
        CheckChannels(output, latentChannels, "prediction output");
        _output = output.Name;
        InputNames = [.. mapped];
        LatentChannels = latentChannels;
    }

    /// <summary>The manifest's description.</summary>
    public DenoiserSpec Spec { get; }

    /// <summary>Latent channels C.</summary>
    public int LatentChannels { get; }

    /// <summary>True when a null context for classifier-free guidance was given.</summary>
    public bool HasNullContext => _nullContext is not null;

    /// <summary>Learned parameters of the graph.</summary>
    public long ParameterCount => _model.ParameterCount;

    /// <summary>Input names in the order Predict feeds them.</summary>
    public IReadOnlyList<string> InputNames { get; }

    /// <summary>One denoiser call on a latent (or a latent tile); returns a new tensor.</summary>
    /// <param name="latent">z_t, C x h x w.</param>
    /// <param name="timestep">t in [0, T).</param>
    /// <param name="condition">c_f for the same tile (required when the graph has a condition input).</param>
    /// <param name="nullContext">Feed the null context instead of c_t (the unconditional branch of CFG).</param>
    /// <exception cref="OnnxModelException">ONNX Runtime fails.</exception>
    public LatentTensor Predict(LatentTensor latent, int timestep, LatentTensor? condition, bool nullContext = false)
    {
        ArgumentNullException.ThrowIfNull(latent);
        var result = new LatentTensor(latent.Channels, latent.Height, latent.Width);
        Predict(latent, timestep, condition, nullContext, result);
        return result;
    }

    /// <summary>
    /// One denoiser call writing into <paramref name="destination"/> (same shape as the latent). Reuses
    /// its float32 staging buffers between calls, so one instance serves one caller at a time.
    /// </summary>
    /// <exception cref="OnnxModelException">ONNX Runtime fails.</exception>
    public void Predict(LatentTensor latent, int timestep, LatentTensor? condition, bool nullContext, LatentTensor destination)
    {
        ArgumentNullException.ThrowIfNull(latent);
        ArgumentNullException.ThrowIfNull(destination);
        if (destination.Data.Length != latent.Data.Length)
        {
            throw new ArgumentException($"destination {destination.ShapeText} does not match the latent {latent.ShapeText}", nameof(destination));
        }

        long[] shape = [1, latent.Channels, latent.Height, latent.Width];
        var values = new List<OrtValue>(InputNames.Count);
        try
        {
            values.Add(OrtValue.CreateTensorValueFromMemory(Stage(latent, ref _latentBuffer), shape));
            values.Add(_timestep.ElementType == TensorElementType.Int64
                ? OrtValue.CreateTensorValueFromMemory(new long[] { timestep }, _timestep.Rank == 0 ? [] : [1])
                : OrtValue.CreateTensorValueFromMemory(new float[] { timestep }, _timestep.Rank == 0 ? [] : [1]));
            if (Spec.ConditionInput is not null)
            {
                var c = condition ?? throw new ArgumentNullException(nameof(condition), "the denoiser has a condition input");
                values.Add(OrtValue.CreateTensorValueFromMemory(Stage(c, ref _conditionBuffer), [1, c.Channels, c.Height, c.Width]));
            }

            if (Spec.ContextInput is not null)
            {
                if (nullContext && _nullContext is null)
                {
                    throw new InvalidOperationException("classifier-free guidance needs denoiser.null_context");
                }

                values.Add(nullContext
                    ? OrtValue.CreateTensorValueFromMemory(_nullContext!, _nullContextShape!)
                    : OrtValue.CreateTensorValueFromMemory(_context!, _contextShape!));
            }

            if (_controlScale is not null)
            {
                values.Add(OrtValue.CreateTensorValueFromMemory(new float[] { (float)Spec.ControlScale }, _controlScale.Rank == 0 ? [] : [1]));
            }

            using var outputs = _model.Run(InputNames, values, [_output]);
            var info = outputs[0].GetTensorTypeAndShape();
            var outShape = info.Shape;
            if (info.ElementDataType != TensorElementType.Float || outShape.Length != 4 || outShape[0] != 1 || outShape[1] != latent.Channels || outShape[2] != latent.Height || outShape[3] != latent.Width)
            {
                throw new InvalidOperationException($"{Spec.Model}: a {latent.ShapeText} latent gave a {info.ElementDataType} [{string.Join(",", outShape)}] prediction, expected float32 [1,{latent.Channels},{latent.Height},{latent.Width}]");
            }

            LatentKernels.ToDouble(outputs[0].GetTensorDataAsSpan<float>(), destination.Data);
        }
        finally
        {
            foreach (var v in values)
            {
                v.Dispose();
            }
        }
    }

    private static float[] Stage(LatentTensor x, ref float[] buffer)
    {
        if (buffer.Length != x.Data.Length)
        {
            buffer = new float[x.Data.Length];
        }

        LatentKernels.ToSingle(x.Data, buffer);
        return buffer;
    }

    /// <summary>Disposes the graph.</summary>
    public void Dispose() => _model.Dispose();

    private void CheckChannels(OnnxTensorInfo info, int latentChannels, string role)
    {
        if (OnnxIo.Channels(info) is { } c && c != latentChannels)
        {
            throw new CldmManifestException($"{Spec.Model}: latent channel mismatch: the denoiser's {role} '{info.Name}' has {c} channels, the VAE's latent has {latentChannels} (vae.latent_channels)");
        }
    }

    private static (float[] Data, long[] Shape) ReadContext(string path)
    {
        try
        {
            var array = NpyFile.Read(path);
            return (array.Data, array.Shape);
        }
        catch (InvalidDataException e)
        {
            throw new CldmManifestException(e.Message, e);
        }
    }
}
