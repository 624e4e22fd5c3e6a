using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace RestoreBench.Reports.Store;

/// <summary>A results store could not be read: missing, not SQLite, wrong schema version, or a malformed row.</summary>
public sealed class ResultsStoreException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// The whole content of a results store (docs/results-store.md, schema version 1), read once through a
/// read-only connection. Paths in it stay as stored; <see cref="Resolve"/> makes them absolute (relative
/// paths are relative to the folder holding the database).
/// </summary>
public sealed class ResultsStore
{
    /// <summary>The only schema version this reader understands.</summary>
    public const string SchemaVersion = "1";

    private ResultsStore(string path)
    {
        StorePath = Path.GetFullPath(path);
        Folder = Path.GetDirectoryName(StorePath)!;
    }

    /// <summary>Absolute path of the database file.</summary>
    public string StorePath { get; }

    /// <summary>The folder holding the database: relative paths in it are relative to this folder.</summary>
    public string Folder { get; }

    /// <summary>The <c>meta</c> table.</summary>
    public IReadOnlyDictionary<string, string> Meta { get; private set; } = new Dictionary<string, string>();

    /// <summary>The <c>runs</c> table, by start time.</summary>
    public IReadOnlyList<RunInfo> Runs { get; private set; } = [];

    /// <summary>The <c>metrics</c> table, by name.</summary>
    public IReadOnlyDictionary<string, MetricInfo> Metrics { get; private set; } = new Dictionary<string, MetricInfo>();

    /// <summary>The <c>tasks</c> table, in report order (group, then sweep value, then name).</summary>
    public IReadOnlyList<TaskInfo> Tasks { get; private set; } = [];

    /// <summary>The <c>samples</c> table, by task then image then seed.</summary>
    public IReadOnlyList<SampleInfo> Samples { get; private set; } = [];

    /// <summary>The <c>restorers</c> table in report order: the <c>lq</c> row first, then by name (ordinal).</summary>
    public IReadOnlyList<RestorerInfo> Restorers { get; private set; } = [];

    /// <summary>The <c>outputs</c> table.</summary>
    public IReadOnlyList<OutputInfo> Outputs { get; private set; } = [];

    /// <summary>The <c>scores</c> table.</summary>
    public IReadOnlyList<ScoreRow> Scores { get; private set; } = [];

    /// <summary>A stored path made absolute: relative paths are taken from the database's folder.</summary>
    public string Resolve(string storedPath) => Path.IsPathRooted(storedPath) ? storedPath : Path.GetFullPath(Path.Combine(Folder, storedPath));

