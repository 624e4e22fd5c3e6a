using System.Text.Json;

namespace RestoreBench.Onnx.Zoo;

/// <summary>
/// What a VAE entry of the cache records beside its <c>encoder.onnx</c> and <c>decoder.onnx</c>
/// (the <c>vae</c> object of manifest.json): how to map an image to latents and back (Eq. 5 of the paper,
/// x̃ = D(E(x))). A latent diffusion model works on z = (E(x) − shift) · scaling; the decoder gets
/// z / scaling + shift.
/// </summary>
/// <param name="Family">Architecture family, e.g. <c>taesd</c>.</param>
/// <param name="Variant">Variant within the family, e.g. <c>taef2</c>.</param>
/// <param name="LatentChannels">Channels of the latent.</param>
/// <param name="Downscale">Image size / latent size.</param>
/// <param name="ScalingFactor">Latent scaling factor (1.0 for the tiny autoencoders, 0.18215 for SD 1/2).</param>
/// <param name="ShiftFactor">Latent shift (0 for the tiny autoencoders).</param>
/// <param name="ImageRange">Value range of the encoder's image input and the decoder's image output.</param>
/// <param name="EncoderParameters">Learned parameters of the encoder.</param>
/// <param name="DecoderParameters">Learned parameters of the decoder.</param>
/// <param name="EncoderSha256">SHA-256 (hex) of encoder.onnx.</param>
/// <param name="DecoderSha256">SHA-256 (hex) of decoder.onnx.</param>
public sealed record VaeManifest(
    string Family,
    string Variant,
    int LatentChannels,
    int Downscale,
    double ScalingFactor,
    double ShiftFactor,
    ValueRange ImageRange,
    long EncoderParameters,
    long DecoderParameters,
    string EncoderSha256,
    string DecoderSha256)
{
    internal void Write(Utf8JsonWriter w)
    {
        w.WriteStartObject("vae");
        w.WriteString("family", Family);
        w.WriteString("variant", Variant);
        w.WriteNumber("latent_channels", LatentChannels);
        w.WriteNumber("downscale", Downscale);
        w.WriteNumber("scaling_factor", ScalingFactor);
        w.WriteNumber("shift_factor", ShiftFactor);
        w.WriteString("image_range", ImageRange.ToString());
        w.WriteNumber("encoder_parameters", EncoderParameters);
        w.WriteNumber("decoder_parameters", DecoderParameters);
        w.WriteString("encoder_sha256", EncoderSha256);
        w.WriteString("decoder_sha256", DecoderSha256);
        w.WriteEndObject();
    }

    internal static VaeManifest Read(JsonElement e) => new(
        e.GetProperty("family").GetString() ?? "",
        e.GetProperty("variant").GetString() ?? "",
        e.GetProperty("latent_channels").GetInt32(),
        e.GetProperty("downscale").GetInt32(),
        e.GetProperty("scaling_factor").GetDouble(),
        e.GetProperty("shift_factor").GetDouble(),
        ValueRange.Parse(e.GetProperty("image_range").GetString() ?? ""),
        e.GetProperty("encoder_parameters").GetInt64(),
        e.GetProperty("decoder_parameters").GetInt64(),
        e.GetProperty("encoder_sha256").GetString() ?? "",
        e.GetProperty("decoder_sha256").GetString() ?? "");
}
