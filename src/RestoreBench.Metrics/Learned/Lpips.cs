using System.Globalization;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using RestoreBench.Core.Imaging;
using RestoreBench.Metrics.FullReference;
using RestoreBench.Onnx.Runtime;

namespace RestoreBench.Metrics.Learned;

/// <summary>
/// LPIPS (Zhang et al. 2018, v0.1): a learned perceptual distance between a restored image and its
/// reference. Both images go through a feature backbone (an ONNX model supplied by the user, see
/// below); for each of its five feature maps the features are normalised to unit length over the
/// channels, the squared differences are weighted per channel by the official linear layers and
/// summed over channels, averaged over positions, and the five layer terms are added:
/// <c>LPIPS = Σ_k mean_{h,w} Σ_c w_{k,c} (f̂1 − f̂2)²</c>, <c>f̂ = f / (‖f‖₂ + 1e-10)</c>. Lower is better;
/// 0 for identical images.
/// <para>
/// Backbone contract: one float32 input <c>[1, 3, H, W]</c> that receives the image after LPIPS's
/// scaling layer, which this class applies in C# (sample s in [0, 1] → x = 2s − 1 →
/// (x − shift) / scale with shift = (−0.030, −0.088, −0.188), scale = (0.458, 0.448, 0.450), in
/// float64, rounded once to float32); five float32 outputs <c>[1, C_k, H_k, W_k]</c> in declaration
/// order. The channel counts choose the variant: AlexNet (64, 192, 384, 256, 256) or VGG16 (64, 128,
/// 256, 512, 512). <c>tools/export/lpips_backbone.py</c> writes such files from torchvision.
/// Gray images are repeated to three channels. The backbone runs in float32; normalisation and
/// sums are accumulated in float64. <see cref="Compute"/> may be called from several threads (ONNX
/// Runtime runs are thread-safe) and its result does not depend on call order.
/// </para>
/// </summary>
public sealed class Lpips : IFullReferenceMetric, IDisposable
{
    /// <summary>Smallest image side accepted (after cropping); AlexNet's relu5 needs 31 pixels.</summary>
    public const int MinSide = 32;

    /// <summary>Added to the channel norm before dividing (as in the reference implementation).</summary>
    public const double NormEpsilon = 1e-10;

    private static readonly double[] Shift = [-0.030, -0.088, -0.188];
    private static readonly double[] Scale = [0.458, 0.448, 0.450];

    private readonly OnnxModel _backbone;
    private readonly bool _ownsBackbone;
    private readonly int _cropBorder;
    private readonly Dictionary<string, string> _settings;

    /// <summary>The catalog entry of <c>lpips</c>.</summary>
    public static MetricDescriptor LpipsDescriptor { get; } = new(
        "lpips", MetricKind.FullReference, MetricDirection.LowerIsBetter, "[0, +inf)", 0, double.PositiveInfinity, "",
        "LPIPS v0.1 (Zhang et al. 2018; richzhang/PerceptualSimilarity linear layers), backbone from a user-supplied ONNX file",
        "Learned perceptual distance: channel-normalised AlexNet/VGG16 features, weighted squared differences, averaged over positions and summed over five layers.");

