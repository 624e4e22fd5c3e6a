using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;

namespace RestoreBench.Experiments.Store;

/// <summary>The store cannot be opened or written: locked, corrupt, foreign or unwritable. One line.</summary>
public sealed class StoreException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>A <c>samples</c> row (docs/results-store.md).</summary>
public sealed record SampleRow(string SampleId, string Dataset, string Image, string Task, long Seed, string? GtFile, string LqFile,
    int Width, int Height, double? Alpha, double? Beta, double? Gamma);

/// <summary>An <c>outputs</c> row.</summary>
public sealed record OutputRow(string SampleId, string Restorer, string Status, string? File, string? Hash, double? LatencyMs, long? PeakMemoryBytes, string? Error);

/// <summary>A <c>scores</c> row.</summary>
public sealed record ScoreRow(string SampleId, string Restorer, string Metric, string Options, double? Value, string? Error);

/// <summary>A <c>restorers</c> row.</summary>
public sealed record RestorerRow(string Restorer, string Kind, string Family, string KnobsJson, long? Parameters, string SettingsJson, string ConfigHash);

/// <summary>A <c>tasks</c> row.</summary>
public sealed record TaskRow(string Task, string TaskGroup, string? Degradation, string? SweepParameter, double? SweepValue);

/// <summary>A <c>runs</c> row.</summary>
public sealed record RunRow(string RunId, string StartedUtc, string? FinishedUtc, string SpecYaml, string SpecHash, string? Shard, string MachineJson, string WarningsJson);

/// <summary>
/// The SQLite results store, schema version 1 (docs/results-store.md): WAL journal, every write an
/// idempotent upsert on the table's unique key. A writer holds an exclusive lock on
/// <c>FILE.lock</c> (an OS file lock, released when the process dies, even by SIGKILL) so a second
/// process refuses instead of interleaving writes. An existing file that is not a RestoreBench store
/// (not SQLite, corrupt, another schema) is refused and left untouched. Not thread-safe: the runner
/// serialises calls.
/// </summary>
public sealed class ResultsStore : IDisposable
{
    /// <summary>The schema version this code writes and reads.</summary>
    public const string SchemaVersion = "1";

    /// <summary>Default file name in an output folder.</summary>
    public const string DefaultFileName = "results.db";

    private static readonly byte[] SqliteHeader = Encoding.ASCII.GetBytes("SQLite format 3\0");

    private readonly SqliteConnection _connection;
    private readonly FileStream? _lock;
    private SqliteCommand? _outputCommand;
    private SqliteCommand? _scoreCommand;

    private ResultsStore(string path, SqliteConnection connection, FileStream? lockFile)
    {
        FilePath = path;
        _connection = connection;
        _lock = lockFile;
    }

    /// <summary>Full path of the database file.</summary>
    public string FilePath { get; }

    /// <summary>Folder holding the database; stored paths inside it are relative to it.</summary>
    public string Folder => Path.GetDirectoryName(FilePath)!;

    /// <summary>The open connection (readers run their own queries on it).</summary>
    internal SqliteConnection Connection => _connection;

    /// <summary>The schema, exactly as in docs/results-store.md.</summary>
    public const string SchemaSql = """
        CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE runs(run_id TEXT PRIMARY KEY, started_utc TEXT NOT NULL, finished_utc TEXT, spec_yaml TEXT NOT NULL,
          spec_hash TEXT NOT NULL, shard TEXT, machine_json TEXT NOT NULL, warnings_json TEXT NOT NULL);
        CREATE TABLE metrics(metric TEXT PRIMARY KEY, kind TEXT NOT NULL, direction TEXT NOT NULL, description TEXT NOT NULL);
        CREATE TABLE tasks(task TEXT PRIMARY KEY, task_group TEXT NOT NULL, degradation TEXT, sweep_parameter TEXT, sweep_value REAL);
        CREATE TABLE samples(sample_id TEXT PRIMARY KEY, dataset TEXT NOT NULL, image TEXT NOT NULL, task TEXT NOT NULL REFERENCES tasks(task),
          seed INTEGER NOT NULL, gt_file TEXT, lq_file TEXT NOT NULL, width INTEGER NOT NULL, height INTEGER NOT NULL,
          alpha REAL, beta REAL, gamma REAL, UNIQUE(dataset, image, task, seed));
        CREATE TABLE restorers(restorer TEXT PRIMARY KEY, kind TEXT NOT NULL, family TEXT NOT NULL, knobs_json TEXT NOT NULL,
          parameters INTEGER, settings_json TEXT NOT NULL, config_hash TEXT NOT NULL);
        CREATE TABLE outputs(sample_id TEXT NOT NULL REFERENCES samples(sample_id), restorer TEXT NOT NULL REFERENCES restorers(restorer),
          status TEXT NOT NULL, file TEXT, hash TEXT, latency_ms REAL, peak_memory_bytes INTEGER, error TEXT,
          PRIMARY KEY(sample_id, restorer));
        CREATE TABLE scores(sample_id TEXT NOT NULL, restorer TEXT NOT NULL, metric TEXT NOT NULL REFERENCES metrics(metric),
          options TEXT NOT NULL DEFAULT '', value REAL, error TEXT, PRIMARY KEY(sample_id, restorer, metric, options));
        """;

