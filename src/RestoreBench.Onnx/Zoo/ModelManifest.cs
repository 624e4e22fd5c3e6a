using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace RestoreBench.Onnx.Zoo;

/// <summary>
/// What the cache knows about a stored model (<c>manifest.json</c> beside <c>model.onnx</c>): how to
/// feed it and where it came from.
/// </summary>
/// <param name="Name">Model name (catalog name or the name given at import).</param>
/// <param name="Task">Task, e.g. <c>super-resolution</c>.</param>
/// <param name="Scale">Output/input size ratio.</param>
/// <param name="InputRange">Value range of the NCHW float32 RGB input.</param>
/// <param name="OutputRange">Value range of the output.</param>
/// <param name="ParameterCount">Learned parameters (initializer elements of model.onnx).</param>
/// <param name="Architecture">Architecture description, or empty.</param>
/// <param name="Licence">Licence, or <c>unknown</c>.</param>
/// <param name="TrainingData">Training data, or <c>unknown</c>.</param>
/// <param name="Origin"><c>catalog</c> (pulled) or <c>import</c>.</param>
/// <param name="Format">Source format: <c>tfjs-layers</c> or <c>onnx</c>.</param>
/// <param name="Source">Package spec (<c>NAME@VERSION</c>) or the imported path.</param>
/// <param name="SourcePath">Path inside the package, or empty.</param>
/// <param name="SourceIntegrity">Integrity of the package tarball, or empty.</param>
/// <param name="OnnxSha256">SHA-256 (hex) of model.onnx.</param>
/// <param name="Converter">Tool that wrote model.onnx.</param>
public sealed record ModelManifest(
    string Name,
    string Task,
    int Scale,
    ValueRange InputRange,
    ValueRange OutputRange,
    long ParameterCount,
    string Architecture,
    string Licence,
    string TrainingData,
    string Origin,
    string Format,
    string Source,
    string SourcePath,
    string SourceIntegrity,
    string OnnxSha256,
    string Converter)
{
    /// <summary>Tensor layout of every stored model.</summary>
    public const string Layout = "NCHW";

    /// <summary>
    /// What the model is for (<see cref="ModelKinds"/>): <c>restorer</c> (the default, also for
    /// manifests written before the field existed), <c>lpips-backbone</c>, <c>dinov2</c>, <c>encoder</c> or <c>vae</c>.
    /// </summary>
    public string Kind { get; init; } = ModelKinds.Restorer;

    /// <summary>
    /// Preprocessing settings recorded at import (<c>--preprocess</c>), as given; empty when none.
    /// Their meaning belongs to the consumer of the kind (e.g. an alignment encoder).
    /// </summary>
    public string Preprocess { get; init; } = "";

    /// <summary>Latent convention and files of a <c>vae</c> entry; null for other kinds.</summary>
    public VaeManifest? Vae { get; init; }

    /// <summary>The manifest as indented JSON (keys in a fixed order; no timestamps, so it is reproducible).</summary>
    public string ToJson()
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteString("name", Name);
            w.WriteString("kind", Kind);
            w.WriteString("task", Task);
            w.WriteNumber("scale", Scale);
            w.WriteString("layout", Layout);
            w.WriteString("input_range", InputRange.ToString());
            w.WriteString("output_range", OutputRange.ToString());
            w.WriteNumber("parameters", ParameterCount);
            w.WriteString("architecture", Architecture);
            w.WriteString("licence", Licence);
            w.WriteString("training_data", TrainingData);
            w.WriteStartObject("source");
            w.WriteString("origin", Origin);
            w.WriteString("format", Format);
            w.WriteString("source", Source);
            w.WriteString("path", SourcePath);
            w.WriteString("integrity", SourceIntegrity);
            w.WriteEndObject();
            w.WriteString("onnx_sha256", OnnxSha256);
            w.WriteString("converter", Converter);
            if (Preprocess.Length > 0)
            {
                w.WriteString("preprocess", Preprocess);
            }

            Vae?.Write(w);

            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    /// <summary>Reads a manifest written by <see cref="ToJson"/>.</summary>
    /// <exception cref="FormatException">Malformed or incomplete JSON; names the missing key.</exception>
    public static ModelManifest FromJson(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var r = document.RootElement;
            var s = r.GetProperty("source");
            return new ModelManifest(
                Text(r, "name"), Text(r, "task"), r.GetProperty("scale").GetInt32(),
                ValueRange.Parse(Text(r, "input_range")), ValueRange.Parse(Text(r, "output_range")),
                r.GetProperty("parameters").GetInt64(), Text(r, "architecture"), Text(r, "licence"), Text(r, "training_data"),
                Text(s, "origin"), Text(s, "format"), Text(s, "source"), Text(s, "path"), Text(s, "integrity"),
                Text(r, "onnx_sha256"), Text(r, "converter"))
            {
                Kind = r.TryGetProperty("kind", out var kind) ? kind.GetString() ?? ModelKinds.Restorer : ModelKinds.Restorer,
                Preprocess = r.TryGetProperty("preprocess", out var pre) ? pre.GetString() ?? "" : "",
                Vae = r.TryGetProperty("vae", out var vae) ? VaeManifest.Read(vae) : null,
            };
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new FormatException($"malformed model manifest ({e.Message})", e);
        }
    }

    private static string Text(JsonElement e, string key) => e.GetProperty(key).GetString() ?? "";

    /// <summary>Parameter count with thousands separators, e.g. <c>7,239,968</c>.</summary>
    public string ParameterText => ParameterCount.ToString("N0", CultureInfo.InvariantCulture);
}

/// <summary>The model kinds the store knows (<see cref="ModelManifest.Kind"/>).</summary>
public static class ModelKinds
{
    /// <summary>An image-to-image restoration network (pulled or imported with <c>models import</c>).</summary>
    public const string Restorer = "restorer";

    /// <summary>An LPIPS feature backbone (five feature maps; see the <c>lpips</c> metric).</summary>
    public const string LpipsBackbone = "lpips-backbone";

    /// <summary>A DINOv2 image encoder (alignment metrics).</summary>
    public const string Dinov2 = "dinov2";

    /// <summary>Any other image encoder producing embeddings (alignment metrics).</summary>
    public const string Encoder = "encoder";

    /// <summary>A variational autoencoder (encoder.onnx + decoder.onnx; <c>models import-taesd</c>), the E/D of a latent diffusion model.</summary>
    public const string Vae = "vae";

    /// <summary>The kinds <c>models import-onnx</c> accepts.</summary>
    public static IReadOnlyList<string> Importable { get; } = [Dinov2, LpipsBackbone, Encoder];
}
