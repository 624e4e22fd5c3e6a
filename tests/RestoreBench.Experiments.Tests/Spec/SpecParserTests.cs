using RestoreBench.Experiments.Restorers;
using RestoreBench.Experiments.Spec;

namespace RestoreBench.Experiments.Tests.Spec;

public sealed class SpecParserTests
{
    private static readonly string Base = Path.GetTempPath();

    private static ExperimentSpec Parse(string yaml) => SpecParser.Parse(yaml, "x.yaml", Base);

    private static string Valid(string restorers = "  - lq", string tasks = "  - {name: SR4, degradation: \"down(scale=4)\"}") => $"""
        datasets:
          - name: d
            gt: .
        tasks:
        {tasks}
        restorers:
        {restorers}
        metrics: [psnr_y]
        """;

    [Fact]
    public void Unknown_key_names_the_line_and_path_and_suggests()
    {
        var e = Assert.Throws<SpecException>(() => Parse(Valid("  - lq\n  - {type: classical, spec: \"bicubic(scale=4)\", tile_overlapp: 8}")));
        Assert.StartsWith("x.yaml:8: restorers[1].tile_overlapp: unknown key 'tile_overlapp'; did you mean 'tile_overlap'?", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Top_level_typo_is_suggested()
    {
        var e = Assert.Throws<SpecException>(() => Parse("restorer: []\n" + Valid()));
        Assert.StartsWith("x.yaml:1: restorer: unknown key 'restorer'; did you mean 'restorers'?", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Wrong_type_and_bad_degradation_name_path_and_line()
    {
        var e = Assert.Throws<SpecException>(() => Parse(Valid("  - {type: classical, spec: \"bicubic(scale={scale})\", tile: big}")));
        Assert.StartsWith("x.yaml:7: restorers[0].tile: expected an integer, got 'big'", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<SpecException>(() => Parse(Valid(tasks: "  - {name: B, degradation: \"blurr(sigma=1)\"}")));
        Assert.StartsWith("x.yaml:5: tasks[0].degradation:", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_folder_is_reported()
    {
        var e = Assert.Throws<SpecException>(() => Parse(Valid().Replace("gt: .", "gt: no/such/folder", StringComparison.Ordinal)));
        Assert.Contains("x.yaml:3: datasets[0].gt: folder not found", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_restorer_type_and_task_reference()
    {
        var e = Assert.Throws<SpecException>(() => Parse(Valid("  - {type: clasical, spec: x}")));
        Assert.Contains("unknown restorer type 'clasical'; did you mean 'classical'?", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<SpecException>(() => Parse(Valid("  - {type: classical, spec: \"bicubic(scale=4)\", tasks: [SR5]}")));
        Assert.Contains("unknown task 'SR5'; did you mean 'SR4'?", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Sweeps_expand_to_named_tasks()
    {
        var spec = Parse(Valid(tasks: "  - name: blur\n    degradation: \"blur(sigma={sigma})\"\n    sweep: {sigma: [0.5, 4, 20]}"));
        var tasks = TaskExpansion.ExpandAll(spec);
        Assert.Equal(["blur[sigma=0.5]", "blur[sigma=4]", "blur[sigma=20]"], tasks.Select(t => t.Name));
        Assert.All(tasks, t => Assert.Equal("blur", t.Group));
        Assert.Equal(4, tasks[1].BlurSigma);
        Assert.Equal("wiener(sigma=20)", RestorerTemplates.Classical("wiener(sigma={sigma})", tasks[2]));
        Assert.Null(RestorerTemplates.Classical("bicubic(scale={scale})", TaskExpansion.ExpandAll(Parse(Valid(tasks: "  - {name: S, degradation: \"down(scale=1.5)\"}")))[0]));
    }

    [Fact]
    public void Cldm_entries_parse_with_knob_sweeps_and_report_that_diffusion_is_not_wired()
    {
        var manifest = Path.Combine(Base, $"cldm-{Guid.NewGuid():N}.json");
        File.WriteAllText(manifest, "{}");
        try
        {
            var spec = Parse(Valid($"  - type: cldm\n    name: diffbir\n    manifest: {manifest}\n    knobs:\n      start_noise: [0.5, 1.0]\n      steps: [20, 50]\n      sampler: ddpm"));
            var restorers = RestorerExpansion.ExpandAll(spec);
            Assert.Equal(4, restorers.Count);
            Assert.Equal("diffbir[sampler=ddpm,start_noise=0.5,steps=20]", restorers[0].Name);
            Assert.All(restorers, r => Assert.Equal("diffbir", r.Family));
            Assert.Equal("{\"sampler\":\"ddpm\",\"start_noise\":0.5,\"steps\":20}", restorers[0].KnobsJson);
            Assert.NotEqual(restorers[0].ConfigHash, restorers[1].ConfigHash);
            var e = Assert.Throws<RestorerUnavailableException>(() => new BuiltinRestorerFactory().Create(restorers[0], null, null, 1));
            Assert.Contains("CLDM restorers need RestoreBench.Diffusion", e.Message, StringComparison.Ordinal);

            var bad = Assert.Throws<SpecException>(() => Parse(Valid($"  - type: cldm\n    manifest: {manifest}\n    knobs: {{stps: [1]}}")));
            Assert.Contains("unknown knob 'stps'; did you mean 'steps'?", bad.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(manifest);
        }
    }

    [Fact]
    public void Shard_parsing_and_partition()
    {
        Assert.Equal(new RestoreBench.Experiments.Running.Shard(2, 3), RestoreBench.Experiments.Running.Shard.Parse("2/3"));
        Assert.Throws<FormatException>(() => RestoreBench.Experiments.Running.Shard.Parse("0/3"));
        Assert.Throws<FormatException>(() => RestoreBench.Experiments.Running.Shard.Parse("4/3"));
        var keys = Enumerable.Range(0, 300).Select(i => $"k{i}").ToList();
        var owners = keys.Select(k => Enumerable.Range(1, 3).Count(i => new RestoreBench.Experiments.Running.Shard(i, 3).Owns(k))).ToList();
        Assert.All(owners, n => Assert.Equal(1, n));
        Assert.All(Enumerable.Range(1, 3), i => Assert.InRange(keys.Count(k => new RestoreBench.Experiments.Running.Shard(i, 3).Owns(k)), 70, 130));
    }
}
