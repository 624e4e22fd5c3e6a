using Microsoft.Data.Sqlite;
using RestoreBench.Experiments.Store;

namespace RestoreBench.Experiments.Tests.Store;

public sealed class ResultsStoreTests
{
    [Fact]
    public void A_second_process_on_the_same_store_is_refused_with_a_clear_message()
    {
        using var w = new Workspace();
        w.Images(1);
        var spec = w.Spec();
        using (ResultsStore.OpenForWriting(w.Path("o", "results.db"), "test"))
        {
            var r = Cli.Run("run", spec, "--out", w.Path("o"));
            Assert.Equal(2, r.ExitCode);
            Assert.Contains("in use by another restorebench process", r.Stderr, StringComparison.Ordinal);
        }

        Assert.Equal(0, Cli.Run("run", spec, "--out", w.Path("o")).ExitCode); // lock released
    }

    [Fact]
    public void A_new_store_is_created_beside_and_renamed_so_a_leftover_of_a_killed_creation_is_replaced()
    {
        using var w = new Workspace();
        Directory.CreateDirectory(w.Path("o"));
        File.WriteAllBytes(w.Path("o", "results.db.new"), []); // what a kill between SQLite's create and first write leaves
        using (var store = ResultsStore.OpenForWriting(w.Path("o", "results.db"), "test"))
        {
            Assert.Equal("results.db", Path.GetFileName(store.FilePath));
        }

        Assert.False(File.Exists(w.Path("o", "results.db.new")));
        using var reopened = ResultsStore.OpenReadOnly(w.Path("o", "results.db"));
        Assert.NotNull(reopened);
    }

    [Fact]
    public void A_file_that_is_not_sqlite_is_refused_and_left_untouched()
    {
        using var w = new Workspace();
        w.Images(1);
        Directory.CreateDirectory(w.Path("o"));
        var bytes = new byte[3000];
        new Random(5).NextBytes(bytes);
        File.WriteAllBytes(w.Path("o", "results.db"), bytes);
        var r = Cli.Run("run", w.Spec(), "--out", w.Path("o"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("not a SQLite database", r.Stderr, StringComparison.Ordinal);
        Assert.Equal(bytes, File.ReadAllBytes(w.Path("o", "results.db")));
    }

    [Fact]
    public void A_foreign_sqlite_database_is_refused_and_left_untouched()
    {
        using var w = new Workspace();
        Directory.CreateDirectory(w.Path("o"));
        var path = w.Path("o", "results.db");
        using (var c = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "CREATE TABLE invoices(id INTEGER); INSERT INTO invoices VALUES(1);";
            cmd.ExecuteNonQuery();
        }

        var before = File.ReadAllBytes(path);
        var e = Assert.Throws<StoreException>(() => ResultsStore.OpenForWriting(path, "test"));
        Assert.Contains("not a RestoreBench results store", e.Message, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(path));
    }

    [Fact]
    public void A_corrupt_store_is_refused()
    {
        using var w = new Workspace();
        var path = w.Path("o", "results.db");
        using (ResultsStore.OpenForWriting(path, "test"))
        {
        }

        // Keep the header, destroy the pages after it.
        var bytes = File.ReadAllBytes(path);
        for (var i = 100; i < bytes.Length; i++)
        {
            bytes[i] = 0xA5;
        }

        File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<StoreException>(() => ResultsStore.OpenForWriting(path, "test"));
        Assert.Contains("corrupt", e.Message, StringComparison.Ordinal);
        Assert.Equal(bytes, File.ReadAllBytes(path));
    }

    [Fact]
    public void Writes_are_idempotent_upserts()
    {
        using var w = new Workspace();
        using var store = ResultsStore.OpenForWriting(w.Path("results.db"), "test");
        store.UpsertTask(new TaskRow("SR4", "SR4", "down(scale=4)", null, null));
        store.UpsertMetric("psnr_y", "full_reference", "higher", "PSNR on Y");
        store.UpsertRestorer(new RestorerRow("bicubic", "classical", "bicubic", "{}", 0, "{}", "h1"));
        var sample = new SampleRow("s1", "d", "img", "SR4", 0, "/gt/img.png", "lq/x.png", 8, 8, 4, 0.1, 0.225);
        store.UpsertSample(sample);
        store.UpsertSample(sample);
        var output = new OutputRow("s1", "bicubic", "ok", "restored/x.png", "abc", 1.5, null, null);
        var score = new ScoreRow("s1", "bicubic", "psnr_y", "", double.PositiveInfinity, null);
        store.WriteItem(output, [score]);
        store.WriteItem(output with { LatencyMs = 2 }, [score]);
        Assert.Single(store.Outputs());
        Assert.Single(store.ScoreKeys());
        Assert.Equal(double.PositiveInfinity, store.Query("SELECT value FROM scores", r => r.GetDouble(0)).Single());

        // A changed configuration drops the restorer's outputs and scores.
        Assert.False(store.UpsertRestorer(new RestorerRow("bicubic", "classical", "bicubic", "{}", 0, "{}", "h1")));
        Assert.True(store.UpsertRestorer(new RestorerRow("bicubic", "classical", "bicubic", "{}", 0, "{\"x\":1}", "h2")));
        Assert.Empty(store.Outputs());
        Assert.Empty(store.ScoreKeys());
    }
}
