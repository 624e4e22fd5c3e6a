using Microsoft.ML.OnnxRuntime.Tensors;
using System.Globalization;
using RestoreBench.Core.Imaging;
using RestoreBench.Degradations.Blur;
using RestoreBench.Onnx;
using RestoreBench.Onnx.Runtime;
using RestoreBench.Restorers.Tiling;

namespace RestoreBench.Restorers.Onnx;

/// <summary>
/// An image-to-image network run through ONNX Runtime, used as a stage-1 module M_φ (Eq. 3–4) or a
/// complete restorer. Contract: one float32 input <c>[1, 3, H, W]</c> (NCHW, RGB) in
/// <see cref="InputRange"/>, one output <c>[1, 3, s·H, s·W]</c> in <see cref="OutputRange"/>. Gray
/// inputs are converted to RGB explicitly. Inputs are padded (<see cref="PadMode"/>, default symmetric) to a
/// multiple of <see cref="PadMultiple"/> and the output is cropped back. A model whose input height and width
/// are fixed (e.g. a converted TensorFlow.js graph model, built for 256x256) gets exactly that size: a smaller
/// image is padded up to it, a larger one is cut into tiles of that size overlapping by <see cref="TileOverlap"/>
/// pixels and blended (<see cref="Tiler"/>). Every padding of an image is reported through <see cref="Warning"/>.
/// Outputs are not clipped here; NaN or infinity is a per-image error.
/// </summary>
public sealed class OnnxRestorer : IInProcessRestorer
{
    private readonly OnnxModel _model;
    private readonly BorderMode _padMode = BorderMode.Symmetric;

    /// <summary>Wraps a loaded model (taken over: disposed with this restorer).</summary>
    /// <param name="model">The network.</param>
    /// <param name="name">Name for tables (catalog name or file name).</param>
    /// <param name="inputRange">Value range the network expects.</param>
    /// <param name="outputRange">Value range the network produces.</param>
    /// <param name="scale">Output/input size ratio; null probes it with a 16x16 input.</param>
    /// <param name="padMultiple">Inputs are padded to a multiple of this (1 = none).</param>
    /// <exception cref="ArgumentException">The model's input or output is not a float32 rank-4 tensor with 3 channels; the message gives the expected and the actual shape.</exception>
    public OnnxRestorer(OnnxModel model, string name, ValueRange inputRange, ValueRange outputRange, int? scale = null, int padMultiple = 1)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfLessThan(padMultiple, 1);
        Validate(model);
        _model = model;
        var shape = model.Inputs[0].Shape;
        if (!shape[2].IsDynamic && !shape[3].IsDynamic)
        {
            FixedSize = ((int)shape[2].Value, (int)shape[3].Value);
        }

