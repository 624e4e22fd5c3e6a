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
    private readonly float[] _timestepFloat = new float[1];
    private readonly long[] _timestepLong = new long[1];
    private readonly OrtValue _timestepValue;
    private readonly OrtValue? _contextValue;
    private readonly OrtValue? _nullContextValue;
    private readonly OrtValue? _controlScaleValue;
    private readonly RunOptions _runOptions = new();
    private Binding? _binding;
    private bool _disposed;

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
        long[] timestepShape = _timestep.Rank == 0 ? [] : [1];
        _timestepValue = _timestep.ElementType == TensorElementType.Int64
            ? OrtValue.CreateTensorValueFromMemory(_timestepLong, timestepShape)
            : OrtValue.CreateTensorValueFromMemory(_timestepFloat, timestepShape);
        if (_context is not null)
        {
            _contextValue = OrtValue.CreateTensorValueFromMemory(_context, _contextShape!);
        }

        if (_nullContext is not null)
        {
            _nullContextValue = OrtValue.CreateTensorValueFromMemory(_nullContext, _nullContextShape!);
        }

        if (_controlScale is not null)
        {
            _controlScaleValue = OrtValue.CreateTensorValueFromMemory(new float[] { (float)Spec.ControlScale }, _controlScale.Rank == 0 ? [] : [1]);
        }
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
    /// One denoiser call writing into <paramref name="destination"/> (same shape as the latent). The
    /// float32 input and output tensors of the last latent shape, the timestep, context and control
    /// scale tensors and the run options are kept between calls (only the values change), so one
    /// instance serves one caller at a time.
    /// </summary>
    /// <exception cref="InvalidOperationException">ONNX Runtime fails, e.g. because the prediction is not float32 [1, C, h, w] for a C x h x w latent (the message says so, with the runtime's reason).</exception>
    public void Predict(LatentTensor latent, int timestep, LatentTensor? condition, bool nullContext, LatentTensor destination)
    {
        ArgumentNullException.ThrowIfNull(latent);
        ArgumentNullException.ThrowIfNull(destination);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (destination.Data.Length != latent.Data.Length)
        {
            throw new ArgumentException($"destination {destination.ShapeText} does not match the latent {latent.ShapeText}", nameof(destination));
        }

        if (nullContext && Spec.ContextInput is not null && _nullContext is null)
        {
            throw new InvalidOperationException("classifier-free guidance needs denoiser.null_context");
        }

        var binding = Bind(latent.Channels, latent.Height, latent.Width);
        LatentKernels.ToSingle(latent.Data, binding.Latent);
        _timestepFloat[0] = timestep;
        _timestepLong[0] = timestep;
        if (Spec.ConditionInput is not null)
        {
            var c = condition ?? throw new ArgumentNullException(nameof(condition), "the denoiser has a condition input");
            if (c.Data.Length != binding.Condition.Length)
            {
                throw new ArgumentException($"condition {c.ShapeText} does not match the latent {latent.ShapeText}", nameof(condition));
            }

            LatentKernels.ToSingle(c.Data, binding.Condition);
        }

        try
        {
            _model.Run(InputNames, nullContext ? binding.NullContextInputs : binding.Inputs, [_output], [binding.OutputValue], _runOptions);
        }
        catch (OnnxModelException e)
        {
            throw new InvalidOperationException($"{Spec.Model}: denoiser run on a {latent.ShapeText} latent failed (its prediction must be float32 [1,{latent.Channels},{latent.Height},{latent.Width}]): {e.Message}", e);
        }

        LatentKernels.ToDouble(binding.Output, destination.Data);
    }

    /// <summary>Disposes the graph and the kept tensors.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _binding?.Dispose();
        foreach (var value in new[] { _timestepValue, _contextValue, _nullContextValue, _controlScaleValue })
        {
            value?.Dispose();
        }

        _runOptions.Dispose();
        _model.Dispose();
    }

    /// <summary>The tensors for a C x h x w latent (the last shape's are kept).</summary>
    private Binding Bind(int channels, int height, int width)
    {
        if (_binding is { } kept && kept.Channels == channels && kept.Height == height && kept.Width == width)
        {
            return kept;
        }

        _binding?.Dispose();
        _binding = null;
        var binding = new Binding(channels, height, width, Spec.ConditionInput is not null);
        foreach (var nullContext in new[] { false, true })
        {
            var values = nullContext ? binding.NullContextInputs : binding.Inputs;
            values.Add(binding.LatentValue);
            values.Add(_timestepValue);
            if (binding.ConditionValue is not null)
            {
                values.Add(binding.ConditionValue);
            }

            if (_contextValue is not null)
            {
                values.Add(nullContext && _nullContextValue is not null ? _nullContextValue : _contextValue);
            }

            if (_controlScaleValue is not null)
            {
                values.Add(_controlScaleValue);
            }
        }

        _binding = binding;
        return binding;
    }

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

    /// <summary>Float32 tensors over managed buffers for one latent shape: inputs, the prediction, and the input lists in <see cref="InputNames"/> order.</summary>
    private sealed class Binding : IDisposable
    {
        public Binding(int channels, int height, int width, bool withCondition)
        {
            (Channels, Height, Width) = (channels, height, width);
            long[] shape = [1, channels, height, width];
            var n = channels * height * width;
            Latent = new float[n];
            LatentValue = OrtValue.CreateTensorValueFromMemory(Latent, shape);
            Condition = withCondition ? new float[n] : [];
            ConditionValue = withCondition ? OrtValue.CreateTensorValueFromMemory(Condition, shape) : null;
            Output = new float[n];
            OutputValue = OrtValue.CreateTensorValueFromMemory(Output, shape);
        }

        public int Channels { get; }

        public int Height { get; }

        public int Width { get; }

        public float[] Latent { get; }

        public OrtValue LatentValue { get; }

        public float[] Condition { get; }

        public OrtValue? ConditionValue { get; }

        public float[] Output { get; }

        public OrtValue OutputValue { get; }

        public List<OrtValue> Inputs { get; } = [];

        public List<OrtValue> NullContextInputs { get; } = [];

        public void Dispose()
        {
            LatentValue.Dispose();
            ConditionValue?.Dispose();
            OutputValue.Dispose();
        }
    }
}