    /// <summary>
    /// An LPIPS metric over <paramref name="backbone"/>. The variant is detected from the output
    /// channel counts and the official v0.1 linear layers of that variant are used.
    /// </summary>
    /// <param name="backbone">The feature backbone (see the class remarks for the contract).</param>
    /// <param name="cropBorder">Pixels removed from every side of both images first (BasicSR <c>crop_border</c>).</param>
    /// <param name="ownsBackbone">Dispose <paramref name="backbone"/> with this metric.</param>
    /// <exception cref="ArgumentException">The backbone does not meet the contract; the message lists expected and actual inputs and outputs.</exception>
    public Lpips(OnnxModel backbone, int cropBorder = 0, bool ownsBackbone = false)
    {
        ArgumentNullException.ThrowIfNull(backbone);
        FullReferenceInputs.ValidateCrop(cropBorder);
        Net = DetectNet(backbone);
        Layers = LpipsLinearLayers.Official(Net);
        _backbone = backbone;
        _ownsBackbone = ownsBackbone;
        _cropBorder = cropBorder;
        _settings = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["net"] = Net == LpipsNet.Alex ? "alex" : "vgg",
            ["version"] = "0.1",
            ["backbone"] = backbone.Name,
            ["crop_border"] = cropBorder.ToString(CultureInfo.InvariantCulture),
        };
    }

    /// <summary>The backbone variant detected from the output channel counts.</summary>
    public LpipsNet Net { get; }

    /// <summary>The linear layers in use.</summary>
    public LpipsLinearLayers Layers { get; }

    /// <inheritdoc/>
    public MetricDescriptor Descriptor => LpipsDescriptor;

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, string> Settings => _settings;

    /// <summary>
    /// Loads the backbone ONNX file and creates the metric (the metric owns the session).
    /// </summary>
    /// <param name="backbonePath">The backbone ONNX file.</param>
    /// <param name="cropBorder">Pixels removed from every side of both images first.</param>
    /// <param name="threads">ONNX Runtime intra-op threads (0 = all cores).</param>
    /// <exception cref="ArgumentException">The file is missing, not an ONNX model, or does not meet the backbone contract.</exception>
    public static Lpips Load(string backbonePath, int cropBorder = 0, int threads = 0)
    {
        ArgumentException.ThrowIfNullOrEmpty(backbonePath);
        OnnxModel model;
        try
        {
            model = OnnxModel.Load(backbonePath, new OnnxSessionSettings { Threads = threads });
        }
        catch (OnnxModelException e)
        {
            throw new ArgumentException($"lpips: {e.Message}", nameof(backbonePath), e);
        }

        try
        {
            return new Lpips(model, cropBorder, ownsBackbone: true);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Checks <paramref name="backbone"/> against the LPIPS backbone contract and returns its variant.
    /// </summary>
    /// <exception cref="ArgumentException">Not one float32 rank-4 input with 3 (or dynamic) channels, or not five float32 rank-4 outputs with the AlexNet or VGG16 channel counts; the message lists expected and actual names and shapes.</exception>
    public static LpipsNet DetectNet(OnnxModel backbone)
    {
        ArgumentNullException.ThrowIfNull(backbone);
        var inputOk = backbone.Inputs.Count == 1
            && backbone.Inputs[0].IsTensor
            && backbone.Inputs[0].ElementType == TensorElementType.Float
            && backbone.Inputs[0].Rank == 4
            && (backbone.Inputs[0].Shape[1].IsDynamic || backbone.Inputs[0].Shape[1].Value == 3);
        if (!inputOk)
        {
            throw new ArgumentException(ContractMessage(backbone, "the input is not a single float32 [1,3,H,W] image"), nameof(backbone));
        }

        if (backbone.Outputs.Count == 5)
        {
            var channels = new long[5];
            var tensors = true;
            for (var k = 0; k < 5; k++)
            {
                var o = backbone.Outputs[k];
                tensors &= o.IsTensor && o.ElementType == TensorElementType.Float && o.Rank == 4;
                channels[k] = tensors ? o.Shape[1].Value : -1;
            }

            if (tensors)
            {
                foreach (var net in (ReadOnlySpan<LpipsNet>)[LpipsNet.Alex, LpipsNet.Vgg])
                {
                    var expected = LpipsLinearLayers.ChannelsOf(net);
                    var match = true;
                    for (var k = 0; k < 5; k++)
                    {
                        match &= channels[k] == expected[k];
                    }

                    if (match)
                    {
                        return net;
                    }
                }
            }
        }

        throw new ArgumentException(ContractMessage(backbone, "the outputs do not match AlexNet or VGG16"), nameof(backbone));
    }

    /// <inheritdoc/>
    public double Compute(ImageTensor restored, ImageTensor reference)
    {
        FullReferenceInputs.Check("lpips", restored, reference, _cropBorder, MinSide, "the backbone downsamples by up to 32");
        if (_cropBorder > 0)
        {
            restored = restored.CropBorder(_cropBorder);
            reference = reference.CropBorder(_cropBorder);
        }

        using var a = Features(restored);
        using var b = Features(reference);
        var total = 0.0;
        for (var k = 0; k < Layers.Count; k++)
        {
            total += LayerDistance(a[k], b[k], Layers.Weights(k), k);
        }

        return total;
    }

    /// <summary>Releases the backbone session when this metric owns it.</summary>
    public void Dispose()
    {
        if (_ownsBackbone)
        {
            _backbone.Dispose();
        }
    }

    /// <summary>Writes the scaled image (LPIPS scaling layer, float64 then float32) into a new [1,3,H,W] tensor.</summary>
    internal static OrtValue ScaledInput(ImageTensor image)
    {
        var value = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, TensorElementType.Float, [1, 3, image.Height, image.Width]);
        var dst = value.GetTensorMutableDataAsSpan<float>();
        var plane = image.PlaneSize;
        for (var c = 0; c < 3; c++)
        {
            var src = image.ReadPlane(image.Channels == 3 ? c : 0);
            var d = dst.Slice(c * plane, plane);
            double shift = Shift[c], scale = Scale[c];
            for (var i = 0; i < plane; i++)
            {
                d[i] = (float)(((2.0 * src[i]) - 1.0 - shift) / scale);
            }
        }

        return value;
    }

    private IDisposableReadOnlyCollection<OrtValue> Features(ImageTensor image)
    {
        using var input = ScaledInput(image);
        try
        {
            return _backbone.Run([_backbone.Inputs[0].Name], [input]);
        }
        catch (OnnxModelException e)
        {
            throw new ArgumentException($"lpips: the backbone failed on a {image.ShapeText} image: {e.Message}", nameof(image), e);
        }
    }

    private double LayerDistance(OrtValue first, OrtValue second, ReadOnlySpan<double> weights, int k)
    {
        var shape = first.GetTensorTypeAndShape().Shape;
        var other = second.GetTensorTypeAndShape().Shape;
        if (shape.Length != 4 || other.Length != 4 || shape[1] != weights.Length || shape[1] != other[1] || shape[2] != other[2] || shape[3] != other[3])
        {
            throw new InvalidOperationException($"lpips: backbone '{_backbone.Name}' output {k + 1} has shapes [{string.Join(",", shape)}] and [{string.Join(",", other)}]; expected equal shapes with {weights.Length} channels");
        }

        var channels = (int)shape[1];
        var positions = checked((int)(shape[2] * shape[3]));
        if (positions == 0)
        {
            throw new ArgumentException($"lpips: backbone '{_backbone.Name}' output {k + 1} is empty ([{string.Join(",", shape)}]); the image is too small");
        }

        ReadOnlySpan<float> f1 = first.GetTensorDataAsSpan<float>();
        ReadOnlySpan<float> f2 = second.GetTensorDataAsSpan<float>();
        var n1 = new double[positions];
        var n2 = new double[positions];
        for (var c = 0; c < channels; c++)
        {
            var p1 = f1.Slice(c * positions, positions);
            var p2 = f2.Slice(c * positions, positions);
            for (var p = 0; p < positions; p++)
            {
                double x = p1[p], y = p2[p];
                n1[p] += x * x;
                n2[p] += y * y;
            }
        }

        for (var p = 0; p < positions; p++)
        {
            n1[p] = Math.Sqrt(n1[p]) + NormEpsilon;
            n2[p] = Math.Sqrt(n2[p]) + NormEpsilon;
        }

        var d = new double[positions];
        for (var c = 0; c < channels; c++)
        {
            var p1 = f1.Slice(c * positions, positions);
            var p2 = f2.Slice(c * positions, positions);
            var w = weights[c];
            for (var p = 0; p < positions; p++)
            {
                var diff = (p1[p] / n1[p]) - (p2[p] / n2[p]);
                d[p] += w * diff * diff;
            }
        }

        var sum = 0.0;
        for (var p = 0; p < positions; p++)
        {
            sum += d[p];
        }

        return sum / positions;
    }

    private static string ContractMessage(OnnxModel model, string problem)
    {
        var alex = LpipsLinearLayers.ChannelsOf(LpipsNet.Alex);
        var vgg = LpipsLinearLayers.ChannelsOf(LpipsNet.Vgg);
        return $"lpips: backbone '{model.Name}' does not meet the LPIPS backbone contract ({problem}). " +
            $"Expected: input float32[1,3,H,W] (image after the LPIPS scaling layer); five float32 outputs [1,C,h,w] with C = {string.Join(", ", alex)} (AlexNet relu1-relu5) " +
            $"or {string.Join(", ", vgg)} (VGG16 relu1_2..relu5_3). " +
            $"Actual: inputs {string.Join("; ", model.Inputs)}; outputs {string.Join("; ", model.Outputs)}. " +
            "tools/export/lpips_backbone.py writes conforming files.";
    }
}