        InputRange = inputRange;
        OutputRange = outputRange;
        PadMultiple = padMultiple;
        Scale = scale ?? ProbeScale();
        Info = new RestorerInfo(name, RestorerKind.Onnx, Scale, model.ParameterCount,
            $"ONNX model {model.Source} (input {inputRange}, output {outputRange}, x{Scale})");
    }

    /// <inheritdoc/>
    public RestorerInfo Info { get; }

    /// <summary>Output/input size ratio.</summary>
    public int Scale { get; }

    /// <summary>Value range of the network input.</summary>
    public ValueRange InputRange { get; }

    /// <summary>Value range of the network output.</summary>
    public ValueRange OutputRange { get; }

    /// <summary>Inputs are padded to a multiple of this.</summary>
    public int PadMultiple { get; }

    /// <summary>The model's fixed input height and width, or null when they are dynamic.</summary>
    public (int Height, int Width)? FixedSize { get; }

    /// <summary>How padding is filled (default <see cref="BorderMode.Symmetric"/>; converted TF.js graph models use <see cref="BorderMode.Reflect101"/>).</summary>
    public BorderMode PadMode
    {
        get => _padMode;
        init => _padMode = value is BorderMode.Symmetric or BorderMode.Reflect101 or BorderMode.Replicate
            ? value
            : throw new ArgumentOutOfRangeException(nameof(value), value, "Accepted pad modes: Symmetric, Reflect101, Replicate.");
    }

    /// <summary>Overlap in pixels of the tiles a fixed-size model runs on (default 32; must be smaller than the fixed size).</summary>
    public int TileOverlap { get; init; } = 32;

    /// <summary>Receives one line per image that is padded or tiled (e.g. "input 300x451 padded (reflect101) to 320x512, output cropped back"); null: silent.</summary>
    public Action<string>? Warning { get; init; }

    /// <inheritdoc/>
    public bool RgbOnly => true;

    /// <inheritdoc/>
    public Task<ImageTensor> RestoreAsync(ImageTensor lowQuality, RestoreContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var output = Restore(lowQuality, cancellationToken);
        RestorerOutput.CheckFinite(context.ImageId, output);
        return Task.FromResult(output);
    }

    /// <inheritdoc/>
    public ImageTensor Restore(ImageTensor lowQuality, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lowQuality);
        cancellationToken.ThrowIfCancellationRequested();
        var rgb = lowQuality.ToRgb();
        int h = rgb.Height, w = rgb.Width;
        if (FixedSize is { } size)
        {
            if (h <= size.Height && w <= size.Width)
            {
                Warn(h, w, size.Height, size.Width);
                return RunCropped(rgb, size.Height, size.Width);
            }

            var tile = Math.Min(size.Height, size.Width);
            Warning?.Invoke(string.Create(CultureInfo.InvariantCulture,
                $"{Info.Name}: input {h}x{w} is larger than the model's fixed {size.Height}x{size.Width} input: processed in {tile}x{tile} tiles overlapping by {TileOverlap} px (edge tiles padded with {PadMode.ToString().ToLowerInvariant()})"));
            var options = new TileOptions(tile, Math.Min(TileOverlap, tile - 1)) { PadMode = PadMode };
            return Tiler.Apply(rgb, Scale, options, t => RunCropped(t, size.Height, size.Width), threads: 1, cancellationToken);
        }

        Warn(h, w, RoundUp(h, PadMultiple), RoundUp(w, PadMultiple));
        return RunCropped(rgb, RoundUp(h, PadMultiple), RoundUp(w, PadMultiple));
    }

    /// <inheritdoc/>
    public void Dispose() => _model.Dispose();

    private void Warn(int h, int w, int paddedH, int paddedW)
    {
        if (h != paddedH || w != paddedW)
        {
            Warning?.Invoke(string.Create(CultureInfo.InvariantCulture,
                $"{Info.Name}: input {h}x{w} padded ({PadMode.ToString().ToLowerInvariant()}) to {paddedH}x{paddedW} (the model needs {(FixedSize is null ? $"sides that are multiples of {PadMultiple}" : "a fixed size")}), output cropped back"));
        }
    }

    /// <summary>Pads <paramref name="rgb"/> to <paramref name="height"/> x <paramref name="width"/>, runs the model, crops the output back.</summary>
    private ImageTensor RunCropped(ImageTensor rgb, int height, int width)
    {
        int h = rgb.Height, w = rgb.Width;
        var padded = Pad(rgb, height, width, PadMode);
        ImageTensor result;
        using (var input = OnnxImage.ToTensor(padded, InputRange))
        using (var output = _model.Run(input))
        {
            result = OnnxImage.FromTensor(output, OutputRange);
        }

        if (result.Height != padded.Height * Scale || result.Width != padded.Width * Scale)
        {
            throw new RestorerException($"{Info.Name}: output {result.Height}x{result.Width} is not x{Scale} of the input {padded.Height}x{padded.Width}");
        }

        return result.Height == h * Scale && result.Width == w * Scale ? result : result.Crop(0, 0, h * Scale, w * Scale);
    }

    private static void Validate(OnnxModel model)
    {
        if (model.Inputs.Count != 1 || model.Outputs.Count < 1)
        {
            throw new ArgumentException($"{model.Source}: expected one image input and an image output, got {model.Inputs.Count} input(s) and {model.Outputs.Count} output(s)");
        }

        foreach (var (role, info) in new[] { ("input", model.Inputs[0]), ("output", model.Outputs[0]) })
        {
            var channels = info.Rank == 4 ? info.Shape[1] : default;
            if (info.ElementType != TensorElementType.Float || info.Rank != 4 || (!channels.IsDynamic && channels.Value != 3))
            {
                throw new ArgumentException($"{model.Source}: {role} '{info.Name}' must be float32 [N,3,H,W] (NCHW RGB), got {info.ElementType} {info.ShapeText}");
            }
        }
    }

    private int ProbeScale()
    {
        const int probe = 16;
        var image = new ImageTensor(3, probe, probe);
        image.Data.Fill(0.5);
        var padded = FixedSize is { } size ? Pad(image, size.Height, size.Width, PadMode) : Pad(image, RoundUp(probe, PadMultiple), RoundUp(probe, PadMultiple), PadMode);
        using var input = OnnxImage.ToTensor(padded, InputRange);
        using var output = _model.Run(input);
        var shape = output.GetTensorTypeAndShape().Shape;
        if (shape.Length != 4 || shape[2] % padded.Height != 0 || shape[2] / padded.Height != shape[3] / padded.Width)
        {
            throw new ArgumentException($"{_model.Source}: cannot detect the scale: a {padded.Height}x{padded.Width} input gave [{string.Join(",", shape)}]; pass --scale");
        }

        return (int)(shape[2] / padded.Height);
    }

    private static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;

    /// <summary>Padding at the bottom and right, filled by <paramref name="mode"/> (mirrored as often as needed when the padding is wider than the image).</summary>
    private static ImageTensor Pad(ImageTensor image, int height, int width, BorderMode mode)
    {
        if (height == image.Height && width == image.Width)
        {
            return image;
        }

        var result = new ImageTensor(image.Channels, height, width);
        for (var c = 0; c < image.Channels; c++)
        {
            var src = image.ReadPlane(c);
            var dst = result.Plane(c);
            for (var y = 0; y < height; y++)
            {
                var sy = Borders.Map(y, image.Height, mode);
                for (var x = 0; x < width; x++)
                {
                    dst[y * width + x] = src[sy * image.Width + Borders.Map(x, image.Width, mode)];
                }
            }
        }

        return result;
    }
}