    /// <summary>Reads a store through a read-only connection (the file is never modified).</summary>
    /// <exception cref="ResultsStoreException">The file is missing, is not a schema-1 results store, or a row breaks the schema; the message is one line naming the file.</exception>
    public static ResultsStore Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new ResultsStoreException($"{path}: no such results store");
        }

        var store = new ResultsStore(path);
        var builder = new SqliteConnectionStringBuilder { DataSource = store.StorePath, Mode = SqliteOpenMode.ReadOnly, Pooling = false };
        try
        {
            using var connection = new SqliteConnection(builder.ToString());
            connection.Open();
            store.Load(connection);
        }
        catch (SqliteException e)
        {
            throw new ResultsStoreException($"{path}: not a readable results store ({e.Message.ReplaceLineEndings(" ")})", e);
        }
        catch (Exception e) when (e is FormatException or InvalidCastException or JsonException)
        {
            throw new ResultsStoreException($"{path}: a row breaks the schema ({e.Message.ReplaceLineEndings(" ")})", e);
        }

        return store;
    }

    private void Load(SqliteConnection c)
    {
        var meta = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var r in Rows(c, "SELECT key, value FROM meta"))
        {
            meta[r.GetString(0)] = r.GetString(1);
        }

        if (!meta.TryGetValue("schema_version", out var version))
        {
            throw new ResultsStoreException($"{StorePath}: meta has no schema_version (not a results store)");
        }

        if (version != SchemaVersion)
        {
            throw new ResultsStoreException($"{StorePath}: schema_version {version} is not supported (this reader understands {SchemaVersion})");
        }

        Meta = meta;
        Runs = [.. Rows(c, "SELECT run_id, started_utc, finished_utc, spec_yaml, spec_hash, shard, machine_json, warnings_json FROM runs ORDER BY started_utc, run_id")
            .Select(r => new RunInfo(r.GetString(0), r.GetString(1), Str(r, 2), r.GetString(3), r.GetString(4), Str(r, 5), r.GetString(6),
                JsonSerializer.Deserialize<List<string>>(r.GetString(7)) ?? []))];
        Metrics = Rows(c, "SELECT metric, kind, direction, description FROM metrics")
            .Select(r => new MetricInfo(r.GetString(0), r.GetString(1), ParseDirection(r.GetString(0), r.GetString(2)), r.GetString(3)))
            .ToDictionary(m => m.Metric, StringComparer.Ordinal);
        Tasks = [.. Rows(c, "SELECT task, task_group, degradation, sweep_parameter, sweep_value FROM tasks")
            .Select(r => new TaskInfo(r.GetString(0), r.GetString(1), Str(r, 2), Str(r, 3), Real(r, 4)))
            .OrderBy(t => t.TaskGroup, StringComparer.Ordinal).ThenBy(t => t.SweepValue ?? double.NegativeInfinity).ThenBy(t => t.Task, StringComparer.Ordinal)];
        Samples = [.. Rows(c, "SELECT sample_id, dataset, image, task, seed, gt_file, lq_file, width, height, alpha, beta, gamma FROM samples ORDER BY task, image, seed, dataset, sample_id")
            .Select(r => new SampleInfo(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetInt64(4), Str(r, 5), r.GetString(6),
                r.GetInt32(7), r.GetInt32(8), Real(r, 9), Real(r, 10), Real(r, 11)))];
        Restorers = [.. Rows(c, "SELECT restorer, kind, family, knobs_json, parameters, settings_json, config_hash FROM restorers")
            .Select(r => new RestorerInfo(r.GetString(0), r.GetString(1), r.GetString(2), ParseKnobs(r.GetString(3)), r.GetString(3),
                r.IsDBNull(4) ? null : r.GetInt64(4), r.GetString(5), r.GetString(6)))
            .OrderBy(r => r.Kind == "lq" ? 0 : 1).ThenBy(r => r.Restorer, StringComparer.Ordinal)];
        Outputs = [.. Rows(c, "SELECT sample_id, restorer, status, file, latency_ms, peak_memory_bytes, error FROM outputs ORDER BY sample_id, restorer")
            .Select(r => new OutputInfo(r.GetString(0), r.GetString(1), ParseStatus(r.GetString(2)), Str(r, 3), Real(r, 4),
                r.IsDBNull(5) ? null : r.GetInt64(5), Str(r, 6)))];
        var keys = new Dictionary<(string, string), MetricKey>();
        Scores = [.. Rows(c, "SELECT sample_id, restorer, metric, options, value, error FROM scores ORDER BY sample_id, restorer, metric, options")
            .Select(r =>
            {
                var id = (r.GetString(2), r.GetString(3));
                if (!keys.TryGetValue(id, out var key))
                {
                    key = new MetricKey(id.Item1, id.Item2);
                    keys[id] = key;
                }

                return new ScoreRow(r.GetString(0), r.GetString(1), key, Real(r, 4), Str(r, 5));
            })];
    }

    private static IEnumerable<SqliteDataReader> Rows(SqliteConnection c, string sql)
    {
        using var command = c.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            yield return reader;
        }
    }

    private static string? Str(SqliteDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    private static double? Real(SqliteDataReader r, int i) => r.IsDBNull(i) ? null : r.GetDouble(i);

    private static Direction ParseDirection(string metric, string text) => text switch
    {
        "higher" => Direction.Higher,
        "lower" => Direction.Lower,
        _ => throw new FormatException($"metric {metric}: direction '{text}' is neither 'higher' nor 'lower'"),
    };

    private static bool ParseStatus(string text) => text switch
    {
        "ok" => true,
        "failed" => false,
        _ => throw new FormatException($"outputs.status '{text}' is neither 'ok' nor 'failed'"),
    };

    private static Dictionary<string, string> ParseKnobs(string json)
    {
        var knobs = new Dictionary<string, string>(StringComparer.Ordinal);
        using var doc = JsonDocument.Parse(json);
        foreach (var p in doc.RootElement.EnumerateObject())
        {
            knobs[p.Name] = p.Value.ValueKind switch
            {
                JsonValueKind.String => p.Value.GetString()!,
                JsonValueKind.Number => p.Value.GetDouble().ToString("R", CultureInfo.InvariantCulture),
                _ => p.Value.GetRawText(),
            };
        }

        return knobs;
    }
}
