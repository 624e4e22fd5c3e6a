using System.Diagnostics;

namespace RestoreBench.Experiments.Tests.Running;

/// <summary>The runner as a process: resume after SIGKILL, shards + merge, thread counts, faults.</summary>
public sealed class RunProcessTests
{
    [Fact]
    public void Killed_at_random_points_then_resumed_equals_an_uninterrupted_run()
    {
        using var w = new Workspace();
        w.Images();
        var spec = w.Spec();
        var clock = Stopwatch.StartNew();
        var reference = Cli.Run("run", spec, "--out", w.Path("ref"));
        var duration = clock.Elapsed.TotalMilliseconds;
        Assert.True(reference.ExitCode == 0, reference.Stderr);

        // Kill points spread over the span of an uninterrupted run (process start included), so some land in
        // the degradation phase, some between restorers, some mid-item, whatever the machine's speed.
        var random = new Random(20261123);
        var kills = 0;
        for (var attempt = 0; attempt < 6; attempt++)
        {
            using var process = Cli.Start("run", spec, "--out", w.Path("killed"), "--threads", "2");
            var delay = (int)(duration * (0.1 + 0.35 * random.NextDouble()));
            if (!process.WaitForExit(delay))
            {
                process.Kill(entireProcessTree: true); // SIGKILL
                process.WaitForExit();
                kills++;
            }
        }

        Assert.True(kills >= 3, $"only {kills} of 6 runs were still running when killed; the test spec is too small");
        var resumed = Cli.Run("run", spec, "--out", w.Path("killed"));
        Assert.True(resumed.ExitCode == 0, resumed.Stderr);

        Assert.Equal(StoreDump.Dump(w.Path("ref", "results.db")), StoreDump.Dump(w.Path("killed", "results.db")));
        Assert.Equal(StoreDump.Files(w.Path("ref")), StoreDump.Files(w.Path("killed")));
        Assert.Empty(Directory.GetFiles(w.Path("killed"), "*.rb-tmp-*", SearchOption.AllDirectories));
        // Only the invocations that finished have finished_utc; killed ones that got as far as the store left an open run row.
        Assert.Equal(6 - kills + 1, StoreDump.Count(w.Path("killed", "results.db"), "SELECT count(*) FROM runs WHERE finished_utc IS NOT NULL"));
    }

    [Fact]
    public async Task Termination_stops_cleanly_with_exit_code_130_and_the_run_resumes()
    {
        // SIGTERM (what job engines send; Ctrl-C's SIGINT takes the same path) cancels the run: the items in
        // flight are abandoned, the process exits with 130, and the next run completes the store.
        using var w = new Workspace();
        w.Images(3);
        var spec = w.Spec();
        var clock = Stopwatch.StartNew();
        Assert.Equal(0, Cli.Run("run", spec, "--out", w.Path("ref")).ExitCode);
        var duration = clock.Elapsed;

        using var process = Cli.Start("run", spec, "--out", w.Path("o"), "--threads", "1");
        var stderr = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEndAsync();
        await Task.Delay(duration * 0.6);
        using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            kill.WaitForExit();
        }

        Assert.True(process.WaitForExit(TimeSpan.FromSeconds(60)), "the run did not stop within 60 s of SIGTERM");
        if (process.ExitCode != 0)
        {
            Assert.Equal(130, process.ExitCode);
            Assert.Contains("cancelled after", await stderr, StringComparison.Ordinal);
        }

