using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using RestoreBench.Core.Imaging;
using RestoreBench.Experiments.Restorers;
using RestoreBench.Experiments.Running;
using RestoreBench.Experiments.Spec;

namespace RestoreBench.Benchmarks;

/// <summary>
/// Runner overhead per work item: an experiment whose degrade / restore / score cost is close to zero
/// (64 images of 16x16, a σ = 0.5 blur, restorers <c>lq</c> and <c>bicubic(scale=1)</c>, no metrics),
/// so the time per item is what the runner adds: planning, reading the LQ PNG, writing the output PNG
/// atomically with its SHA-256, and the SQLite transaction. <see cref="FreshRun"/> starts from an empty
/// folder (the 64 degradations are included, an upper bound); <see cref="ResumeComplete"/> re-runs a
/// complete store (the cost of checking what is already done). One thread, so the figure is per core.
/// </summary>
[Config(typeof(RunnerBenchmarkConfig))]
public class RunnerOverheadBenchmarks
{
    private const int Images = 64;
    private const int Items = Images * 2;
    private string _root = "";
    private ExperimentSpec _spec = null!;
    private string _output = "";
    private int _iteration;

    /// <summary>Writes the images and parses the spec.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _root = Path.Combine(Path.GetTempPath(), "rb-runner-bench-" + Environment.ProcessId);
        var gt = Path.Combine(_root, "gt");
        Directory.CreateDirectory(gt);
        for (var i = 0; i < Images; i++)
        {
            var image = new ImageTensor(3, 16, 16);
            var data = image.Data;
            for (var k = 0; k < data.Length; k++)
            {
                data[k] = ((k * 7 + i * 13) % 256) / 255.0;
            }

            ImageFile.WritePng(image, Path.Combine(gt, $"img{i:000}.png"));
        }

        _spec = SpecParser.Parse("""
            datasets: [{name: d, gt: gt}]
            tasks: [{name: blur, degradation: "blur(sigma=0.5)"}]
            restorers:
              - lq
              - {type: classical, name: copy, spec: "bicubic(scale=1)"}
            metrics: []
            """, "bench.yaml", _root);
        _output = Path.Combine(_root, "complete");
        Run(_output);
    }

    /// <summary>A fresh output folder per iteration.</summary>
    [IterationSetup(Target = nameof(FreshRun))]
    public void NewFolder() => _iteration++;

    /// <summary>Everything from an empty folder; per item.</summary>
    [Benchmark(OperationsPerInvoke = Items)]
    public void FreshRun() => Run(Path.Combine(_root, $"fresh-{_iteration}"));

    /// <summary>A re-run of a complete store (nothing to compute); per item.</summary>
    [Benchmark(OperationsPerInvoke = Items)]
    public void ResumeComplete() => Run(_output);

    /// <summary>Deletes the folders.</summary>
    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_root, recursive: true);

    private void Run(string output)
    {
        var outcome = new ExperimentRunner(_spec, new RunOptions { OutputFolder = output, Factory = new BuiltinRestorerFactory(), Threads = 1 })
            .RunAsync().GetAwaiter().GetResult();
        if (outcome.Items != Items || outcome.Failures.Count > 0)
        {
            throw new InvalidOperationException($"expected {Items} items without failures, got {outcome.Items} / {outcome.Failures.Count}");
        }
    }
}

/// <summary>
/// Monitoring strategy (each iteration is one whole run, with file and database I/O), in process (the
/// runner's cost does not depend on the benchmark's own build), 2 warm-up and 10 measured iterations.
/// </summary>
public sealed class RunnerBenchmarkConfig : ManualConfig
{
    /// <summary>Creates the configuration.</summary>
    public RunnerBenchmarkConfig()
    {
        AddJob(Job.Default
            .WithStrategy(RunStrategy.Monitoring)
            .WithLaunchCount(1)
            .WithWarmupCount(2)
            .WithIterationCount(10)
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithId("Runner"));
        AddColumn(StatisticColumn.Median, StatisticColumn.Min, StatisticColumn.Max);
        AddDiagnoser(MemoryDiagnoser.Default);
    }
}
