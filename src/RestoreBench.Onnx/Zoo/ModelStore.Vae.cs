using RestoreBench.Onnx.Import;

namespace RestoreBench.Onnx.Zoo;

/// <summary>VAE entries of the cache: <c>models/NAME/</c> holding encoder.onnx, decoder.onnx and manifest.json (kind <c>vae</c>).</summary>
public sealed partial class ModelStore
{
    /// <summary>
    /// Builds the ONNX encoder and decoder of a TAESD-family autoencoder from
    /// <c>VARIANT_encoder.safetensors</c> and <c>VARIANT_decoder.safetensors</c> in
    /// <paramref name="directory"/> (see <see cref="TaesdImporter"/>) and stores them under
    /// <see cref="ModelImportRequest.Name"/> as a <c>vae</c> entry (scale 1, image range [0, 1],
    /// latent scaling factor 1.0, shift 0).
    /// </summary>
    /// <exception cref="ModelStoreException">Bad or taken name.</exception>
    /// <exception cref="ModelImportException">The weights are missing, malformed, or do not fit the variant (missing keys listed).</exception>
    public InstalledModel ImportTaesd(string directory, TaesdVariant variant, ModelImportRequest request)
    {
        ArgumentNullException.ThrowIfNull(variant);
        ArgumentNullException.ThrowIfNull(request);
        var name = CheckImportName(request);
        var models = TaesdImporter.ImportDirectory(directory, variant);
        var work = NewTempFolder("import");
        try
        {
            var staging = Path.Combine(work, "model");
            Directory.CreateDirectory(staging);
            File.WriteAllBytes(Path.Combine(staging, InstalledModel.EncoderFile), models.Encoder);
            File.WriteAllBytes(Path.Combine(staging, InstalledModel.DecoderFile), models.Decoder);
            var vae = new VaeManifest("taesd", variant.Name, variant.LatentChannels, TaesdImporter.Downscale,
                TaesdImporter.ScalingFactor, TaesdImporter.ShiftFactor, ValueRange.Unit,
                models.EncoderParameters, models.DecoderParameters, Sha256(models.Encoder), Sha256(models.Decoder));
            var manifest = new ModelManifest(name, ModelKinds.Vae, 1, ValueRange.Unit, ValueRange.Unit,
                models.EncoderParameters + models.DecoderParameters,
                request.Architecture.Length > 0 ? request.Architecture : variant.Architecture,
                request.Licence, request.TrainingData, "import", "safetensors", Path.GetFullPath(directory),
                $"{variant.EncoderFileName}, {variant.DecoderFileName}", "", "", Converter("taesd-safetensors"))
            {
                Kind = ModelKinds.Vae,
                Vae = vae,
            };
            File.WriteAllText(Path.Combine(staging, "manifest.json"), manifest.ToJson());
            return Install(staging, name, replace: request.Force);
        }
        finally
        {
            DeleteQuietly(work);
        }
    }

    private static bool IsVaeFolder(string folder) =>
        File.Exists(Path.Combine(folder, InstalledModel.EncoderFile)) && File.Exists(Path.Combine(folder, InstalledModel.DecoderFile));
}
