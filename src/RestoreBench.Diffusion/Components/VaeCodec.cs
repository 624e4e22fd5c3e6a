using RestoreBench.Core.Imaging;
using RestoreBench.Onnx.Runtime;

namespace RestoreBench.Diffusion.Components;

/// <summary>
/// The perceptual compression of paper Eq. 5: z = E(x) and x̃ = D(z), over two ONNX graphs.
/// Encode: the RGB image in [0, 1] is mapped to the VAE range, the encoder's output (a latent, or
/// moments [B, 2C, h, w] whose first C channels are the mean) becomes z = (mean − shift)·scaling.
/// Decode: the decoder gets z/scaling + shift and its output is mapped back to [0, 1] (not clipped).
/// Image sides must be multiples of the downscale factor (the pipeline pads). Optional tiling with
/// Gaussian blending (<see cref="GaussianTiling"/>).
/// </summary>
public sealed class VaeCodec : IDisposable
{
    private readonly OnnxModel _encoder;
    private readonly OnnxModel _decoder;
    private readonly string _encoderIn, _encoderOut, _decoderIn, _decoderOut;

    /// <summary>Wraps loaded graphs (owned: disposed with this codec) and checks names and channel counts.</summary>
    /// <exception cref="CldmManifestException">A mapped name does not exist, or the declared channels disagree with <see cref="VaeSpec.LatentChannels"/>.</exception>
    public VaeCodec(OnnxModel encoder, OnnxModel decoder, VaeSpec spec)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentNullException.ThrowIfNull(decoder);
        ArgumentNullException.ThrowIfNull(spec);
        _encoder = encoder;
        _decoder = decoder;
        Spec = spec;
        _encoderIn = OnnxIo.Input(encoder, spec.EncoderInput, "VAE encoder image", spec.Encoder).Name;
        var eo = OnnxIo.Output(encoder, spec.EncoderOutput, "VAE encoder latent", spec.Encoder);
        _encoderOut = eo.Name;
        var di = OnnxIo.Input(decoder, spec.DecoderInput, "VAE decoder latent", spec.Decoder);
        _decoderIn = di.Name;
        _decoderOut = OnnxIo.Output(decoder, spec.DecoderOutput, "VAE decoder image", spec.Decoder).Name;
        var expectedOut = spec.Moments ? 2 * spec.LatentChannels : spec.LatentChannels;
        if (OnnxIo.Channels(eo) is { } ec && ec != expectedOut)
        {
            throw new CldmManifestException($"{spec.Encoder}: the encoder output '{eo.Name}' has {ec} channels; vae.latent_channels {spec.LatentChannels}{(spec.Moments ? " as moments" : "")} needs {expectedOut}");
        }

        if (OnnxIo.Channels(di) is { } dc && dc != spec.LatentChannels)
        {
            throw new CldmManifestException($"{spec.Decoder}: the decoder input '{di.Name}' has {dc} channels, vae.latent_channels is {spec.LatentChannels}");
        }
    }

    /// <summary>The VAE description.</summary>
    public VaeSpec Spec { get; }

    /// <summary>Learned parameters of both graphs.</summary>
    public long ParameterCount => _encoder.ParameterCount + _decoder.ParameterCount;

    /// <summary>z = E(x) (scaled latent), x an RGB image whose sides are multiples of the downscale factor.</summary>
    public LatentTensor Encode(ImageTensor image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var f = Spec.Downscale;
        if (image.Height % f != 0 || image.Width % f != 0)
        {
            throw new ArgumentException($"image {image.ShapeText}: sides must be multiples of the VAE downscale {f}");
        }

        var x = LatentTensor.FromImage(image.ToRgb(), Spec.Range.Min, Spec.Range.Max);
        var z = GaussianTiling.Apply(x, Spec.EncodeTile, 1, f, EncodeTile);
        for (var i = 0; i < z.Data.Length; i++)
        {
            z.Data[i] = (z.Data[i] - Spec.ShiftFactor) * Spec.ScalingFactor;
        }

        return z;
    }

    /// <summary>x̃ = D(z): the decoded RGB image in [0, 1] (not clipped).</summary>
    public ImageTensor Decode(LatentTensor latent)
    {
        ArgumentNullException.ThrowIfNull(latent);
        if (latent.Channels != Spec.LatentChannels)
        {
            throw new ArgumentException($"latent {latent.ShapeText} has {latent.Channels} channels, the VAE expects {Spec.LatentChannels}");
        }

        var z = latent.Clone();
        for (var i = 0; i < z.Data.Length; i++)
        {
            z.Data[i] = z.Data[i] / Spec.ScalingFactor + Spec.ShiftFactor;
        }

        var x = GaussianTiling.Apply(z, Spec.DecodeTile, Spec.Downscale, 1, DecodeTile);
        if (x.Channels != 3)
        {
            throw new InvalidOperationException($"{Spec.Decoder}: the decoder returned {x.Channels} channels, expected 3 (RGB)");
        }

        return x.ToImage(Spec.Range.Min, Spec.Range.Max);
    }

    /// <summary>
    /// D(E(x)): the VAE round trip of paper Eq. 5 (Table 2's "-VAE" rows) for any image size: RGB, the
    /// bottom/right borders edge-padded to a multiple of the downscale factor, cropped back afterwards,
    /// clamped to [0, 1].
    /// </summary>
    public ImageTensor RoundTrip(ImageTensor image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var x = image.ToRgb();
        var y = Decode(Encode(Pipeline.CldmRestorer.PadTo(x, Spec.Downscale)));
        return (y.Height == x.Height && y.Width == x.Width ? y : y.Crop(0, 0, x.Height, x.Width)).ClampInPlace();
    }

    /// <summary>Disposes both graphs.</summary>
    public void Dispose()
    {
        _encoder.Dispose();
        _decoder.Dispose();
    }

    private LatentTensor EncodeTile(LatentTensor x)
    {
        using var input = OnnxIo.ToOrt(x);
        using var outputs = _encoder.Run([_encoderIn], [input], [_encoderOut]);
        var z = OnnxIo.FromOrt(outputs[0], $"VAE encoder {Path.GetFileName(Spec.Encoder)}");
        var expected = Spec.Moments ? 2 * Spec.LatentChannels : Spec.LatentChannels;
        if (z.Channels != expected || z.Height * Spec.Downscale != x.Height || z.Width * Spec.Downscale != x.Width)
        {
            throw new InvalidOperationException($"{Spec.Encoder}: a {x.ShapeText} input gave a {z.ShapeText} latent; expected {expected}x{x.Height / Spec.Downscale}x{x.Width / Spec.Downscale} (vae.latent_channels, vae.downscale, vae.output_kind)");
        }

        return Spec.Moments ? z.FirstChannels(Spec.LatentChannels) : z;
    }

    private LatentTensor DecodeTile(LatentTensor z)
    {
        using var input = OnnxIo.ToOrt(z);
        using var outputs = _decoder.Run([_decoderIn], [input], [_decoderOut]);
        var x = OnnxIo.FromOrt(outputs[0], $"VAE decoder {Path.GetFileName(Spec.Decoder)}");
        if (x.Height != z.Height * Spec.Downscale || x.Width != z.Width * Spec.Downscale)
        {
            throw new InvalidOperationException($"{Spec.Decoder}: a {z.ShapeText} latent gave a {x.ShapeText} image; expected {z.Height * Spec.Downscale}x{z.Width * Spec.Downscale} (vae.downscale)");
        }

        return x;
    }
}
