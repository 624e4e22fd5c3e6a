using RestoreBench.Core.Imaging;
using RestoreBench.Restorers.External;

namespace RestoreBench.Restorers.Tests.External;

public class ExternalCommandRestorerTests
{
    private static List<ExternalInput> WriteInputs(Scripts scripts, params string[] ids)
    {
        var folder = Path.Combine(scripts.Root, "sources");
        Directory.CreateDirectory(folder);
        var inputs = new List<ExternalInput>();
        for (var i = 0; i < ids.Length; i++)
        {
            var path = Path.Combine(folder, ids[i] + ".png");
            ImageFile.WritePng(TestImages.Pattern(3, 12 + i, 10, i), path);
            inputs.Add(new ExternalInput(ids[i], path));
        }

        return inputs;
    }

    [Fact]
    public async Task A_copying_tool_run_once_on_the_folder_gives_every_output_by_stem()
    {
        using var scripts = new Scripts();
        var log = Path.Combine(scripts.Root, "calls.log");
        var tool = scripts.Bash("copy.sh", $"echo \"$#|$1|$2|$3\" >> '{log}'\ncp \"$1\"/* \"$2\"/");
        using var restorer = new ExternalCommandRestorer(new ExternalCommandOptions { Template = $"{Scripts.Quote(tool)} {{input_dir}} {{output_dir}} --scale={{scale}}" });
        var inputs = WriteInputs(scripts, "a", "b b", "c");
        var result = await restorer.RunAsync(inputs, scripts.Work());
        Assert.True(result.Run.Succeeded);
        Assert.Equal(0, result.Run.ExitCode);
        Assert.Equal(["a", "b b", "c"], result.Images.Select(r => r.ImageId));
        Assert.All(result.Images, r => Assert.Null(r.Error));
        Assert.All(result.Images, r => Assert.Equal(r.ImageId + ".png", Path.GetFileName(r.OutputPath)));
        Assert.Empty(result.UnmatchedOutputs);

        // One call, three arguments, paths with spaces kept whole.
        var calls = File.ReadAllLines(log);
        var call = Assert.Single(calls);
        var parts = call.Split('|');
        Assert.Equal("3", parts[0]);
        Assert.Equal(Path.Combine(scripts.Work(), "input"), parts[1]);
        Assert.Equal("--scale=1", parts[3]);
        Assert.Equal(File.ReadAllBytes(inputs[1].SourcePath), File.ReadAllBytes(result.Images[1].OutputPath!));
    }

    [PythonFact]
    public async Task A_python_upsampler_restores_one_image_at_its_scale()
    {
        using var scripts = new Scripts();
        var tool = scripts.Python("up.py", """
            import os, sys
            import numpy as np
            from PIL import Image
            src, dst, scale = sys.argv[1], sys.argv[2], int(sys.argv[3])
            for name in os.listdir(src):
                a = np.asarray(Image.open(os.path.join(src, name)))
                a = a.repeat(scale, axis=0).repeat(scale, axis=1)
                Image.fromarray(a).save(os.path.join(dst, os.path.splitext(name)[0] + ".png"))
            """);
        using var restorer = new ExternalCommandRestorer(new ExternalCommandOptions
        {
            Template = $"/usr/bin/python3 {Scripts.Quote(tool)} {{input_dir}} {{output_dir}} {{scale}}",
            Scale = 3,
        });
        var lq = TestImages.Pattern(3, 7, 5);
        var restored = await restorer.RestoreAsync(lq, new RestoreContext("img"));
        Assert.Equal("3x21x15", restored.ShapeText);
        var expected = Quantization.ToBitDepth(lq, 8);
        for (var c = 0; c < 3; c++)
        {
            for (var y = 0; y < 21; y++)
            {
                for (var x = 0; x < 15; x++)
                {
                    Assert.Equal(expected.ReadPlane(c)[y / 3 * 5 + x / 3], restored.ReadPlane(c)[y * 15 + x]);
                }
            }
        }

        Assert.Equal(RestorerKind.External, restorer.Info.Kind);
        Assert.Equal(3, restorer.Info.Scale);
        Assert.Null(restorer.Info.ParameterCount);
    }

    [Fact]
    public async Task A_missing_output_is_a_per_image_error_naming_the_stem_and_folder()
    {
        using var scripts = new Scripts();
        var tool = scripts.Bash("partial.sh", "cp \"$1/a.png\" \"$2/a.png\"\necho notes > \"$2/log.txt\"\ncp \"$1/a.png\" \"$2/extra.png\"");
        using var restorer = new ExternalCommandRestorer(new ExternalCommandOptions { Template = $"{Scripts.Quote(tool)} {{input_dir}} {{output_dir}}" });
        var result = await restorer.RunAsync(WriteInputs(scripts, "a", "b"), scripts.Work());
        Assert.Null(result.Images[0].Error);
        var error = result.Images[1].Error!;
        Assert.Contains("no output named 'b.*'", error, StringComparison.Ordinal);
        Assert.Contains(result.OutputDirectory, error, StringComparison.Ordinal);
        Assert.Contains("a.png, extra.png, log.txt", error, StringComparison.Ordinal);
        Assert.Equal(["extra.png"], result.UnmatchedOutputs);
    }

