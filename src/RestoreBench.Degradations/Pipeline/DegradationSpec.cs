using System.Globalization;
using System.Text;
using System.Text.Json;
using RestoreBench.Core.Imaging;
using RestoreBench.Core.Randomness;
using RestoreBench.Core.Text;

namespace RestoreBench.Degradations.Pipeline;

/// <summary>
/// An immutable degradation pipeline: stages applied in order, normally the order of Eq. 1
/// (blur → down → noise → jpeg; the two-stage blind model repeats it). Compact form:
/// <c>blur(sigma=1)|down(scale=2)|noise(sigma=10)|jpeg(quality=30)</c>; JSON form:
/// <c>{"stages":[{"op":"blur","sigma":1},...]}</c>. Both round-trip exactly.
/// </summary>
public sealed class DegradationSpec : IEquatable<DegradationSpec>
{
    private static readonly string[] KnownOps = ["blur", "down", "fit", "noise", "poisson", "jpeg"];
    private readonly string _text;

    /// <summary>Creates a spec from stages (at least one).</summary>
    public DegradationSpec(IReadOnlyList<DegradationStage> stages)
    {
        if (stages.Count == 0)
        {
            throw new ArgumentException("A degradation spec needs at least one stage.", nameof(stages));
        }

        Stages = stages.ToArray();
        _text = string.Join("|", Stages);
    }

    /// <summary>The stages in application order.</summary>
    public IReadOnlyList<DegradationStage> Stages { get; }

    /// <summary>
    /// α of Eq. 1 and Eq. 12: the total downsampling factor, the product of the resampling factors
    /// (a <c>fit</c> stage resets it to its own scale, which is relative to the pipeline input).
    /// </summary>
    public double Alpha
    {
        get
        {
            var alpha = 1.0;
            foreach (var stage in Stages)
            {
                alpha = stage is FitStage fit ? fit.Factor : alpha * stage.DownscaleFactor;
            }

            return alpha;
        }
    }

    /// <summary>
    /// The linear, noise-free part (blur and resampling stages, in order) used for degradation
    /// consistency, or null when the spec has none.
    /// </summary>
    public DegradationSpec? LinearPart()
    {
        var stages = new List<DegradationStage>();
        foreach (var stage in Stages)
        {
            if (stage.IsLinearOperator)
            {
                stages.Add(stage);
            }
        }

        return stages.Count == 0 ? null : new DegradationSpec(stages);
    }

    /// <summary>
    /// Applies every stage to <paramref name="image"/>. Stage i draws from
    /// <c>SeededRandom.Derive(seed, imageId, "degrade/{i}/{op}")</c>, so the result depends only on
    /// (spec, seed, image id, image).
    /// </summary>
    public ImageTensor Apply(ImageTensor image, long seed, string imageId)
    {
        var current = image;
        for (var i = 0; i < Stages.Count; i++)
        {
            var stage = Stages[i];
            current = stage.Apply(current, SeededRandom.Derive(seed, imageId, $"degrade/{i}/{stage.Op}"), image.Height, image.Width);
        }

        return current;
    }

    /// <summary>Parses the compact form. Errors name the stage and the parameter.</summary>
    /// <exception cref="FormatException">The text is not a valid spec.</exception>
    public static DegradationSpec Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var stages = new List<DegradationStage>();
        foreach (var raw in text.Split('|'))
        {
            var part = raw.Trim();
            if (part.Length == 0)
            {
                throw new FormatException($"empty stage in spec '{text}'");
            }

            var open = part.IndexOf('(', StringComparison.Ordinal);
            string op;
            var values = new Dictionary<string, string>(StringComparer.Ordinal);
            if (open < 0)
            {
                op = part;
            }
            else
            {
                if (!part.EndsWith(')'))
                {
                    throw new FormatException($"stage '{part}' must end with ')'");
                }

                op = part[..open].Trim();
                var inner = part[(open + 1)..^1];
                foreach (var pair in inner.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    var eq = pair.IndexOf('=', StringComparison.Ordinal);
                    if (eq <= 0 || eq == pair.Length - 1)
                    {
                        throw new FormatException($"{op}: expected key=value, got '{pair}'");
                    }

                    var key = pair[..eq].Trim();
                    if (!values.TryAdd(key, pair[(eq + 1)..].Trim()))
                    {
                        throw new FormatException($"{op}: parameter '{key}' given twice");
                    }
                }
            }

            stages.Add(CreateStage(op, values));
        }

        return new DegradationSpec(stages);
    }

    /// <summary>Parses the JSON form <c>{"stages":[{"op":"blur","sigma":1}, ...]}</c>.</summary>
    /// <exception cref="FormatException">The JSON is not a valid spec.</exception>
    public static DegradationSpec FromJson(string json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            return FromJson(doc.RootElement);
        }
        catch (JsonException e)
        {
            throw new FormatException("invalid degradation spec JSON: " + e.Message, e);
        }
    }

    /// <summary>Parses a JSON element holding the JSON form.</summary>
    public static DegradationSpec FromJson(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty("stages", out var stagesElement) || stagesElement.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException("degradation spec JSON must be an object with a 'stages' array");
        }

        var stages = new List<DegradationStage>();
        foreach (var item in stagesElement.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object || !item.TryGetProperty("op", out var opElement) || opElement.ValueKind != JsonValueKind.String)
            {
                throw new FormatException("each stage must be an object with a string 'op'");
            }

            var values = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var property in item.EnumerateObject())
            {
                if (property.Name == "op")
                {
                    continue;
                }

                values[property.Name] = property.Value.ValueKind switch
                {
                    JsonValueKind.Number => property.Value.GetRawText(),
                    JsonValueKind.String => property.Value.GetString()!,
                    JsonValueKind.True => "true",
                    JsonValueKind.False => "false",
                    _ => throw new FormatException($"{opElement.GetString()}: parameter '{property.Name}' must be a number, string or boolean"),
                };
            }

            stages.Add(CreateStage(opElement.GetString()!, values));
        }

        return new DegradationSpec(stages);
    }

    /// <summary>Writes the JSON form into an open writer.</summary>
    public void WriteJson(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteStartArray("stages");
        foreach (var stage in Stages)
        {
            writer.WriteStartObject();
            writer.WriteString("op", stage.Op);
            foreach (var (key, value) in stage.Parameters)
            {
                if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
                {
                    writer.WritePropertyName(key);
                    writer.WriteRawValue(value);
                }
                else if (value is "true" or "false")
                {
                    writer.WriteBoolean(key, value == "true");
                }
                else
                {
                    writer.WriteString(key, value);
                }
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    /// <summary>The JSON form as a string.</summary>
    public string ToJson()
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            WriteJson(writer);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>The canonical compact form.</summary>
    public override string ToString() => _text;

    /// <inheritdoc/>
    public bool Equals(DegradationSpec? other) => other is not null && other._text == _text;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as DegradationSpec);

    /// <inheritdoc/>
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(_text);

    private static DegradationStage CreateStage(string op, Dictionary<string, string> values)
    {
        var p = new StageParameters(op, values);
        return op switch
        {
            "blur" => GaussianBlurStage.Create(p),
            "down" => DownsampleStage.Create(p),
            "fit" => FitStage.Create(p),
            "noise" => GaussianNoiseStage.Create(p),
            "poisson" => PoissonNoiseStage.Create(p),
            "jpeg" => JpegStage.Create(p),
            _ => throw new FormatException($"unknown degradation '{op}'{NameSuggestion.Hint(op, KnownOps)} (accepted: {string.Join(", ", KnownOps)})"),
        };
    }
}
