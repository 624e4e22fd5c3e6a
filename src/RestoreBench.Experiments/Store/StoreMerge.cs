using Microsoft.Data.Sqlite;

namespace RestoreBench.Experiments.Store;

/// <summary>What a merge did.</summary>
/// <param name="Stores">Input stores merged.</param>
/// <param name="FilesCopied">Image files copied into the target folder (inputs in other folders).</param>
/// <param name="Warnings">One line each (e.g. shards that ran different specs).</param>
public sealed record MergeOutcome(int Stores, int FilesCopied, IReadOnlyList<string> Warnings);

/// <summary>
/// Merges results stores (shards) into one, idempotently: every row is upserted on its unique key, so
/// merging twice or merging overlapping stores never duplicates a row. An <c>ok</c> output wins over a
/// <c>failed</c> one; otherwise the first written row stays (rows of one spec are identical apart from
/// timings). Relative paths stay relative: files of a store in another folder are copied to the same
/// relative path under the target's folder.
/// </summary>
public static class StoreMerge
{
    private static readonly string[] Tables = ["runs", "metrics", "tasks", "samples", "restorers", "outputs", "scores"];

    /// <summary>Merges <paramref name="inputs"/> into <paramref name="target"/> (created when missing).</summary>
    /// <exception cref="StoreException">An input or the target cannot be opened, or two stores disagree on a restorer's configuration.</exception>
    public static MergeOutcome Merge(string target, IReadOnlyList<string> inputs, string toolVersion)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var warnings = new List<string>();
        var copied = 0;
        using var store = ResultsStore.OpenForWriting(target, toolVersion);
        var specHashes = new HashSet<string>(store.Query("SELECT DISTINCT spec_hash FROM runs", r => r.GetString(0)), StringComparer.Ordinal);
        foreach (var input in inputs)
        {
            var full = Path.GetFullPath(Directory.Exists(input) ? Path.Combine(input, ResultsStore.DefaultFileName) : input);
            if (full == store.FilePath)
            {
                continue;
            }

            string inputFolder;
            using (var source = ResultsStore.OpenReadOnly(full))
            {
                inputFolder = source.Folder;
                foreach (var hash in source.Query("SELECT DISTINCT spec_hash FROM runs", r => r.GetString(0)))
                {
                    if (specHashes.Count > 0 && specHashes.Add(hash))
                    {
                        warnings.Add($"{full}: ran a different spec (spec_hash {hash[..12]}…) than the stores merged before it");
                    }

                    specHashes.Add(hash);
                }

                var restorers = store.Query("SELECT restorer, config_hash FROM restorers", r => (r.GetString(0), r.GetString(1))).ToDictionary(p => p.Item1, p => p.Item2);
                foreach (var (name, hash) in source.Query("SELECT restorer, config_hash FROM restorers", r => (r.GetString(0), r.GetString(1))))
                {
                    if (restorers.TryGetValue(name, out var mine) && mine != hash)
                    {
                        throw new StoreException($"{full}: restorer '{name}' has another configuration (config_hash {hash[..12]}…) than in {store.FilePath} ({mine[..12]}…); merge stores of the same spec");
                    }
                }

                if (inputFolder != store.Folder)
                {
                    var files = source.Query("SELECT lq_file FROM samples", r => r.GetString(0));
                    files.AddRange(source.Query("SELECT file FROM outputs WHERE file IS NOT NULL", r => r.GetString(0)));
                    foreach (var file in files)
                    {
                        if (Path.IsPathRooted(file))
                        {
                            continue;
                        }

                        var from = Path.Combine(inputFolder, file);
                        var to = Path.Combine(store.Folder, file);
                        if (!File.Exists(to) && File.Exists(from))
                        {
                            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
                            File.Copy(from, to + ".rb-tmp-merge", overwrite: true);
                            File.Move(to + ".rb-tmp-merge", to, overwrite: true);
                            copied++;
                        }
                    }
                }
            }

            try
            {
                store.Execute("ATTACH DATABASE $p AS src", null, ("$p", new SqliteConnectionStringBuilder { DataSource = full, Mode = SqliteOpenMode.ReadOnly }.DataSource));
                using (var tx = store.Connection.BeginTransaction())
                {
                    foreach (var table in Tables)
                    {
                        var sql = table == "restorers"
                            ? "INSERT INTO restorers SELECT * FROM src.restorers WHERE true ON CONFLICT(restorer) DO UPDATE SET parameters=coalesce(restorers.parameters, excluded.parameters)"
                            : table == "outputs"
                            ? """
                              INSERT INTO outputs SELECT * FROM src.outputs WHERE true ON CONFLICT(sample_id, restorer) DO UPDATE SET
                                status=excluded.status, file=excluded.file, hash=excluded.hash, latency_ms=excluded.latency_ms,
                                peak_memory_bytes=excluded.peak_memory_bytes, error=excluded.error
                              WHERE outputs.status <> 'ok' AND excluded.status = 'ok'
                              """
                            : $"INSERT OR IGNORE INTO {table} SELECT * FROM src.{table}";
                        store.Execute(sql, tx);
                    }

                    tx.Commit();
                }
            }
            catch (SqliteException e)
            {
                throw new StoreException($"{full}: cannot merge ({e.Message}); nothing from it was committed", e);
            }
            finally
            {
                store.Execute("DETACH DATABASE src");
            }
        }

        return new MergeOutcome(inputs.Count, copied, warnings);
    }
}
