using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using RestoreBench.Onnx.Runtime;

namespace RestoreBench.Diffusion.Components;

/// <summary>Small helpers shared by the VAE and the denoiser: name checks and float32 tensors.</summary>
internal static class OnnxIo
{
    /// <summary>The graph's inputs and outputs as text, for error messages.</summary>
    public static string Describe(OnnxModel model) =>
        $"graph inputs: {string.Join(", ", model.Inputs)}; outputs: {string.Join(", ", model.Outputs)}";

    /// <summary>Resolves a mapped input name (or the only input when null); throws listing the graph's names.</summary>
    public static OnnxTensorInfo Input(OnnxModel model, string? name, string role, string file)
    {
        if (name is null)
        {
            return model.Inputs.Count == 1
                ? model.Inputs[0]
                : throw new CldmManifestException($"{file}: the graph has {model.Inputs.Count} inputs; name the {role} input in the manifest ({Describe(model)})");
        }

        foreach (var i in model.Inputs)
        {
            if (i.Name == name)
            {
                return i;
            }
        }

        throw new CldmManifestException($"{file}: no input named '{name}' for the {role} ({Describe(model)})");
    }

    /// <summary>Resolves a mapped output name (or the first output when null).</summary>
    public static OnnxTensorInfo Output(OnnxModel model, string? name, string role, string file)
    {
        if (name is null)
        {
            return model.Outputs[0];
        }

        foreach (var o in model.Outputs)
        {
            if (o.Name == name)
            {
                return o;
            }
        }

        throw new CldmManifestException($"{file}: no output named '{name}' for the {role} ({Describe(model)})");
    }

    /// <summary>A [1, C, H, W] float32 tensor from a float64 tensor.</summary>
    public static OrtValue ToOrt(LatentTensor x)
    {
        var data = new float[x.Data.Length];
        for (var i = 0; i < data.Length; i++)
        {
            data[i] = (float)x.Data[i];
        }

        return OrtValue.CreateTensorValueFromMemory(data, [1, x.Channels, x.Height, x.Width]);
    }

    /// <summary>Reads a float32 [1, C, H, W] output as a float64 tensor.</summary>
    public static LatentTensor FromOrt(OrtValue value, string what)
    {
        var info = value.GetTensorTypeAndShape();
        var shape = info.Shape;
        if (info.ElementDataType != TensorElementType.Float || shape.Length != 4 || shape[0] != 1)
        {
            throw new InvalidOperationException($"{what} returned {info.ElementDataType} [{string.Join(",", shape)}], expected float32 [1,C,H,W]");
        }

        var span = value.GetTensorDataAsSpan<float>();
        var data = new double[span.Length];
        for (var i = 0; i < data.Length; i++)
        {
            data[i] = span[i];
        }

        return new LatentTensor((int)shape[1], (int)shape[2], (int)shape[3], data);
    }

    /// <summary>Fixed channel dimension (index 1) of a declared 4-D shape, or null when dynamic/absent.</summary>
    public static long? Channels(OnnxTensorInfo info) =>
        info.Rank == 4 && !info.Shape[1].IsDynamic ? info.Shape[1].Value : null;
}
