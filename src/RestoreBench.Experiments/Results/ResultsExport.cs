using System.Globalization;
using System.Text;
using System.Text.Json;
using RestoreBench.Experiments.Store;

namespace RestoreBench.Experiments.Results;

/// <summary>One tidy row: one score with everything that identifies it.</summary>
public sealed record TidyScore(string Dataset, string Image, string Task, string TaskGroup, string? SweepParameter, double? SweepValue, long Seed,
    double? Alpha, double? Beta, double? Gamma, string Restorer, string Kind, string Family, string KnobsJson, string Metric, string Options,
    string Direction, double? Value, string? Error);

/// <summary>
/// Tidy exports of a store (one row per score; docs/experiments.md). Numbers use the invariant
/// culture with round-trip precision; +Infinity is written <c>inf</c> (CSV) / <c>"Infinity"</c> (JSON);
/// an undefined value is empty (CSV) / null (JSON) with the reason in <c>error</c>.
/// </summary>
public static class ResultsExport
{
    /// <summary>CSV header, in column order.</summary>
    public static readonly string[] Columns =
    [
        "dataset", "image", "task", "task_group", "sweep_parameter", "sweep_value", "seed", "alpha", "beta", "gamma",
        "restorer", "kind", "family", "knobs", "metric", "options", "direction", "value", "error",
    ];

    /// <summary>Every score, ordered by task, dataset, image, seed, restorer, metric, options (ordinal).</summary>
    public static List<TidyScore> Read(ResultsStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        return store.Query("""
            SELECT s.dataset, s.image, s.task, t.task_group, t.sweep_parameter, t.sweep_value, s.seed, s.alpha, s.beta, s.gamma,
                   c.restorer, r.kind, r.family, r.knobs_json, c.metric, c.options, m.direction, c.value, c.error
            FROM scores c JOIN samples s ON s.sample_id = c.sample_id JOIN tasks t ON t.task = s.task
                 JOIN restorers r ON r.restorer = c.restorer JOIN metrics m ON m.metric = c.metric
            ORDER BY s.task, s.dataset, s.image, s.seed, c.restorer, c.metric, c.options
            """, r => new TidyScore(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), ResultsStore.Str(r, 4), ResultsStore.Dbl(r, 5),
            r.GetInt64(6), ResultsStore.Dbl(r, 7), ResultsStore.Dbl(r, 8), ResultsStore.Dbl(r, 9), r.GetString(10), r.GetString(11), r.GetString(12),
            r.GetString(13), r.GetString(14), r.GetString(15), r.GetString(16), ResultsStore.Dbl(r, 17), ResultsStore.Str(r, 18)));
    }

    /// <summary>Writes the tidy CSV (RFC 4180 quoting, '\n' line ends).</summary>
    public static void WriteCsv(IReadOnlyList<TidyScore> rows, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write(string.Join(',', Columns) + "\n");
        var sb = new StringBuilder();
        foreach (var r in rows)
        {
            sb.Clear();
            object?[] cells = [r.Dataset, r.Image, r.Task, r.TaskGroup, r.SweepParameter, r.SweepValue, r.Seed, r.Alpha, r.Beta, r.Gamma,
                r.Restorer, r.Kind, r.Family, r.KnobsJson, r.Metric, r.Options, r.Direction, r.Value, r.Error];
            for (var i = 0; i < cells.Length; i++)
            {
                if (i > 0)
                {
                    sb.Append(',');
                }

                sb.Append(Csv(cells[i]));
            }

            sb.Append('\n');
            writer.Write(sb.ToString());
        }
    }

    /// <summary>Writes the tidy JSON: an array of objects with the CSV's column names.</summary>
    public static void WriteJson(IReadOnlyList<TidyScore> rows, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(rows);
        using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        w.WriteStartArray();
        foreach (var r in rows)
        {
            w.WriteStartObject();
            w.WriteString("dataset", r.Dataset);
            w.WriteString("image", r.Image);
            w.WriteString("task", r.Task);
            w.WriteString("task_group", r.TaskGroup);
            w.WriteString("sweep_parameter", r.SweepParameter);
            Number(w, "sweep_value", r.SweepValue);
            w.WriteNumber("seed", r.Seed);
            Number(w, "alpha", r.Alpha);
            Number(w, "beta", r.Beta);
            Number(w, "gamma", r.Gamma);
            w.WriteString("restorer", r.Restorer);
            w.WriteString("kind", r.Kind);
            w.WriteString("family", r.Family);
            w.WritePropertyName("knobs");
            w.WriteRawValue(r.KnobsJson);
            w.WriteString("metric", r.Metric);
            w.WriteString("options", r.Options);
            w.WriteString("direction", r.Direction);
            Number(w, "value", r.Value);
            w.WriteString("error", r.Error);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private static void Number(Utf8JsonWriter w, string name, double? value)
    {
        if (value is not { } v)
        {
            w.WriteNull(name);
        }
        else if (double.IsFinite(v))
        {
            w.WriteNumber(name, v);
        }
        else
        {
            w.WriteString(name, double.IsPositiveInfinity(v) ? "Infinity" : "-Infinity");
        }
    }

    private static string Csv(object? value) => value switch
    {
        null => "",
        double d when double.IsPositiveInfinity(d) => "inf",
        double d when double.IsNegativeInfinity(d) => "-inf",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        long l => l.ToString(CultureInfo.InvariantCulture),
        string s when s.IndexOfAny([',', '"', '\n', '\r']) >= 0 => "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"",
        string s => s,
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };
}