        Assert.Equal(0, Cli.Run("run", spec, "--out", w.Path("o")).ExitCode);
        Assert.Equal(StoreDump.Dump(w.Path("ref", "results.db")), StoreDump.Dump(w.Path("o", "results.db")));
    }

    [Fact]
    public void Spec_errors_and_unwritable_output_folders_are_usage_errors_with_one_line()
    {
        using var w = new Workspace();
        w.Images(1);
        var spec = w.Spec();
        File.WriteAllText(spec, File.ReadAllText(spec).Replace("  - ssim_y", "  - ssim_yy", StringComparison.Ordinal));
        var r = Cli.Run("run", spec, "--out", w.Path("o"));
        Assert.Equal(2, r.ExitCode);
        Assert.Matches(@"^error: .*spec\.yaml:\d+: metrics\[1\]: unknown metric 'ssim_yy'; did you mean 'ssim_y'\?", r.Stderr);
        Assert.False(File.Exists(w.Path("o", "results.db")));

        File.WriteAllText(w.Path("blocker"), "a file where the output folder should be");
        var unwritable = Cli.Run("run", w.Spec(name: "ok.yaml"), "--out", w.Path("blocker", "o"));
        Assert.Equal(2, unwritable.ExitCode);
        Assert.Contains("output folder", unwritable.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Running_again_computes_nothing()
    {
        using var w = new Workspace();
        w.Images(2);
        var spec = w.Spec();
        Assert.Equal(0, Cli.Run("run", spec, "--out", w.Path("o")).ExitCode);
        var before = StoreDump.Dump(w.Path("o", "results.db"));
        var again = Cli.Run("run", spec, "--out", w.Path("o"));
        Assert.Equal(0, again.ExitCode);
        Assert.Contains("(0 computed,", again.Stderr, StringComparison.Ordinal);
        Assert.Equal(before, StoreDump.Dump(w.Path("o", "results.db")));
    }

    [Fact]
    public void A_changed_restorer_recomputes_only_its_own_outputs_and_a_new_metric_only_its_scores()
    {
        using var w = new Workspace();
        w.Images(2);
        var spec = w.Spec();
        Assert.Equal(0, Cli.Run("run", spec, "--out", w.Path("o")).ExitCode);
        var db = w.Path("o", "results.db");
        var rlItems = StoreDump.Count(db, "SELECT count(*) FROM outputs WHERE restorer='richardson_lucy'");
        var before = StoreDump.Count(db, "SELECT count(*) FROM scores");

        File.WriteAllText(spec, File.ReadAllText(spec).Replace("iterations=15", "iterations=16", StringComparison.Ordinal));
        var changed = Cli.Run("run", spec, "--out", w.Path("o"));
        Assert.Equal(0, changed.ExitCode);
        Assert.Contains($"({rlItems} computed,", changed.Stderr, StringComparison.Ordinal);
        Assert.Contains("richardson_lucy: configuration changed", changed.Stderr, StringComparison.Ordinal);
        Assert.Equal(before, StoreDump.Count(db, "SELECT count(*) FROM scores"));

        File.WriteAllText(spec, File.ReadAllText(spec).Replace("  - lr_psnr", "  - lr_psnr\n  - lr_ssim", StringComparison.Ordinal));
        var added = Cli.Run("run", spec, "--out", w.Path("o"));
        Assert.Equal(0, added.ExitCode);
        var outputs = StoreDump.Count(db, "SELECT count(*) FROM outputs");
        Assert.Equal(before + outputs, StoreDump.Count(db, "SELECT count(*) FROM scores"));
        Assert.Equal(outputs, StoreDump.Count(db, "SELECT count(*) FROM scores WHERE metric='lr_ssim'"));
    }

    [Fact]
    public void Three_shards_merged_equal_one_unsharded_run()
    {
        using var w = new Workspace();
        w.Images();
        var spec = w.Spec();
        Assert.Equal(0, Cli.Run("run", spec, "--out", w.Path("whole")).ExitCode);
        var shardRows = new List<long>();
        for (var i = 1; i <= 3; i++)
        {
            var r = Cli.Run("run", spec, "--out", w.Path("sharded"), "--shard", $"{i}/3");
            Assert.True(r.ExitCode == 0, r.Stderr);
            shardRows.Add(StoreDump.Count(w.Path("sharded", $"results-shard-{i}-of-3.db"), "SELECT count(*) FROM outputs"));
        }

        Assert.All(shardRows, n => Assert.True(n > 0, "a shard got no work"));
        Assert.Equal(StoreDump.Count(w.Path("whole", "results.db"), "SELECT count(*) FROM outputs"), shardRows.Sum());
        var merge = Cli.Run("results", "merge", w.Path("sharded"));
        Assert.True(merge.ExitCode == 0, merge.Stderr);
        Assert.Equal(StoreDump.Dump(w.Path("whole", "results.db")), StoreDump.Dump(w.Path("sharded", "results.db")));

        // Idempotent: merging again changes nothing; merging into another folder copies the files.
        Assert.Equal(0, Cli.Run("results", "merge", w.Path("sharded")).ExitCode);
        Assert.Equal(StoreDump.Dump(w.Path("whole", "results.db")), StoreDump.Dump(w.Path("sharded", "results.db")));
        var elsewhere = Cli.Run("results", "merge", w.Path("sharded", "results-shard-1-of-3.db"), w.Path("sharded", "results-shard-2-of-3.db"),
            w.Path("sharded", "results-shard-3-of-3.db"), "--into", w.Path("copy"));
        Assert.True(elsewhere.ExitCode == 0, elsewhere.Stderr);
        Assert.Equal(StoreDump.Dump(w.Path("whole", "results.db")), StoreDump.Dump(w.Path("copy", "results.db")));
        Assert.Equal(StoreDump.Files(w.Path("whole")), StoreDump.Files(w.Path("copy")));
    }

    [Fact]
    public void Stores_are_identical_whatever_the_thread_count()
    {
        using var w = new Workspace();
        w.Images();
        var spec = w.Spec();
        Assert.Equal(0, Cli.Run("run", spec, "--out", w.Path("t1"), "--threads", "1").ExitCode);
        Assert.Equal(0, Cli.Run("run", spec, "--out", w.Path("t3"), "--threads", "3").ExitCode);
        Assert.Equal(StoreDump.Dump(w.Path("t1", "results.db")), StoreDump.Dump(w.Path("t3", "results.db")));
        Assert.Equal(StoreDump.Files(w.Path("t1")), StoreDump.Files(w.Path("t3")));
    }

    [Fact]
    public void A_restorer_failing_on_some_images_is_recorded_and_the_run_continues_with_exit_code_1()
    {
        using var w = new Workspace();
        w.Images(3);
        // Precomputed outputs exist for img0 only (for each SR2 seed the folder restorer returns the same file).
        var folder = w.Path("precomputed");
        Directory.CreateDirectory(folder);
        File.Copy(w.Path("gt", "img0.png"), Path.Combine(folder, "img0.png"));
        var spec = w.Spec($"  - {{type: folder, name: partial, path: {folder}, scale: 2, tasks: [SR2]}}");
        var r = Cli.Run("run", spec, "--out", w.Path("o"));
        Assert.Equal(1, r.ExitCode);
        var db = w.Path("o", "results.db");
        Assert.Equal(4, StoreDump.Count(db, "SELECT count(*) FROM outputs WHERE restorer='partial' AND status='failed'"));
        Assert.Equal(2, StoreDump.Count(db, "SELECT count(*) FROM outputs WHERE restorer='partial' AND status='ok'"));
        Assert.Equal(0, StoreDump.Count(db, "SELECT count(*) FROM outputs WHERE restorer<>'partial' AND status<>'ok'"));
        Assert.Equal(0, StoreDump.Count(db, "SELECT count(*) FROM outputs WHERE status='failed' AND (error IS NULL OR file IS NOT NULL)"));
        Assert.Contains("img1", r.Stderr, StringComparison.Ordinal);
        var summary = Cli.Run("results", "summary", w.Path("o"));
        Assert.Contains("failed items: 4", summary.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void An_output_that_cannot_be_written_fails_its_items_and_keeps_the_store_consistent()
    {
        using var w = new Workspace();
        w.Images(2);
        var spec = w.Spec();
        // restored/bicubic is a file, so no output of bicubic can be written (as on a full or read-only disk).
        Directory.CreateDirectory(w.Path("o", "restored"));
        File.WriteAllText(w.Path("o", "restored", "bicubic"), "not a folder");
        var r = Cli.Run("run", spec, "--out", w.Path("o"));
        Assert.Equal(1, r.ExitCode);
        var db = w.Path("o", "results.db");
        Assert.Equal(4, StoreDump.Count(db, "SELECT count(*) FROM outputs WHERE restorer='bicubic' AND status='failed'"));
        Assert.Equal(0, StoreDump.Count(db, "SELECT count(*) FROM scores WHERE restorer='bicubic'"));
        Assert.True(StoreDump.Count(db, "SELECT count(*) FROM outputs WHERE restorer='lanczos3' AND status='ok'") == 4);

        // Space is back: the failed items are computed on the next run.
        File.Delete(w.Path("o", "restored", "bicubic"));
        Assert.Equal(0, Cli.Run("run", spec, "--out", w.Path("o")).ExitCode);
        Assert.Equal(0, StoreDump.Count(db, "SELECT count(*) FROM outputs WHERE status='failed'"));
    }

    [Fact]
    public void Export_writes_one_tidy_row_per_score()
    {
        using var w = new Workspace();
        w.Images(2);
        Assert.Equal(0, Cli.Run("run", w.Spec(), "--out", w.Path("o")).ExitCode);
        var scores = StoreDump.Count(w.Path("o", "results.db"), "SELECT count(*) FROM scores");
        var csv = File.ReadAllLines(w.Path("o", "results.csv"));
        Assert.Equal("dataset,image,task,task_group,sweep_parameter,sweep_value,seed,alpha,beta,gamma,restorer,kind,family,knobs,metric,options,direction,value,error", csv[0]);
        Assert.Equal(scores, csv.Length - 1);
        var json = Cli.Run("results", "export", w.Path("o"), "--json");
        Assert.Equal(0, json.ExitCode);
        using var doc = System.Text.Json.JsonDocument.Parse(json.Stdout);
        Assert.Equal(scores, doc.RootElement.GetArrayLength());
        Assert.Contains(doc.RootElement.EnumerateArray(), e => e.GetProperty("task").GetString() == "blur[sigma=2]" && e.GetProperty("sweep_value").GetDouble() == 2);
    }
}
