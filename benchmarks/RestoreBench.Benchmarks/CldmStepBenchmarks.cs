using BenchmarkDotNet.Attributes;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using RestoreBench.Core.Randomness;
using RestoreBench.Diffusion.Components;
using RestoreBench.Diffusion.Pipeline;
using RestoreBench.Diffusion.Schedulers;
using RestoreBench.Onnx.Graph;
using RestoreBench.Onnx.Runtime;

namespace RestoreBench.Benchmarks;

/// <summary>
/// CLDM per-step overhead (issue 6: everything outside the denoiser's own Run ≤ 5 % of the step time)
/// for a 4 x 64 x 64 latent and a random-weight denoiser of 94 MFLOP per call (3x3 convolutions
/// 4→32→32→4 with ReLU, plus the timestep). <c>DenoiserRun</c> is the bare ONNX Runtime run on
/// prepared tensors; <c>Step</c> is the sampler's loop body (tensor conversion, denoiser, DDPM step
/// with its finiteness test); <c>StepCfg</c> the same with classifier-free guidance (two runs); <c>StepTiled</c>
/// with 32x32 latent tiles overlapping by 8 (9 runs) against <c>DenoiserRunTiles</c>, the same 9 bare runs.
/// Those differences carry the big graph's run-to-run noise; the <c>Identity*</c> methods measure the
/// overhead directly, with a near-free graph: each step minus its bare run(s).
/// </summary>
[MemoryDiagnoser]
public class CldmStepBenchmarks
{
    private const int C = 4, H = 64, W = 64;
    private OnnxModel _model = null!, _smallModel = null!;
    private OrtValue _z = null!, _t = null!, _zTile = null!;
    private Denoiser _denoiser = null!, _cfgDenoiser = null!, _tiledDenoiser = null!;
    private LatentDiffusionSampler _sampler = null!, _cfgSampler = null!, _tiledSampler = null!;
    private NoiseScheduler _scheduler = null!;
    private LatentTensor _latent = null!, _condition = null!, _previous = null!;
    private SeededGaussianNoise _noise = null!;
    private string _folder = null!;
    private OnnxModel _identityModel = null!;
    private Denoiser _identity = null!, _identityCfg = null!, _identityTiled = null!;
    private LatentDiffusionSampler _identitySampler = null!, _identityCfgSampler = null!, _identityTiledSampler = null!;
    private NoiseScheduler _ddim = null!;

    /// <summary>A near-free denoiser (z·1 + t·0, + context·0 with a context): its step minus its run is the overhead alone.</summary>
    public static byte[] IdentityGraph(bool withContext = false)
    {
        var b = new OnnxGraphBuilder("identity_denoiser");
        var z = b.AddInput("z", TensorElementType.Float, 1, C, "h", "w");
        var t = b.AddInput("t", TensorElementType.Float, 1);
        var zero = withContext ? b.Add(t, b.AddInput("context", TensorElementType.Float, 1)) : t;
        b.AddOutput(b.Add(z, b.Mul(zero, b.Constant(0f))), "eps");
        return b.ToBytes();
    }

    /// <summary>
    /// The random-weight denoiser graph (z [1,4,h,w], t [1], optional context [1]): 2·9·h·w·(8·hidden + hidden²)
    /// FLOP per call, 94.4 MFLOP for hidden = 32 and a 64x64 latent, 56.6 MFLOP for hidden = 24.
    /// </summary>
    public static byte[] Graph(bool withContext, int hidden = 32)
    {
        var rng = new SeededRandom(17);
        var b = new OnnxGraphBuilder("bench_denoiser");
        var z = b.AddInput("z", TensorElementType.Float, 1, C, "h", "w");
        var t = b.AddInput("t", TensorElementType.Float, 1);
        string Conv(string x, int cin, int cout, string name)
        {
            var w = new float[cout * cin * 9];
            for (var i = 0; i < w.Length; i++)
            {
                w[i] = (float)(rng.NextGaussian() * Math.Sqrt(2.0 / (cin * 9)));
            }

            return b.Conv(x, b.AddInitializer(name + "_w", w, cout, cin, 3, 3), b.AddInitializer(name + "_b", new float[cout], cout), pads: [1, 1, 1, 1]);
        }

        var h = b.Relu(Conv(z, C, hidden, "c1"));
        h = b.Relu(Conv(h, hidden, hidden, "c2"));
        var y = b.Add(Conv(h, hidden, C, "c3"), b.Mul(t, b.Constant(1e-6f)));
        if (withContext)
        {
            y = b.Add(y, b.AddInput("context", TensorElementType.Float, 1));
        }

        b.AddOutput(y, "eps");
        return b.ToBytes();
    }