    /// <summary>
    /// Opens <paramref name="path"/> for writing, creating it (and its folder) when missing. Takes the
    /// writer lock first.
    /// </summary>
    /// <exception cref="StoreException">Locked by another process, unwritable folder, or an existing file that is not a version-1 store.</exception>
    public static ResultsStore OpenForWriting(string path, string toolVersion)
    {
        path = Path.GetFullPath(path);
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StoreException($"{Path.GetDirectoryName(path)}: output folder cannot be created ({e.Message})", e);
        }

        var lockFile = AcquireLock(path);
        try
        {
            if (!File.Exists(path))
            {
                CreateAtomically(path, toolVersion);
            }

            CheckHeader(path);
            var connection = Open(path, SqliteOpenMode.ReadWrite);
            var store = new ResultsStore(path, connection, lockFile);
            try
            {
                // Validated before anything is written to it (journal_mode=WAL rewrites the header).
                store.Validate();
                store.Execute("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;");
                return store;
            }
            catch
            {
                store.Dispose();
                throw;
            }
        }
        catch
        {
            lockFile.Dispose();
            throw;
        }
    }

    /// <summary>Opens an existing store read-only (no lock; SQLite's WAL lets readers run beside the writer).</summary>
    /// <exception cref="StoreException">Missing, not SQLite, corrupt or another schema.</exception>
    public static ResultsStore OpenReadOnly(string path)
    {
        path = Path.GetFullPath(path);
        if (Directory.Exists(path))
        {
            path = Path.Combine(path, DefaultFileName);
        }

        if (!File.Exists(path))
        {
            throw new StoreException($"{path}: no such results store");
        }

        CheckHeader(path);
        var store = new ResultsStore(path, Open(path, SqliteOpenMode.ReadOnly), null);
        try
        {
            store.Validate();
            return store;
        }
        catch
        {
            store.Dispose();
            throw;
        }
    }

    private static FileStream AcquireLock(string path)
    {
        var lockPath = path + ".lock";
        try
        {
            var stream = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            stream.SetLength(0);
            var pid = Encoding.ASCII.GetBytes(Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "\n");
            stream.Write(pid);
            stream.Flush();
            return stream;
        }
        catch (UnauthorizedAccessException e)
        {
            throw new StoreException($"{lockPath}: cannot create the store's lock file ({e.Message})", e);
        }
        catch (IOException e)
        {
            if (File.Exists(lockPath))
            {
                throw new StoreException($"{path}: in use by another restorebench process (lock {lockPath}); wait for it to finish, or give another --out", e);
            }

            throw new StoreException($"{lockPath}: cannot create the store's lock file ({e.Message})", e);
        }
    }

    private static void CheckHeader(string path)
    {
        var header = new byte[SqliteHeader.Length];
        int read;
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            read = stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StoreException($"{path}: cannot read ({e.Message})", e);
        }

        if (read < header.Length || !header.AsSpan().SequenceEqual(SqliteHeader))
        {
            throw new StoreException($"{path}: not a SQLite database (refusing to touch it; give another --out or move the file)");
        }
    }

    private static SqliteConnection Open(string path, SqliteOpenMode mode)
    {
        var builder = new SqliteConnectionStringBuilder { DataSource = path, Mode = mode, Pooling = false, DefaultTimeout = 30 };
        var connection = new SqliteConnection(builder.ToString());
        try
        {
            connection.Open();
            return connection;
        }
        catch (SqliteException e)
        {
            connection.Dispose();
            throw new StoreException($"{path}: cannot open ({e.Message})", e);
        }
    }

    private void Validate()
    {
        try
        {
            var check = Scalar("PRAGMA quick_check") as string;
            if (check != "ok")
            {
                throw new StoreException($"{FilePath}: the SQLite file is corrupt (quick_check: {check}); nothing was changed");
            }

            if (Scalar("SELECT count(*) FROM sqlite_master WHERE type='table' AND name='meta'") is not long n || n == 0)
            {
                throw new StoreException($"{FilePath}: a SQLite database but not a RestoreBench results store (no meta table); nothing was changed");
            }

            var version = Scalar("SELECT value FROM meta WHERE key='schema_version'") as string;
            if (version != SchemaVersion)
            {
                throw new StoreException($"{FilePath}: results store schema version '{version ?? "none"}', this restorebench reads version {SchemaVersion}; nothing was changed");
            }
        }
        catch (SqliteException e)
        {
            throw new StoreException($"{FilePath}: the SQLite file is corrupt or unreadable ({e.Message}); nothing was changed", e);
        }
    }

    /// <summary>
    /// Creates an empty store beside <paramref name="path"/> and renames it into place, so that a
    /// process killed while creating it leaves no half-made <c>results.db</c> (which the next run would
    /// have to refuse as foreign); a leftover <c>.new</c> file is simply replaced. Runs under the writer lock.
    /// </summary>
    private static void CreateAtomically(string path, string toolVersion)
    {
        var temporary = path + ".new";
        try
        {
            foreach (var leftover in new[] { temporary, temporary + "-journal", temporary + "-wal", temporary + "-shm" })
            {
                File.Delete(leftover);
            }

            using (var store = new ResultsStore(temporary, Open(temporary, SqliteOpenMode.ReadWriteCreate), null))
            {
                store.Create(toolVersion);
            }

            File.Move(temporary, path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StoreException($"{path}: cannot create the store ({e.Message})", e);
        }
    }

    private void Create(string toolVersion)
    {
        using var tx = _connection.BeginTransaction();
        Execute(SchemaSql, tx);
        foreach (var (k, v) in new[] { ("schema_version", SchemaVersion), ("created_utc", Utc(DateTime.UtcNow)), ("restorebench_version", toolVersion) })
        {
            Execute("INSERT INTO meta(key, value) VALUES($k, $v)", tx, ("$k", k), ("$v", v));
        }

        tx.Commit();
    }

    /// <summary>ISO 8601 UTC text with seconds.</summary>
    public static string Utc(DateTime time) => time.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);

    // ---- writes -------------------------------------------------------------------------------

    /// <summary>Inserts (or replaces) a run row.</summary>
    public void UpsertRun(RunRow run)
    {
        ArgumentNullException.ThrowIfNull(run);
        Execute("""
            INSERT INTO runs VALUES($id, $s, $f, $y, $h, $sh, $m, $w)
            ON CONFLICT(run_id) DO UPDATE SET finished_utc=excluded.finished_utc, warnings_json=excluded.warnings_json
            """, null, ("$id", run.RunId), ("$s", run.StartedUtc), ("$f", run.FinishedUtc), ("$y", run.SpecYaml), ("$h", run.SpecHash),
            ("$sh", run.Shard), ("$m", run.MachineJson), ("$w", run.WarningsJson));
    }

    /// <summary>Upserts a metric's self-description.</summary>
    public void UpsertMetric(string metric, string kind, string direction, string description) =>
        Execute("INSERT INTO metrics VALUES($m, $k, $d, $s) ON CONFLICT(metric) DO UPDATE SET kind=excluded.kind, direction=excluded.direction, description=excluded.description",
            null, ("$m", metric), ("$k", kind), ("$d", direction), ("$s", description));

    /// <summary>Upserts a task row.</summary>
    public void UpsertTask(TaskRow task)
    {
        ArgumentNullException.ThrowIfNull(task);
        Execute("""
            INSERT INTO tasks VALUES($t, $g, $d, $p, $v) ON CONFLICT(task) DO UPDATE SET
              task_group=excluded.task_group, degradation=excluded.degradation, sweep_parameter=excluded.sweep_parameter, sweep_value=excluded.sweep_value
            """, null, ("$t", task.Task), ("$g", task.TaskGroup), ("$d", task.Degradation), ("$p", task.SweepParameter), ("$v", task.SweepValue));
    }

    /// <summary>Upserts a sample row (deterministic content: a repeat writes the same values).</summary>
    public void UpsertSample(SampleRow s)
    {
        ArgumentNullException.ThrowIfNull(s);
        Execute("""
            INSERT INTO samples VALUES($id, $ds, $im, $t, $seed, $gt, $lq, $w, $h, $a, $b, $g) ON CONFLICT(sample_id) DO UPDATE SET
              gt_file=excluded.gt_file, lq_file=excluded.lq_file, width=excluded.width, height=excluded.height,
              alpha=excluded.alpha, beta=excluded.beta, gamma=excluded.gamma
            """, null, ("$id", s.SampleId), ("$ds", s.Dataset), ("$im", s.Image), ("$t", s.Task), ("$seed", s.Seed), ("$gt", s.GtFile),
            ("$lq", s.LqFile), ("$w", s.Width), ("$h", s.Height), ("$a", s.Alpha), ("$b", s.Beta), ("$g", s.Gamma));
    }

    /// <summary>
    /// Upserts a restorer. When a row with another <c>config_hash</c> exists, its outputs and scores are
    /// deleted first (they were made by a different configuration) and true is returned.
    /// </summary>
    public bool UpsertRestorer(RestorerRow r)
    {
        ArgumentNullException.ThrowIfNull(r);
        using var tx = _connection.BeginTransaction();
        var previous = Scalar("SELECT config_hash FROM restorers WHERE restorer=$r", tx, ("$r", r.Restorer)) as string;
        var changed = previous is not null && previous != r.ConfigHash;
        if (changed)
        {
            Execute("DELETE FROM scores WHERE restorer=$r", tx, ("$r", r.Restorer));
            Execute("DELETE FROM outputs WHERE restorer=$r", tx, ("$r", r.Restorer));
        }

        Execute("""
            INSERT INTO restorers VALUES($r, $k, $f, $kn, $p, $s, $h) ON CONFLICT(restorer) DO UPDATE SET
              kind=excluded.kind, family=excluded.family, knobs_json=excluded.knobs_json,
              parameters=coalesce(excluded.parameters, restorers.parameters), settings_json=excluded.settings_json, config_hash=excluded.config_hash
            """, tx, ("$r", r.Restorer), ("$k", r.Kind), ("$f", r.Family), ("$kn", r.KnobsJson), ("$p", r.Parameters), ("$s", r.SettingsJson), ("$h", r.ConfigHash));
        tx.Commit();
        return changed;
    }

    /// <summary>Writes one work item's output row and its scores in one transaction (all or nothing).</summary>
    public void WriteItem(OutputRow? output, IReadOnlyList<ScoreRow> scores)
    {
        ArgumentNullException.ThrowIfNull(scores);
        using var tx = _connection.BeginTransaction();
        if (output is not null)
        {
            _outputCommand ??= Prepare("""
                INSERT INTO outputs VALUES($s, $r, $st, $f, $h, $l, $m, $e) ON CONFLICT(sample_id, restorer) DO UPDATE SET
                  status=excluded.status, file=excluded.file, hash=excluded.hash, latency_ms=excluded.latency_ms,
                  peak_memory_bytes=excluded.peak_memory_bytes, error=excluded.error
                """, "$s", "$r", "$st", "$f", "$h", "$l", "$m", "$e");
            _outputCommand.Transaction = tx;
            Bind(_outputCommand, output.SampleId, output.Restorer, output.Status, output.File, output.Hash, output.LatencyMs, output.PeakMemoryBytes, output.Error);
            _outputCommand.ExecuteNonQuery();
        }

        if (scores.Count > 0)
        {
            _scoreCommand ??= Prepare("""
                INSERT INTO scores VALUES($s, $r, $m, $o, $v, $e) ON CONFLICT(sample_id, restorer, metric, options) DO UPDATE SET
                  value=excluded.value, error=excluded.error
                """, "$s", "$r", "$m", "$o", "$v", "$e");
            _scoreCommand.Transaction = tx;
            foreach (var s in scores)
            {
                Bind(_scoreCommand, s.SampleId, s.Restorer, s.Metric, s.Options, s.Value, s.Error);
                _scoreCommand.ExecuteNonQuery();
            }
        }

        tx.Commit();
    }

    // ---- reads --------------------------------------------------------------------------------

    /// <summary>Sample ids present.</summary>
    public Dictionary<string, SampleRow> Samples()
    {
        var result = new Dictionary<string, SampleRow>(StringComparer.Ordinal);
        foreach (var s in Query("SELECT * FROM samples", r => new SampleRow(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetInt64(4),
                     Str(r, 5), r.GetString(6), r.GetInt32(7), r.GetInt32(8), Dbl(r, 9), Dbl(r, 10), Dbl(r, 11))))
        {
            result[s.SampleId] = s;
        }

        return result;
    }

    /// <summary>Outputs keyed by (sample_id, restorer).</summary>
    public Dictionary<(string, string), OutputRow> Outputs()
    {
        var result = new Dictionary<(string, string), OutputRow>();
        foreach (var o in Query("SELECT * FROM outputs", ReadOutput))
        {
            result[(o.SampleId, o.Restorer)] = o;
        }

        return result;
    }

    /// <summary>Score keys present: (sample_id, restorer, metric, options).</summary>
    public HashSet<(string, string, string, string)> ScoreKeys() =>
        [.. Query("SELECT sample_id, restorer, metric, options FROM scores", r => (r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3)))];

    /// <summary>Runs a query and maps each row.</summary>
    public List<T> Query<T>(string sql, Func<SqliteDataReader, T> map, params (string Name, object? Value)[] parameters)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (n, v) in parameters)
        {
            command.Parameters.AddWithValue(n, v ?? DBNull.Value);
        }

        using var reader = command.ExecuteReader();
        var list = new List<T>();
        while (reader.Read())
        {
            list.Add(map(reader));
        }

        return list;
    }

    internal static OutputRow ReadOutput(SqliteDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetString(2), Str(r, 3), Str(r, 4), Dbl(r, 5), r.IsDBNull(6) ? null : r.GetInt64(6), Str(r, 7));

    /// <summary>Nullable string column.</summary>
    public static string? Str(SqliteDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    /// <summary>Nullable real column.</summary>
    public static double? Dbl(SqliteDataReader r, int i) => r.IsDBNull(i) ? null : r.GetDouble(i);

    /// <summary>Executes SQL with parameters.</summary>
    public void Execute(string sql, SqliteTransaction? tx = null, params (string Name, object? Value)[] parameters)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = tx;
        foreach (var (n, v) in parameters)
        {
            command.Parameters.AddWithValue(n, v ?? DBNull.Value);
        }

        command.ExecuteNonQuery();
    }

    private object? Scalar(string sql, SqliteTransaction? tx = null, params (string Name, object? Value)[] parameters)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = tx;
        foreach (var (n, v) in parameters)
        {
            command.Parameters.AddWithValue(n, v ?? DBNull.Value);
        }

        return command.ExecuteScalar();
    }

    private SqliteCommand Prepare(string sql, params string[] names)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        foreach (var n in names)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = n });
        }

        return command;
    }

    private static void Bind(SqliteCommand command, params object?[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            var v = values[i];
            command.Parameters[i].Value = v is double d && double.IsNaN(d) ? DBNull.Value : v ?? DBNull.Value;
        }
    }

    /// <summary>Closes the connection (checkpointing the WAL) and releases the lock.</summary>
    public void Dispose()
    {
        _outputCommand?.Dispose();
        _scoreCommand?.Dispose();
        if (_lock is not null)
        {
            try
            {
                Execute("PRAGMA wal_checkpoint(TRUNCATE)");
            }
            catch (SqliteException)
            {
                // The data is committed; the checkpoint happens on the next open.
            }
        }

        _connection.Dispose();
        _lock?.Dispose();
    }
}
