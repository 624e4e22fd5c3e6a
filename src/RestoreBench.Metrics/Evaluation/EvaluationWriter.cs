using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace RestoreBench.Metrics.Evaluation;

/// <summary>
/// Writes an <see cref="EvaluationReport"/> as JSON or CSV. Infinite scores are written as the bare
/// JSON token <c>Infinity</c> (as Python's json module reads and writes them), never as a string;
/// NaN as <c>NaN</c>.
/// </summary>
public static class EvaluationWriter
{
    /// <summary>
    /// JSON: <c>{ "settings": {...}, "images": [ { "name", "scores": {METRIC: VALUE}, "errors": [...], "warnings": [...] } ],
    /// "summary": { METRIC: { "mean", "std", "n", "infinite" } }, "perception_distortion": {...}|null, "unmatched": {...}, "notes": [...] }</c>.
    /// </summary>
    public static string ToJson(EvaluationReport report)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WritePropertyName("settings");
            w.WriteStartObject();
            foreach (var (key, value) in report.Settings)
            {
                w.WritePropertyName(key);
                JsonSerializer.Serialize(w, value);
            }

            w.WriteEndObject();
            w.WriteStartArray("images");
            foreach (var image in report.Images)
            {
                w.WriteStartObject();
                w.WriteString("name", image.Name);
                w.WriteStartObject("scores");
                foreach (var (metric, value) in image.Scores)
                {
                    w.WritePropertyName(metric);
                    WriteNumber(w, value);
                }

                w.WriteEndObject();
                WriteStrings(w, "errors", image.Errors);
                WriteStrings(w, "warnings", image.Warnings);
                if (image.Details.Count > 0)
                {
                    w.WriteStartObject("details");
                    foreach (var (key, value) in image.Details)
                    {
                        w.WriteString(key, value);
                    }

                    w.WriteEndObject();
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartObject("summary");
            foreach (var (metric, s) in report.Summary)
            {
                w.WriteStartObject(metric);
                w.WritePropertyName("mean");
                WriteNumber(w, s.Mean);
                w.WritePropertyName("std");
                WriteNumber(w, s.Std);
                w.WriteNumber("n", s.N);
                w.WriteNumber("infinite", s.Infinite);
                w.WriteEndObject();
            }

            w.WriteEndObject();
            w.WritePropertyName("perception_distortion");
            if (report.PerceptionDistortion is { } p)
            {
                w.WriteStartObject();
                w.WriteString("distortion_metric", p.DistortionMetric);
                w.WritePropertyName("distortion");
                WriteNumber(w, p.Distortion);
                w.WriteString("perception_metric", p.PerceptionMetric);
                w.WritePropertyName("perception");
                WriteNumber(w, p.Perception);
                w.WriteEndObject();
            }
            else
            {
                w.WriteNullValue();
            }

            w.WriteStartObject("unmatched");
            foreach (var (role, names) in report.Unmatched)
            {
                WriteStrings(w, role, names);
            }

            w.WriteEndObject();
            WriteStrings(w, "notes", report.Notes);
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    /// <summary>CSV: header <c>name,METRIC1,METRIC2,...</c>, one row per image; a failed metric is an empty cell; values in invariant "R" format.</summary>
    public static string ToCsv(EvaluationReport report)
    {
        var sb = new StringBuilder();
        sb.Append("name");
        foreach (var (metric, _) in report.Summary)
        {
            sb.Append(',').Append(metric);
        }

        sb.Append('\n');
        foreach (var image in report.Images)
        {
            sb.Append(Escape(image.Name));
            foreach (var (metric, _) in report.Summary)
            {
                sb.Append(',');
                foreach (var (name, value) in image.Scores)
                {
                    if (name == metric)
                    {
                        sb.Append(Format(value));
                    }
                }
            }

            sb.Append('\n');
        }

        return sb.ToString();
    }

    private static string Format(double value) =>
        double.IsPositiveInfinity(value) ? "Infinity" :
        double.IsNegativeInfinity(value) ? "-Infinity" :
        double.IsNaN(value) ? "NaN" : value.ToString("R", CultureInfo.InvariantCulture);

    private static void WriteNumber(Utf8JsonWriter w, double value)
    {
        if (double.IsFinite(value))
        {
            w.WriteNumberValue(value);
        }
        else
        {
            w.WriteRawValue(Format(value), skipInputValidation: true);
        }
    }

    private static void WriteStrings(Utf8JsonWriter w, string name, IReadOnlyList<string> values)
    {
        w.WriteStartArray(name);
        foreach (var v in values)
        {
            w.WriteStringValue(v);
        }

        w.WriteEndArray();
    }

    private static string Escape(string field) =>
        field.Contains(',', StringComparison.Ordinal) || field.Contains('"', StringComparison.Ordinal) || field.Contains('\n', StringComparison.Ordinal)
            ? "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""
            : field;
}
