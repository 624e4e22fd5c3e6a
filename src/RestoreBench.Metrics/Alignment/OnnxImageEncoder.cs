using System.Text;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using RestoreBench.Core.Imaging;
using RestoreBench.Onnx.Runtime;

namespace RestoreBench.Metrics.Alignment;

/// <summary>
/// An ONNX image encoder under an <see cref="EncoderManifest"/> contract: maps an image to one
/// embedding vector E(I) (paper Eq. 13) by preprocessing, one run, and <see cref="EmbeddingPooling"/>.
/// The contract is checked when the encoder is created. Owns the model; dispose it.
/// </summary>
public sealed class OnnxImageEncoder : IDisposable
{
    private readonly OnnxModel _model;
    private readonly int _outputRank;

    /// <summary>Wraps <paramref name="model"/> (taking ownership) after checking it against <paramref name="manifest"/>.</summary>
    /// <exception cref="ArgumentException">The model's inputs or outputs do not match the contract (the message lists expected and actual names and shapes), or patch-mean pooling is asked of a pooled [N, D] output.</exception>
    public OnnxImageEncoder(OnnxModel model, EncoderManifest manifest, EmbeddingPooling pooling)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(manifest);
        manifest.Validate();
        _model = model;
        Manifest = manifest;
        Pooling = pooling;
        _outputRank = CheckContract(model, manifest, pooling);
    }

    /// <summary>Loads the encoder file <paramref name="path"/> and checks it (see the constructor).</summary>
    /// <exception cref="OnnxModelException">The file cannot be loaded.</exception>
    /// <exception cref="ArgumentException">The contract does not match.</exception>
    public static OnnxImageEncoder Load(string path, EncoderManifest manifest, EmbeddingPooling pooling, OnnxSessionSettings? settings = null)
    {
        var model = OnnxModel.Load(path, settings);
        try
        {
            return new OnnxImageEncoder(model, manifest, pooling);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>The contract in force.</summary>
    public EncoderManifest Manifest { get; }

    /// <summary>How the embedding is taken from the output.</summary>
    public EmbeddingPooling Pooling { get; }

    /// <summary>The model (name, parameter count).</summary>
    public OnnxModel Model => _model;

    /// <summary>
    /// E(I): the embedding of <paramref name="image"/> (length D, float64, not normalised). Warnings of
    /// the preprocessing (upsampling of small images) are added to <paramref name="warnings"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The image cannot be preprocessed, or the output shape is not [1, 1+P, D] / [1, D].</exception>
    /// <exception cref="OnnxModelException">The run fails.</exception>
    public double[] Embed(ImageTensor image, List<string>? warnings = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        var crop = Manifest.CropSize;
        using var input = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, TensorElementType.Float, [1, 3, crop, crop]);
        EncoderPreprocessor.Preprocess(image, Manifest, input.GetTensorMutableDataAsSpan<float>(), warnings);
        using var outputs = _model.Run([Manifest.InputName], [input], [Manifest.OutputName]);
        var output = outputs[0];
        var shape = output.GetTensorTypeAndShape().Shape;
        var data = output.GetTensorDataAsSpan<float>();
        if (shape.Length != _outputRank || shape[0] != 1 || (shape.Length == 3 && shape[1] < (Pooling == EmbeddingPooling.PatchMean ? 2 : 1)))
        {
            throw new ArgumentException($"encoder '{_model.Name}': output {Manifest.OutputName} has shape [{string.Join(",", shape)}]; expected [1,1+P,D] or [1,D]");
        }

        var d = (int)shape[^1];
        var embedding = new double[d];
        if (shape.Length == 2 || Pooling == EmbeddingPooling.Cls)
        {
            for (var i = 0; i < d; i++)
            {
                embedding[i] = data[i];
            }

            return embedding;
        }

        var tokens = (int)shape[1];
        for (var t = 1; t < tokens; t++)
        {
            var row = data.Slice(t * d, d);
            for (var i = 0; i < d; i++)
            {
                embedding[i] += row[i];
            }
        }

        var inv = 1.0 / (tokens - 1);
        for (var i = 0; i < d; i++)
        {
            embedding[i] *= inv;
        }

        return embedding;
    }

    /// <summary>Releases the model.</summary>
    public void Dispose() => _model.Dispose();

    private static int CheckContract(OnnxModel model, EncoderManifest m, EmbeddingPooling pooling)
    {
        OnnxTensorInfo? input = null, output = null;
        foreach (var i in model.Inputs)
        {
            if (i.Name == m.InputName)
            {
                input = i;
            }
        }

        foreach (var o in model.Outputs)
        {
            if (o.Name == m.OutputName)
            {
                output = o;
            }
        }

        var problems = new List<string>();
        if (input is null)
        {
            problems.Add($"no input named '{m.InputName}'");
        }
        else if (!input.IsTensor || input.ElementType != TensorElementType.Float || input.Rank != 4
            || !Fits(input.Shape[1], 3) || !Fits(input.Shape[2], m.CropSize) || !Fits(input.Shape[3], m.CropSize))
        {
            problems.Add($"input {input} does not accept float32[1,3,{m.CropSize},{m.CropSize}]");
        }

        if (model.Inputs.Count != 1)
        {
            problems.Add($"{model.Inputs.Count} inputs; exactly one is supported");
        }

        if (output is null)
        {
            problems.Add($"no output named '{m.OutputName}'");
        }
        else if (!output.IsTensor || output.ElementType != TensorElementType.Float || output.Rank is not (2 or 3))
        {
            problems.Add($"output {output} is not float32[N,1+P,D] or float32[N,D]");
        }
        else if (output.Rank == 2 && pooling == EmbeddingPooling.PatchMean)
        {
            problems.Add($"output {output} is pooled [N,D]; patch-mean embedding needs the token sequence [N,1+P,D]");
        }

        if (problems.Count == 0)
        {
            return output!.Rank;
        }

        var text = new StringBuilder();
        text.Append("encoder '").Append(model.Name).Append("' does not match the encoder contract (").Append(string.Join("; ", problems)).Append("). ");
        text.Append("Expected input ").Append(m.InputName).Append(": float32[N,3,").Append(m.CropSize).Append(',').Append(m.CropSize).Append("] and output ")
            .Append(m.OutputName).Append(": float32[N,1+P,D] (token sequence, e.g. last_hidden_state) or float32[N,D] (e.g. pooler_output). ");
        text.Append("The model has inputs ").Append(string.Join(", ", model.Inputs)).Append("; outputs ").Append(string.Join(", ", model.Outputs)).Append('.');
        throw new ArgumentException(text.ToString());
    }

    private static bool Fits(OnnxDimension dim, long size) => dim.IsDynamic || dim.Value == size;
}
