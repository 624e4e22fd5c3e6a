using System.Globalization;

namespace RestoreBench.Metrics.Alignment;

/// <summary>
/// The contract and preprocessing of an image encoder used by alignment metrics (paper Eq. 13–15).
/// The defaults (<see cref="DinoV2"/>) match the Hugging Face DINOv2 image processor and the usual
/// ONNX export of <c>facebook/dinov2-*</c>: input <c>pixel_values</c> float32 [N, 3, 224, 224], the
/// shortest edge resized to 256 with Pillow's bicubic filter, a centred 224x224 crop, samples in
/// [0, 1] normalised with the ImageNet mean and standard deviation, output <c>last_hidden_state</c>
/// [N, 1+P, D] (or <c>pooler_output</c> [N, D]).
/// </summary>
public sealed record EncoderManifest
{
    /// <summary>ImageNet channel means (R, G, B) on the [0, 1] scale.</summary>
    public static IReadOnlyList<double> ImageNetMean { get; } = [0.485, 0.456, 0.406];

    /// <summary>ImageNet channel standard deviations (R, G, B) on the [0, 1] scale.</summary>
    public static IReadOnlyList<double> ImageNetStd { get; } = [0.229, 0.224, 0.225];

    /// <summary>The DINOv2 contract (Hugging Face <c>BitImageProcessor</c> settings of <c>facebook/dinov2-small</c>).</summary>
    public static EncoderManifest DinoV2 { get; } = new();

    /// <summary>Name of the image input (float32 [N, 3, H, W]).</summary>
    public string InputName { get; init; } = "pixel_values";

    /// <summary>Name of the output read: a token sequence [N, 1+P, D] or a pooled vector [N, D].</summary>
    public string OutputName { get; init; } = "last_hidden_state";

    /// <summary>
    /// The shortest image edge is resized to this many pixels (Pillow bicubic, aspect ratio kept, the
    /// long edge truncated as Hugging Face does); 0 = no resize (then images smaller than the crop are refused).
    /// </summary>
    public int ResizeShortestEdge { get; init; } = 256;

    /// <summary>Side of the centred square crop fed to the encoder, in pixels.</summary>
    public int CropSize { get; init; } = 224;

    /// <summary>Per-channel mean subtracted from samples in [0, 1].</summary>
    public IReadOnlyList<double> Mean { get; init; } = ImageNetMean;

    /// <summary>Per-channel standard deviation the centred samples are divided by.</summary>
    public IReadOnlyList<double> Std { get; init; } = ImageNetStd;

    /// <summary>Checks the values.</summary>
    /// <exception cref="ArgumentException">A name is empty, a size is not positive, or mean/std do not have 3 entries (std &gt; 0).</exception>
    public void Validate()
    {
        if (string.IsNullOrEmpty(InputName) || string.IsNullOrEmpty(OutputName))
        {
            throw new ArgumentException("encoder manifest: input and output names must not be empty");
        }

        if (CropSize <= 0 || ResizeShortestEdge < 0 || (ResizeShortestEdge > 0 && ResizeShortestEdge < CropSize))
        {
            throw new ArgumentException($"encoder manifest: crop size {CropSize} must be positive and the resize edge {ResizeShortestEdge} 0 or at least the crop size");
        }

        if (Mean.Count != 3 || Std.Count != 3)
        {
            throw new ArgumentException($"encoder manifest: mean and std need 3 values (R, G, B); got {Mean.Count} and {Std.Count}");
        }

        foreach (var s in Std)
        {
            if (!(s > 0))
            {
                throw new ArgumentException("encoder manifest: std values must be positive");
            }
        }
    }

    /// <summary>One line for settings output.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"input {InputName} [N,3,{CropSize},{CropSize}], output {OutputName}; resize shortest edge to {ResizeShortestEdge} (Pillow bicubic, float), centre crop {CropSize}, mean ({Mean[0]}, {Mean[1]}, {Mean[2]}), std ({Std[0]}, {Std[1]}, {Std[2]})");
}
