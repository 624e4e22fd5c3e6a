using RestoreBench.Core.Text;

namespace RestoreBench.Onnx.Import;

/// <summary>
/// One member of the TAESD family of tiny autoencoders (madebyollin/taesd): the latent space it
/// approximates, its latent channel count and whether its mid blocks carry the GroupNorm "pool" branch.
/// All share the same 8x encoder/decoder layout (64 channels, three stride-2 stages).
/// </summary>
/// <param name="Name">Variant name and file prefix (<c>NAME_encoder.safetensors</c>, <c>NAME_decoder.safetensors</c>).</param>
/// <param name="LatentChannels">Channels of the latent (4 for the SD 1/2 and SDXL spaces, 16 for FLUX.1, 32 for FLUX.2).</param>
/// <param name="MidBlockGroupNorm">
/// True when the last three encoder blocks and the first three decoder blocks first add
/// <c>pool(x)</c> to x, pool = 1x1 conv (n→4n, no bias), GroupNorm(4 groups, 4n), ReLU, 1x1 conv (4n→n, no bias).
/// </param>
/// <param name="LatentSpace">The full-size VAE whose latents the variant reproduces.</param>
public sealed record TaesdVariant(string Name, int LatentChannels, bool MidBlockGroupNorm, string LatentSpace)
{
    /// <summary>Stable Diffusion 1.x / 2.x latent space (4 channels).</summary>
    public static TaesdVariant Taesd { get; } = new("taesd", 4, false, "Stable Diffusion 1/2 VAE");

    /// <summary>SDXL latent space (4 channels).</summary>
    public static TaesdVariant TaesdXl { get; } = new("taesdxl", 4, false, "SDXL VAE");

    /// <summary>FLUX.1 latent space (16 channels).</summary>
    public static TaesdVariant Taef1 { get; } = new("taef1", 16, false, "FLUX.1 VAE");

    /// <summary>FLUX.2 latent space (32 channels, mid-block GroupNorm branch).</summary>
    public static TaesdVariant Taef2 { get; } = new("taef2", 32, true, "FLUX.2 VAE");

    /// <summary>Every supported variant, in catalog order.</summary>
    public static IReadOnlyList<TaesdVariant> All { get; } = [Taesd, TaesdXl, Taef1, Taef2];

    /// <summary>The variant named <paramref name="name"/> (case-insensitive).</summary>
    /// <exception cref="ArgumentException">Unknown name; the message lists the accepted names with a did-you-mean hint.</exception>
    public static TaesdVariant Parse(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        foreach (var v in All)
        {
            if (string.Equals(v.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return v;
            }
        }

        var names = new List<string>();
        foreach (var v in All)
        {
            names.Add(v.Name);
        }

        throw new ArgumentException($"TAESD variant '{name}' is not known (accepted: {string.Join(", ", names)}){NameSuggestion.Hint(name, names)}", nameof(name));
    }

    /// <summary>File name of the encoder weights, e.g. <c>taef2_encoder.safetensors</c>.</summary>
    public string EncoderFileName => Name + "_encoder.safetensors";

    /// <summary>File name of the decoder weights, e.g. <c>taef2_decoder.safetensors</c>.</summary>
    public string DecoderFileName => Name + "_decoder.safetensors";

    /// <summary>One-line architecture description for manifests and <c>models info</c>.</summary>
    public string Architecture =>
        $"TAESD tiny autoencoder ({Name}: {LatentSpace} latent space, {LatentChannels} latent channels, 8x, 64-channel blocks{(MidBlockGroupNorm ? ", mid-block GroupNorm branch" : "")})";
}
