using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Microsoft.ML.OnnxRuntime;
using RestoreBench.Core.Imaging;
using RestoreBench.Degradations.Resize;
using RestoreBench.Onnx;
using RestoreBench.Onnx.Runtime;
using RestoreBench.Onnx.Zoo;
using RestoreBench.Restorers;
using RestoreBench.Restorers.Onnx;

namespace RestoreBench.Benchmarks;

/// <summary>
/// Issue 4, performance: <c>restore</c> end to end (read the PNG, convert, run, convert, check, write
/// the PNG) against the bare <c>InferenceSession.Run</c> of the same session on the same 512x512 input,
/// for esrgan-thick-x2 (pulled beforehand: <c>restorebench models pull esrgan-thick-x2</c>). One run
/// takes a minute or more on 2 cores, so this class uses a monitoring job (one call per iteration, no
/// warm-up beyond BenchmarkDotNet's first call). <see cref="RestoreOverheadBenchmarks"/> times the
/// same pipeline without the run, precisely.
/// </summary>
[Config(typeof(SlowRunConfig))]
public class RestoreEndToEndBenchmarks
{
    private RestoreFixture _f = null!;

    [GlobalSetup]
    public void Setup() => _f = new RestoreFixture();

    [GlobalCleanup]
    public void Cleanup() => _f.Dispose();

    [Benchmark(Baseline = true)]
    public long BareSessionRun() => _f.BareRun();

    [Benchmark]
    public long RestoreEndToEnd() => _f.EndToEnd();
}

/// <summary>
/// Everything <c>restore</c> does around the network for one 512x512 image with esrgan-thick-x2: read
/// the PNG, RGB conversion, float64 → float32 input tensor, float32 output → float64 image (from a
/// recorded 1024x1024 output), finiteness check, 8-bit PNG write. Compare with
/// <see cref="RestoreEndToEndBenchmarks.BareSessionRun"/>.
/// </summary>
[Config(typeof(BenchmarkConfig))]
public class RestoreOverheadBenchmarks
{
    private RestoreFixture _f = null!;

    [GlobalSetup]
    public void Setup() => _f = new RestoreFixture(recordOutput: true);

    [GlobalCleanup]
    public void Cleanup() => _f.Dispose();

    [Benchmark]
    public long PipelineWithoutRun() => _f.PipelineWithoutRun();
}

/// <summary>
/// One call per iteration, BenchmarkDotNet's first call plus 2 measured ones, in process (the generated
/// project's build can exceed BenchmarkDotNet's 2-minute build timeout on a loaded machine).
/// </summary>
internal sealed class SlowRunConfig : ManualConfig
{
    public SlowRunConfig()
    {
        AddJob(Job.Default
            .WithStrategy(RunStrategy.Monitoring)
            .WithLaunchCount(1)
            .WithWarmupCount(0)
            .WithIterationCount(2)
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithId("Monitoring"));
        AddColumn(StatisticColumn.Median, StatisticColumn.Min, StatisticColumn.Max);
        AddDiagnoser(MemoryDiagnoser.Default);
    }
}

/// <summary>The 512x512 input (the bicubic 512x512 resize of samples/coffee.png, as PNG), the model, a session and buffers.</summary>
internal sealed class RestoreFixture : IDisposable
{
    private const string ModelName = "esrgan-thick-x2";
    private readonly string _folder = Directory.CreateTempSubdirectory("rb-bench-restore-").FullName;
    private readonly OnnxRestorer _restorer;
    private readonly OnnxModel _model;
    private readonly OrtValue _input;
    private readonly RunOptions _runOptions = new();
    private readonly float[]? _recorded;

    public RestoreFixture(bool recordOutput = false)
    {
        var installed = new ModelStore().Resolve(ModelName);
        var photo = ImageFile.Read(Path.Combine(BenchmarkImages.RepositoryRoot(), BenchmarkImages.SourcePhoto)).Image;
        InputPath = Path.Combine(_folder, "input.png");
        ImageFile.WritePng(Resizer.ResizeTo(photo, 512, 512), InputPath);
        OutputPath = Path.Combine(_folder, "output.png");
        _model = OnnxModel.Load(installed.OnnxPath, new OnnxSessionSettings { Threads = 0 });
        _restorer = new OnnxRestorer(_model, ModelName, installed.Manifest.InputRange, installed.Manifest.OutputRange, installed.Manifest.Scale);
        _input = OnnxImage.ToTensor(ImageFile.Read(InputPath).Image, installed.Manifest.InputRange);
        if (recordOutput)
        {
            using var y = _model.Run(_input);
            _recorded = y.GetTensorDataAsSpan<float>().ToArray();
        }
    }

    public string InputPath { get; }

    public string OutputPath { get; }

    /// <summary>InferenceSession.Run on the prepared input, nothing else.</summary>
    public long BareRun()
    {
        using var outputs = _model.Session.Run(_runOptions, [_model.Inputs[0].Name], [_input], [_model.Outputs[0].Name]);
        return outputs[0].GetTensorTypeAndShape().Shape[2];
    }

    /// <summary>What <c>restore</c> does for one image (OnnxRestorer.Restore, as the CLI calls it).</summary>
    public long EndToEnd()
    {
        var lq = ImageFile.Read(InputPath).Image;
        var restored = _restorer.Restore(lq);
        RestorerOutput.CheckFinite("input", restored);
        ImageFile.WritePng(restored, OutputPath);
        return restored.Height;
    }

    /// <summary><see cref="EndToEnd"/> with the run replaced by copying the recorded output.</summary>
    public long PipelineWithoutRun()
    {
        var lq = ImageFile.Read(InputPath).Image.ToRgb();
        using var x = OnnxImage.ToTensor(lq, _restorer.InputRange);
        var restored = OnnxImage.FromPlanar(_recorded, 3, lq.Height * 2, lq.Width * 2, _restorer.OutputRange);
        RestorerOutput.CheckFinite("input", restored);
        ImageFile.WritePng(restored, OutputPath);
        return restored.Height + x.GetTensorTypeAndShape().Shape[2];
    }

    public void Dispose()
    {
        _input.Dispose();
        _runOptions.Dispose();
        _restorer.Dispose();
        Directory.Delete(_folder, recursive: true);
    }
}
