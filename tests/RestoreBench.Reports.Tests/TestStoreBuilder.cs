using System.Globalization;
using Microsoft.Data.Sqlite;

namespace RestoreBench.Reports.Tests;

/// <summary>
/// Writes a results store (docs/results-store.md, schema version 1) row by row in one transaction, the way
/// the experiment runner does, so the reports can be tested without the runner. Dispose commits.
/// </summary>
internal sealed class TestStoreBuilder : IDisposable
{
    public const string Schema = """
        CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE runs(run_id TEXT PRIMARY KEY, started_utc TEXT NOT NULL, finished_utc TEXT, spec_yaml TEXT NOT NULL, spec_hash TEXT NOT NULL,
          shard TEXT, machine_json TEXT NOT NULL, warnings_json TEXT NOT NULL);
        CREATE TABLE metrics(metric TEXT PRIMARY KEY, kind TEXT NOT NULL, direction TEXT NOT NULL, description TEXT NOT NULL);
        CREATE TABLE tasks(task TEXT PRIMARY KEY, task_group TEXT NOT NULL, degradation TEXT, sweep_parameter TEXT, sweep_value REAL);
        CREATE TABLE samples(sample_id TEXT PRIMARY KEY, dataset TEXT NOT NULL, image TEXT NOT NULL, task TEXT NOT NULL REFERENCES tasks(task),
          seed INTEGER NOT NULL, gt_file TEXT, lq_file TEXT NOT NULL, width INTEGER NOT NULL, height INTEGER NOT NULL,
          alpha REAL, beta REAL, gamma REAL, UNIQUE(dataset, image, task, seed));
        CREATE TABLE restorers(restorer TEXT PRIMARY KEY, kind TEXT NOT NULL, family TEXT NOT NULL, knobs_json TEXT NOT NULL, parameters INTEGER,
          settings_json TEXT NOT NULL, config_hash TEXT NOT NULL);
        CREATE TABLE outputs(sample_id TEXT NOT NULL REFERENCES samples(sample_id), restorer TEXT NOT NULL REFERENCES restorers(restorer),
          status TEXT NOT NULL, file TEXT, hash TEXT, latency_ms REAL, peak_memory_bytes INTEGER, error TEXT, PRIMARY KEY(sample_id, restorer));
        CREATE TABLE scores(sample_id TEXT NOT NULL, restorer TEXT NOT NULL, metric TEXT NOT NULL REFERENCES metrics(metric),
          options TEXT NOT NULL DEFAULT '', value REAL, error TEXT, PRIMARY KEY(sample_id, restorer, metric, options));
        """;

    private readonly SqliteConnection _connection;
    private SqliteTransaction? _transaction;
    private SqliteCommand? _score;

    public TestStoreBuilder(string path, string schemaVersion = "1")
    {
        Path = path;
        _connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        _connection.Open();
        Exec("PRAGMA journal_mode=WAL");
        _transaction = _connection.BeginTransaction();
        Exec(Schema);
        Meta("schema_version", schemaVersion);
        Meta("created_utc", "2026-11-23T04:00:00Z");
        Meta("restorebench_version", "0.1.0");
    }

    public string Path { get; }

    public void Meta(string key, string value) => Exec("INSERT OR REPLACE INTO meta VALUES($a,$b)", key, value);

    public void Run(string runId, string spec, string machineJson, string warningsJson = "[]", string? finished = "2026-11-23T04:10:00Z") =>
        Exec("INSERT INTO runs VALUES($a,$b,$c,$d,$e,$f,$g,$h)", runId, "2026-11-23T04:00:00Z", finished, spec, new string('a', 64), null, machineJson, warningsJson);

    public void Metric(string metric, string kind, string direction, string description = "") =>
        Exec("INSERT INTO metrics VALUES($a,$b,$c,$d)", metric, kind, direction, description);

    public void Task(string task, string group, string? degradation, string? sweepParameter = null, double? sweepValue = null) =>
        Exec("INSERT INTO tasks VALUES($a,$b,$c,$d,$e)", task, group, degradation, sweepParameter, sweepValue);

    public void Sample(string id, string image, string task, string? gtFile, string lqFile, int width, int height, double? alpha = null, double? beta = null, double? gamma = null, string dataset = "set") =>
        Exec("INSERT INTO samples VALUES($a,$b,$c,$d,$e,$f,$g,$h,$i,$j,$k,$l)", id, dataset, image, task, 7L, gtFile, lqFile, width, height, alpha, beta, gamma);

    public void Restorer(string name, string kind, string family, string knobsJson = "{}", long? parameters = null) =>
        Exec("INSERT INTO restorers VALUES($a,$b,$c,$d,$e,$f,$g)", name, kind, family, knobsJson, parameters, "{}", new string('b', 64));

    public void Output(string sampleId, string restorer, string? file, double? latencyMs = 10, string? error = null) =>
        Exec("INSERT INTO outputs VALUES($a,$b,$c,$d,$e,$f,$g,$h)", sampleId, restorer, error is null ? "ok" : "failed", file, file is null ? null : new string('c', 64), latencyMs, 1L << 26, error);

    public void Score(string sampleId, string restorer, string metric, double? value, string options = "", string? error = null)
    {
        if (_score is null)
        {
            _score = _connection.CreateCommand();
            _score.Transaction = _transaction;
            _score.CommandText = "INSERT INTO scores VALUES($a,$b,$c,$d,$e,$f)";
            foreach (var p in new[] { "$a", "$b", "$c", "$d", "$e", "$f" })
            {
                _score.Parameters.Add(new SqliteParameter { ParameterName = p });
            }
        }

        object?[] values = [sampleId, restorer, metric, options, value, error];
        for (var i = 0; i < values.Length; i++)
        {
            _score.Parameters[i].Value = values[i] ?? DBNull.Value;
        }

        _score.ExecuteNonQuery();
    }

    public void Dispose()
    {
        _score?.Dispose();
        _transaction!.Commit();
        _transaction.Dispose();
        _transaction = null;
        Exec("PRAGMA wal_checkpoint(TRUNCATE)");
        _connection.Dispose();
    }

    private void Exec(string sql, params object?[] args)
    {
        using var command = _connection.CreateCommand();
        command.Transaction = _transaction;
        command.CommandText = sql;
        for (var i = 0; i < args.Length; i++)
        {
            command.Parameters.AddWithValue("$" + (char)('a' + i), args[i] ?? DBNull.Value);
        }

        command.ExecuteNonQuery();
    }

    public static string Num(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
