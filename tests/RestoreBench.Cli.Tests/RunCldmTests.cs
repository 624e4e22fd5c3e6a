using System.Text.Json;
using RestoreBench.Diffusion.Tests;
using RestoreBench.Tests;

namespace RestoreBench.Cli.Tests;

/// <summary>
/// <c>type: cldm</c> entries of an experiment spec: knob sweeps become restorers of one family, run
/// through the CLDM pipeline (lossless fixture VAE, c_f-oracle denoiser: every output equals I_reg = the LQ).
/// </summary>
public sealed class RunCldmTests : IDisposable
{
    private readonly TempFolder _temp = new();
    private readonly CldmFixture _fixture = new();

    public void Dispose()
    {
        _temp.Dispose();
        _fixture.Dispose();
    }

    [Fact]
    public void Knob_sweeps_run_as_restorers_and_equal_the_lq_with_an_exact_data_path()
    {
        var spec = Spec(
            [(24, 32), (16, 24)],
            "{sampler: ddim, steps: [2, 4], start_noise: 0.5}",
            "{mode: vae}",
            "{mode: per_step, step: 1, steps: 3}");
        using var json = RunAndExport(spec);
        var rows = json.RootElement.EnumerateArray()
            .Select(r => (Image: r.GetProperty("image").GetString()!, Restorer: r.GetProperty("restorer").GetString()!,
                Kind: r.GetProperty("kind").GetString()!, Family: r.GetProperty("family").GetString()!, Value: r.GetProperty("value").GetDouble()))
            .ToList();
        var restorers = rows.Select(r => r.Restorer).Distinct().Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(["cldm[sampler=ddim,start_noise=0.5,steps=2]", "cldm[sampler=ddim,start_noise=0.5,steps=4]", "lq", "vae[mode=vae]", "x0[mode=per_step,step=1,steps=3]"], restorers);
        Assert.All(rows.Where(r => r.Restorer.StartsWith("cldm[", StringComparison.Ordinal)), r => Assert.Equal(("cldm", "cldm"), (r.Kind, r.Family)));
        Assert.All(rows.Where(r => r.Restorer.StartsWith("vae[", StringComparison.Ordinal)), r => Assert.Equal("vae", r.Kind));
        foreach (var image in new[] { "a", "b" })
        {
            var lq = rows.Single(r => r.Image == image && r.Restorer == "lq").Value;
            Assert.All(rows.Where(r => r.Image == image), r => Assert.Equal(lq, r.Value, 9));
        }
    }

    [Fact]
    public void A_cldm_entry_whose_knobs_do_not_fit_is_skipped_with_its_reason()
    {
        var spec = Spec([(16, 16)], "{start_noise: 1.5}");
        var run = CliProcess.Run("run", spec, "--out", Path.Combine(_temp.Root, "out"));
        Assert.Contains("start noise 1.5 is outside (0, 1]", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Each_seed_of_the_spec_gives_the_cldm_its_own_noise()
    {
        // Blur1 is deterministic, so both seeds see the same LQ; a denoiser that ignores c_f (ε* of
        // N(0, 0.25)) sampling from pure noise then differs between seeds only through its noise.
        var gt = _temp.Sub("gt");
        TempFolder.Write(Path.Combine(gt, "a.png"), TempFolder.Pattern(3, 16, 16));
        var manifest = _fixture.Manifest("eps", CldmFixture.EpsStar).Replace("\\", "/", StringComparison.Ordinal);
        var spec = Path.Combine(_temp.Root, "seeds.yaml");
        File.WriteAllText(spec, $$$"""
            name: seeds
            datasets: [{name: d, gt: "{{{gt.Replace("\\", "/", StringComparison.Ordinal)}}}"}]
            tasks: [{name: Blur1, degradation: "blur(sigma=1)"}]
            seeds: [0, 1]
            metrics: [psnr_y]
            restorers:
              - {type: cldm, name: cldm, manifest: "{{{manifest}}}", knobs: {sampler: ddpm, steps: 3}}
            """);
        using var json = RunAndExport(spec);
        var psnr = json.RootElement.EnumerateArray()
            .Where(r => r.GetProperty("restorer").GetString()!.StartsWith("cldm", StringComparison.Ordinal))
            .ToDictionary(r => r.GetProperty("seed").GetInt64(), r => r.GetProperty("value").GetDouble());
        Assert.Equal([0L, 1L], psnr.Keys.Order());
        Assert.NotEqual(psnr[0], psnr[1]);
    }

    /// <summary>Runs the spec into a fresh output folder (exit 0 required) and parses `results export --json`.</summary>
    private JsonDocument RunAndExport(string spec)
    {
        var output = Path.Combine(_temp.Root, "out");
        var run = CliProcess.Run("run", spec, "--out", output);
        Assert.True(run.ExitCode == 0, run.Stderr);
        var export = CliProcess.Run("results", "export", output, "--json");
        Assert.True(export.ExitCode == 0, export.Stderr);
        return JsonDocument.Parse(export.Stdout);
    }

    /// <summary>A spec: GT images of the given sizes, task Blur1, <c>lq</c> and one cldm entry per knob map (named cldm, vae, x0).</summary>
    private string Spec((int H, int W)[] sizes, params string[] knobs)
    {
        var gt = _temp.Sub("gt");
        for (var i = 0; i < sizes.Length; i++)
        {
            TempFolder.Write(Path.Combine(gt, (char)('a' + i) + ".png"), TempFolder.Pattern(3, sizes[i].H, sizes[i].W));
        }

        var manifest = _fixture.Manifest("oracle", CldmFixture.Oracle).Replace("\\", "/", StringComparison.Ordinal);
        string[] names = ["cldm", "vae", "x0"];
        var entries = knobs.Select((k, i) => $"  - {{type: cldm, name: {names[i]}, manifest: \"{manifest}\", knobs: {k}}}\n");
        var path = Path.Combine(_temp.Root, "spec.yaml");
        File.WriteAllText(path, $$"""
            name: cldm
            datasets: [{name: d, gt: "{{gt.Replace("\\", "/", StringComparison.Ordinal)}}"}]
            tasks: [{name: Blur1, degradation: "blur(sigma=1)"}]
            metrics: [psnr_y]
            restorers:
              - lq

            """ + string.Concat(entries));
        return path;
    }
}
