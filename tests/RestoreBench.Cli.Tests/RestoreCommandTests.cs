using System.Text.Json;
using RestoreBench.Core.Imaging;
using RestoreBench.Restorers.Classical;
using RestoreBench.Tests;

namespace RestoreBench.Cli.Tests;

public class RestoreCommandTests
{
    private static byte[] Bytes(string path)
    {
        var image = ImageFile.Read(path).Image;
        var bytes = new byte[image.Data.Length];
        for (var i = 0; i < bytes.Length; i++)
        {
            bytes[i] = (byte)Rounding.Quantize(image.Data[i], 255, RoundingMode.HalfAwayFromZero);
        }

        return bytes;
    }

    private static string Bash(TempFolder temp, string name, string body)
    {
        var path = Path.Combine(temp.Root, name);
        File.WriteAllText(path, "#!/bin/bash\n" + body + "\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        return path;
    }

    [SharedFact]
    public void Bicubic_x4_writes_the_matlab_reference_bytes_and_reports_parameters_and_latency()
    {
        using var temp = new TempFolder();
        var input = temp.Sub("lr");
        foreach (var name in new[] { "astronaut", "camera" })
        {
            File.Copy(SharedData.Vectors("images", $"{name}_lr_x4.png"), Path.Combine(input, name + ".png"));
        }

        var output = Path.Combine(temp.Root, "out");
        var r = CliProcess.Run("restore", "--model", "classical:bicubic(scale=4)", input, output);
        Assert.True(r.ExitCode == 0, r.Stderr);
        foreach (var name in new[] { "astronaut", "camera" })
        {
            Assert.Equal(Bytes(SharedData.Vectors("images", $"{name}_bicubic_x4.png")), Bytes(Path.Combine(output, name + ".png")));
        }

        Assert.Contains("model:       classical:bicubic(scale=4)", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("parameters:  0 (no learned parameters)", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("latency:     ", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("ms/image (median of 1, first image excluded as warm-up)", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("peak memory: ", r.Stdout, StringComparison.Ordinal);

        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "restore.json")));
        var root = doc.RootElement;
        Assert.Equal("classical:bicubic(scale=4)", root.GetProperty("model").GetProperty("name").GetString());
        Assert.Equal(4, root.GetProperty("model").GetProperty("scale").GetInt32());
        Assert.Equal(0, root.GetProperty("resources").GetProperty("parameters").GetInt64());
        Assert.True(root.GetProperty("resources").GetProperty("latency_median_ms").GetDouble() > 0);
        Assert.True(root.GetProperty("resources").GetProperty("peak_memory_bytes").GetInt64() >= 0);
        var images = root.GetProperty("images");
        Assert.Equal(2, images.GetArrayLength());
        Assert.Equal("astronaut", images[0].GetProperty("name").GetString());
        Assert.Equal(288, images[0].GetProperty("output_size")[0].GetInt32());
        Assert.Equal(0, root.GetProperty("errors").GetArrayLength());
    }

    [SharedFact]
    public void Wiener_output_is_the_library_result_and_does_not_depend_on_threads_or_tiling_for_local_models()
    {
        using var temp = new TempFolder();
        var input = temp.Sub("blur");
        var source = SharedData.Vectors("images", "coffee_blur_s1.png");
        File.Copy(source, Path.Combine(input, "coffee.png"));
        var a = Path.Combine(temp.Root, "a");
        var r = CliProcess.Run("restore", "-m", "classical:wiener(sigma=1,balance=0.02)", input, a, "--threads", "1");
        Assert.True(r.ExitCode == 0, r.Stderr);
        using var wiener = ClassicalRestorers.Create("classical:wiener(sigma=1,balance=0.02)");
        var expected = Path.Combine(temp.Root, "expected.png");
        ImageFile.WritePng(wiener.Restore(ImageFile.Read(source).Image), expected);
        Assert.Equal(Bytes(expected), Bytes(Path.Combine(a, "coffee.png")));

        // Bicubic x2 (receptive field 2 px) tiled with overlap 8 (margin 2) equals the whole-image result.
        var whole = Path.Combine(temp.Root, "whole");
        var tiled = Path.Combine(temp.Root, "tiled");
        Assert.Equal(0, CliProcess.Run("restore", "-m", "classical:bicubic(scale=2)", input, whole, "--threads", "2").ExitCode);
        var t = CliProcess.Run("restore", "-m", "classical:bicubic(scale=2)", input, tiled, "--tile", "64", "--tile-overlap", "8");
        Assert.True(t.ExitCode == 0, t.Stderr);
        Assert.Equal(File.ReadAllBytes(Path.Combine(whole, "coffee.png")), File.ReadAllBytes(Path.Combine(tiled, "coffee.png")));
        Assert.Contains("\"margin\": 2", File.ReadAllText(Path.Combine(tiled, "restore.json")), StringComparison.Ordinal);
    }

    [Fact]
    public void Folder_model_matches_by_stem_and_reports_a_missing_output_by_name()
    {
        using var temp = new TempFolder();
        var input = temp.Sub("lq");
        var precomputed = temp.Sub("precomputed");
        TempFolder.Write(Path.Combine(input, "a.png"), TempFolder.Pattern(3, 8, 8));
        TempFolder.Write(Path.Combine(input, "b.png"), TempFolder.Pattern(3, 8, 8, 1));
        TempFolder.Write(Path.Combine(precomputed, "a.png"), TempFolder.Pattern(3, 16, 16, 2));
        var output = Path.Combine(temp.Root, "out");
        var r = CliProcess.Run("restore", "--model", "folder:" + precomputed, input, output, "--scale", "2");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains($"error: b: no precomputed output named 'b.*' in {precomputed}", r.StderrLines);
        Assert.Equal(File.ReadAllBytes(Path.Combine(precomputed, "a.png")).Length > 0, File.Exists(Path.Combine(output, "a.png")));
        Assert.False(File.Exists(Path.Combine(output, "b.png")));
        Assert.Contains("parameters:  unknown", r.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("latency:", r.Stdout, StringComparison.Ordinal);

        // A bare folder path works too; without --scale the 16x16 output is a size error.
        var bare = CliProcess.Run("restore", "--model", precomputed, input, Path.Combine(temp.Root, "out2"));
        Assert.Equal(1, bare.ExitCode);
        Assert.Contains("error: a: the precomputed output a.png is 16x16, expected 8x8 (input 8x8, scale 1)", bare.StderrLines);
    }

    [Fact]
    public void External_model_runs_once_and_failures_carry_the_stderr_tail()
    {
        using var temp = new TempFolder();
        var input = temp.Sub("lq");
        TempFolder.Write(Path.Combine(input, "a.png"), TempFolder.Pattern(3, 8, 8));
        TempFolder.Write(Path.Combine(input, "b.png"), TempFolder.Pattern(3, 8, 8, 1));
        var copy = Bash(temp, "copy.sh", "cp \"$1\"/* \"$2\"/");
        var ok = CliProcess.Run("restore", "--model", $"external:'{copy}' {{input_dir}} {{output_dir}}", input, Path.Combine(temp.Root, "ok"));
        Assert.True(ok.ExitCode == 0, ok.Stderr);
        Assert.Equal(Bytes(Path.Combine(input, "b.png")), Bytes(Path.Combine(temp.Root, "ok", "b.png")));
        Assert.Contains("parameters:  unknown", ok.Stdout, StringComparison.Ordinal);
        Assert.Contains("\"exit_code\": 0", File.ReadAllText(Path.Combine(temp.Root, "ok", "restore.json")), StringComparison.Ordinal);

        var fail = Bash(temp, "fail.sh", "echo 'CUDA out of memory' >&2\nexit 2");
        var bad = CliProcess.Run("restore", "--model", $"external:'{fail}' {{input_dir}} {{output_dir}}", input, Path.Combine(temp.Root, "bad"));
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("error: a: the command exited with code 2; stderr tail: CUDA out of memory", bad.StderrLines);
        Assert.Contains("error: b: the command exited with code 2; stderr tail: CUDA out of memory", bad.StderrLines);

        var slow = Bash(temp, "slow.sh", "sleep 30");
        var timedOut = CliProcess.Run("restore", "--model", $"external:'{slow}' {{input_dir}} {{output_dir}}", input, Path.Combine(temp.Root, "slow"), "--timeout", "0.5");
        Assert.Equal(1, timedOut.ExitCode);
        Assert.Contains(timedOut.StderrLines, l => l.StartsWith("error: a: the command exceeded its 0.5 s timeout and was killed", StringComparison.Ordinal));

        var missing = CliProcess.Run("restore", "--model", "external:no-such-restorer-xyz {input_dir} {output_dir}", input, Path.Combine(temp.Root, "missing"));
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("error: a: cannot start 'no-such-restorer-xyz': command not found on PATH (no output on stderr)", missing.StderrLines);
    }

    [Theory]
    [InlineData("bicubic", "--model bicubic: unknown model; did you mean 'classical:bicubic(...)'?")]
    [InlineData("classical:bicubc(scale=2)", "--model: unknown classical restorer 'bicubc'; did you mean 'bicubic'? (accepted: bicubic, lanczos3, wiener, richardson_lucy)")]
    [InlineData("classical:wiener(sigma=1,iters=3)", "--model: wiener: unknown parameter 'iters' (accepted: sigma, balance, ksize, clip)")]
    [InlineData("classical:richardson_lucy(iterations=3)", "--model: richardson_lucy: parameter 'sigma' is required")]
    [InlineData("model.onnx", "--model model.onnx: file not found")]
    [InlineData("external:tool {input_dir}", "--model: the command template must contain {output_dir}")]
    [InlineData("external:tool {input_dir} {output_dir} | tee log", "--model: '|' is shell syntax")]
    [InlineData("folder:/nonexistent/outputs", "--model folder:/nonexistent/outputs: ")]
    public void Bad_models_are_usage_errors_on_one_line(string model, string message)
    {
        using var temp = new TempFolder();
        var input = temp.Sub("in");
        TempFolder.Write(Path.Combine(input, "a.png"), TempFolder.Pattern(1, 8, 8));
        var r = CliProcess.Run("restore", "--model", model, input, Path.Combine(temp.Root, "out"));
        Assert.Equal(2, r.ExitCode);
        var line = Assert.Single(r.StderrLines);
        Assert.StartsWith("error: " + message, line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--tile", "32", "--model", "folder:{in}", "--tile needs a model that runs in this process")]
    [InlineData("--scale", "2", "--model", "classical:bicubic(scale=2)", "--scale applies to folder:, external: and ONNX models")]
    [InlineData("--device", "cuda", "--model", "classical:bicubic(scale=2)", "--device cuda applies to ONNX models")]
    [InlineData("--device", "tpu", "--model", "classical:bicubic(scale=2)", "--device must be cpu or cuda, got 'tpu'")]
    [InlineData("--timeout", "5", "--model", "classical:bicubic(scale=2)", "--timeout applies to external: models only")]
    [InlineData("--tile-overlap", "8", "--model", "classical:bicubic(scale=2)", "--tile-overlap needs --tile")]
    [InlineData("--bit-depth", "12", "--model", "classical:bicubic(scale=2)", "--bit-depth must be 8 or 16, got 12")]
    public void Options_that_do_not_apply_are_usage_errors(string option, string value, string modelOption, string model, string message)
    {
        using var temp = new TempFolder();
        var input = temp.Sub("in");
        TempFolder.Write(Path.Combine(input, "a.png"), TempFolder.Pattern(1, 8, 8));
        var r = CliProcess.Run("restore", option, value, modelOption, model.Replace("{in}", input, StringComparison.Ordinal), input, Path.Combine(temp.Root, "out"));
        Assert.Equal(2, r.ExitCode);
        Assert.StartsWith("error: " + message, Assert.Single(r.StderrLines), StringComparison.Ordinal);
    }

    [Fact]
    public void Overlap_not_smaller_than_the_tile_and_output_equal_to_input_are_refused()
    {
        using var temp = new TempFolder();
        var input = temp.Sub("in");
        TempFolder.Write(Path.Combine(input, "a.png"), TempFolder.Pattern(1, 8, 8));
        var overlap = CliProcess.Run("restore", "-m", "classical:bicubic(scale=2)", input, Path.Combine(temp.Root, "o"), "--tile", "16", "--tile-overlap", "16");
        Assert.Equal(2, overlap.ExitCode);
        Assert.Contains("error: --tile-overlap must be >= 0 and smaller than --tile (16), got 16", overlap.StderrLines);
        var same = CliProcess.Run("restore", "-m", "classical:bicubic(scale=2)", input, input + "/");
        Assert.Equal(2, same.ExitCode);
        Assert.Contains("error: OUTPUT must be a different folder from INPUT (outputs are named by input stem)", same.StderrLines);
    }
}