    [GlobalSetup]
    public void Setup()
    {
        var settings = new OnnxSessionSettings { Threads = Environment.ProcessorCount };
        var schedule = NoiseSchedule.Create();
        _model = OnnxModel.Load(Graph(false), "bench", settings);
        _smallModel = OnnxModel.Load(Graph(false, hidden: 24), "bench-small", settings);
        _folder = Path.Combine(Path.GetTempPath(), "rb-cldm-bench-" + Environment.ProcessId);
        Directory.CreateDirectory(_folder);
        NpyFile.Write(Path.Combine(_folder, "c.npy"), [0.1f], 1);
        NpyFile.Write(Path.Combine(_folder, "n.npy"), [0f], 1);
        var spec = new DenoiserSpec { Model = "bench.onnx", LatentInput = "z", TimestepInput = "t" };
        _denoiser = new Denoiser(OnnxModel.Load(Graph(false), "bench", settings), spec, C);
        _tiledDenoiser = new Denoiser(OnnxModel.Load(Graph(false), "bench", settings), spec with { Tile = new TileSpec(32, 8) }, C);
        _cfgDenoiser = new Denoiser(OnnxModel.Load(Graph(true), "bench", settings),
            spec with { ContextInput = "context", Context = Path.Combine(_folder, "c.npy"), NullContext = Path.Combine(_folder, "n.npy") }, C);
        _sampler = new LatentDiffusionSampler(_denoiser, schedule);
        _cfgSampler = new LatentDiffusionSampler(_cfgDenoiser, schedule);
        _tiledSampler = new LatentDiffusionSampler(_tiledDenoiser, schedule);
        _identityModel = OnnxModel.Load(IdentityGraph(), "identity", settings);
        _identity = new Denoiser(OnnxModel.Load(IdentityGraph(), "identity", settings), spec, C);
        _identitySampler = new LatentDiffusionSampler(_identity, schedule);
        _identityCfg = new Denoiser(OnnxModel.Load(IdentityGraph(withContext: true), "identity", settings),
            spec with { ContextInput = "context", Context = Path.Combine(_folder, "c.npy"), NullContext = Path.Combine(_folder, "n.npy") }, C);
        _identityCfgSampler = new LatentDiffusionSampler(_identityCfg, schedule);
        _identityTiled = new Denoiser(OnnxModel.Load(IdentityGraph(), "identity", settings), spec with { Tile = new TileSpec(32, 8) }, C);
        _identityTiledSampler = new LatentDiffusionSampler(_identityTiled, schedule);
        _ddim = NoiseScheduler.Create(schedule, new SamplerSettings { Kind = SamplerKind.Ddim, Steps = 50 });
        _scheduler = NoiseScheduler.Create(schedule, new SamplerSettings { Kind = SamplerKind.Ddpm, Steps = 50 });
        _noise = new SeededGaussianNoise(new SeededRandom(3));
        _latent = new LatentTensor(C, H, W);
        _noise.Fill(_latent.Data);
        _condition = new LatentTensor(C, H, W);
        _previous = new LatentTensor(C, H, W);
        var zData = new float[C * H * W];
        for (var i = 0; i < zData.Length; i++)
        {
            zData[i] = (float)_latent.Data[i];
        }

        _z = OrtValue.CreateTensorValueFromMemory(zData, [1, C, H, W]);
        _zTile = OrtValue.CreateTensorValueFromMemory(new float[C * 32 * 32], [1, C, 32, 32]);
        _t = OrtValue.CreateTensorValueFromMemory(new float[] { 500 }, [1]);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _z.Dispose();
        _zTile.Dispose();
        _t.Dispose();
        _model.Dispose();
        _smallModel.Dispose();
        _denoiser.Dispose();
        _cfgDenoiser.Dispose();
        _tiledDenoiser.Dispose();
        _identity.Dispose();
        _identityCfg.Dispose();
        _identityTiled.Dispose();
        _identityModel.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    [Benchmark]
    public int DenoiserRun()
    {
        using var r = _model.Run(["z", "t"], [_z, _t]);
        return r.Count;
    }

    /// <summary>Bare run of the 56.6 MFLOP variant (hidden width 24): the lower bound of 50 MFLOP.</summary>
    [Benchmark]
    public int SmallDenoiserRun()
    {
        using var r = _smallModel.Run(["z", "t"], [_z, _t]);
        return r.Count;
    }

    [Benchmark]
    public double Step() => StepWith(_sampler);

    [Benchmark]
    public double StepCfg() => StepWith(_cfgSampler, 4.0);

    [Benchmark]
    public int DenoiserRunTiles()
    {
        var n = 0;
        for (var i = 0; i < 9; i++)
        {
            using var r = _model.Run(["z", "t"], [_zTile, _t]);
            n += r.Count;
        }

        return n;
    }

    [Benchmark]
    public double StepTiled() => StepWith(_tiledSampler);

    /// <summary>The DDPM step alone (posterior mean, 16384 Gaussian draws, noise added).</summary>
    [Benchmark]
    public double SchedulerOnly()
    {
        _scheduler.ReverseStep(10, _latent.Data, _latent.Data, _previous.Data, [], _noise);
        return _previous.Data[0];
    }

    /// <summary>The sampler's prediction alone (conversions and the run), no scheduler step.</summary>
    [Benchmark]
    public double PredictOnly() => _sampler.Predict(_latent, 500, _condition, 1.0).Data[0];

    /// <summary>Bare run of the near-free denoiser.</summary>
    [Benchmark]
    public int IdentityRun()
    {
        using var r = _identityModel.Run(["z", "t"], [_z, _t]);
        return r.Count;
    }

    /// <summary>Bare run of the near-free denoiser on one 32x32 tile.</summary>
    [Benchmark]
    public int IdentityRunTile()
    {
        using var r = _identityModel.Run(["z", "t"], [_zTile, _t]);
        return r.Count;
    }

    /// <summary>A DDPM step with CFG (w = 4) and the near-free denoiser: overhead + 2 x <see cref="IdentityRun"/>.</summary>
    [Benchmark]
    public double IdentityStepCfg() => StepWith(_identityCfgSampler, 4.0);

    /// <summary>A tiled DDPM step (32x32 tiles, overlap 8) with the near-free denoiser: overhead + 9 x <see cref="IdentityRunTile"/>.</summary>
    [Benchmark]
    public double IdentityStepTiled() => StepWith(_identityTiledSampler);

    /// <summary>A DDPM step with the near-free denoiser: overhead + <see cref="IdentityRun"/>.</summary>
    [Benchmark]
    public double IdentityStepDdpm() => StepWith(_identitySampler);

    /// <summary>A DDIM (η = 0) step with the near-free denoiser.</summary>
    [Benchmark]
    public double IdentityStepDdim()
    {
        var output = _identitySampler.Predict(_latent, _ddim.Timesteps[10], _condition, 1.0);
        return _ddim.ReverseStep(10, output.Data, _latent.Data, _previous.Data, [], null) ? _previous.Data[0] : double.NaN;
    }

    private double StepWith(LatentDiffusionSampler sampler, double cfg = 1.0)
    {
        var output = sampler.Predict(_latent, _scheduler.Timesteps[10], _condition, cfg);
        return _scheduler.ReverseStep(10, output.Data, _latent.Data, _previous.Data, [], _noise) ? _previous.Data[0] : double.NaN;
    }
}