    [Fact]
    public async Task A_non_zero_exit_fails_every_image_with_the_stderr_tail()
    {
        using var scripts = new Scripts();
        var tool = scripts.Bash("fail.sh", "echo 'loading model' >&2\necho 'FileNotFoundError: weights/v2.pth' >&2\nexit 3");
        using var restorer = new ExternalCommandRestorer(new ExternalCommandOptions { Template = $"{Scripts.Quote(tool)} {{input_dir}} {{output_dir}}" });
        var result = await restorer.RunAsync(WriteInputs(scripts, "a", "b"), scripts.Work());
        Assert.Equal(3, result.Run.ExitCode);
        Assert.Equal(["loading model", "FileNotFoundError: weights/v2.pth"], result.Run.StderrTail);
        Assert.All(result.Images, r =>
        {
            Assert.Null(r.OutputPath);
            Assert.Equal("the command exited with code 3; stderr tail: loading model | FileNotFoundError: weights/v2.pth", r.Error);
        });

        var e = await Assert.ThrowsAsync<RestorerException>(() => restorer.RestoreAsync(TestImages.Pattern(1, 4, 4), new RestoreContext("x")));
        Assert.StartsWith("x: the command exited with code 3", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_stderr_tail_keeps_only_the_last_lines()
    {
        using var scripts = new Scripts();
        var tool = scripts.Bash("noisy.sh", "for i in $(seq 1 100); do echo \"line $i\" >&2; done\nexit 1");
        using var restorer = new ExternalCommandRestorer(new ExternalCommandOptions { Template = $"{Scripts.Quote(tool)} {{input_dir}} {{output_dir}}", TailLines = 4 });
        var result = await restorer.RunAsync(WriteInputs(scripts, "a"), scripts.Work());
        Assert.Equal(["line 97", "line 98", "line 99", "line 100"], result.Run.StderrTail);
    }

    [Fact]
    public async Task A_run_past_the_timeout_is_killed_and_every_image_fails()
    {
        using var scripts = new Scripts();
        var tool = scripts.Bash("slow.sh", "echo 'starting' >&2\nsleep 60\ncp \"$1\"/* \"$2\"/");
        using var restorer = new ExternalCommandRestorer(new ExternalCommandOptions
        {
            Template = $"{Scripts.Quote(tool)} {{input_dir}} {{output_dir}}",
            Timeout = TimeSpan.FromSeconds(1),
        });
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var result = await restorer.RunAsync(WriteInputs(scripts, "a"), scripts.Work());
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"took {clock.Elapsed}");
        Assert.True(result.Run.TimedOut);
        Assert.Null(result.Run.ExitCode);
        Assert.StartsWith("the command exceeded its 1 s timeout", result.Images[0].Error, StringComparison.Ordinal);
        Assert.EndsWith("and was killed; stderr tail: starting", result.Images[0].Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancellation_kills_the_command_and_throws()
    {
        using var scripts = new Scripts();
        var tool = scripts.Bash("slow.sh", "sleep 60");
        using var restorer = new ExternalCommandRestorer(new ExternalCommandOptions { Template = $"{Scripts.Quote(tool)} {{input_dir}} {{output_dir}}" });
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => restorer.RunAsync(WriteInputs(scripts, "a"), scripts.Work(), cts.Token));
    }

    [Theory]
    [InlineData("no-such-tool-4b2d {input_dir} {output_dir}", "cannot start 'no-such-tool-4b2d': command not found on PATH")]
    [InlineData("/nonexistent/tool.sh {input_dir} {output_dir}", "cannot start '/nonexistent/tool.sh': no such file")]
    public async Task A_missing_command_is_a_per_image_error(string template, string message)
    {
        using var scripts = new Scripts();
        using var restorer = new ExternalCommandRestorer(new ExternalCommandOptions { Template = template });
        var result = await restorer.RunAsync(WriteInputs(scripts, "a", "b"), scripts.Work());
        Assert.All(result.Images, r => Assert.Equal(message + " (no output on stderr)", r.Error));
    }

    [Fact]
    public async Task An_output_of_the_wrong_size_is_a_restorer_error()
    {
        using var scripts = new Scripts();
        var tool = scripts.Bash("copy.sh", "cp \"$1\"/* \"$2\"/");
        using var restorer = new ExternalCommandRestorer(new ExternalCommandOptions { Template = $"{Scripts.Quote(tool)} {{input_dir}} {{output_dir}}", Scale = 2 });
        var e = await Assert.ThrowsAsync<RestorerException>(() => restorer.RestoreAsync(TestImages.Pattern(3, 6, 4), new RestoreContext("im")));
        Assert.Equal("im: the command's output is 6x4, expected 12x8 (input 6x4, scale 2)", e.Message);
    }

    [Fact]
    public async Task A_non_empty_work_folder_is_refused()
    {
        using var scripts = new Scripts();
        Directory.CreateDirectory(scripts.Work());
        File.WriteAllText(Path.Combine(scripts.Work(), "old.txt"), "x");
        using var restorer = new ExternalCommandRestorer(new ExternalCommandOptions { Template = "true {input_dir} {output_dir}" });
        await Assert.ThrowsAsync<ArgumentException>(() => restorer.RunAsync(WriteInputs(scripts, "a"), scripts.Work()));
    }
}
