using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using RestoreBench.Reports;
using RestoreBench.Reports.Tests;

namespace RestoreBench.Benchmarks;

/// <summary>
/// The report's performance target: a store with 100 images × 10 tasks (5 of them one sigma sweep) ×
/// 8 restorers × 8 metrics = 64,000 scores, reported as HTML with the default 2000 bootstrap resamples per
/// interval (every table cell, paired comparison and γ bin), every plot as SVG and PNG, and the crops.
/// One report per operation, so a short job: 1 launch, 3 warm-ups, 3 measured iterations, 1 call each, run
/// in process (no per-benchmark rebuild, which times out on a loaded shared VM).
/// </summary>
[Config(typeof(Config))]
public class ReportBenchmarks
{
    private string _root = "";
    private string _store = "";
    private int _run;

    /// <summary>Builds the store once (not timed).</summary>
    [GlobalSetup]
    public void Setup()
    {
        _root = Path.Combine(Path.GetTempPath(), "rb-report-bench-" + Environment.ProcessId);
        _store = TestStores.Large(Path.Combine(_root, "store"));
    }

    /// <summary>Deletes the store and the reports.</summary>
    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_root, recursive: true);

    /// <summary>HTML report with three restorer pairs compared.</summary>
    [Benchmark]
    public string Html() => ReportWriter.Write(_store, Path.Combine(_root, "out" + _run++), new ReportOptions
    {
        Pairs = [("model7", "model6"), ("model7", "model1"), ("model3", "model2")],
    });

    private sealed class Config : ManualConfig
    {
        public Config()
        {
            AddJob(Job.Default.WithLaunchCount(1).WithWarmupCount(3).WithIterationCount(3)
                .WithInvocationCount(1).WithUnrollFactor(1).WithStrategy(RunStrategy.Monitoring)
                .WithToolchain(BenchmarkDotNet.Toolchains.InProcess.Emit.InProcessEmitToolchain.Instance).WithId("Short"));
            AddColumn(BenchmarkDotNet.Columns.StatisticColumn.Median, BenchmarkDotNet.Columns.StatisticColumn.Min, BenchmarkDotNet.Columns.StatisticColumn.Max);
            AddDiagnoser(BenchmarkDotNet.Diagnosers.MemoryDiagnoser.Default);
        }
    }
}
