using System.Text.Json;
using RestoreBench.Core.Imaging;

namespace RestoreBench.Cli.Tests;

public class EvalCommandTests
{
    /// <summary>gt/ and restored/ with two good pairs (a, b) and one identical pair (same).</summary>
    private static (TempFolder Temp, string Gt, string Restored) Setup()
    {
        var temp = new TempFolder();
        var gt = temp.Sub("gt");
        var restored = temp.Sub("restored");
        foreach (var (name, phase) in new[] { ("a", 0.0), ("b", 1.0), ("same", 2.0) })
        {
            TempFolder.Write(Path.Combine(gt, name + ".png"), TempFolder.Pattern(3, 48, 40, phase));
            TempFolder.Write(Path.Combine(restored, name + ".png"), TempFolder.Pattern(3, 48, 40, name == "same" ? phase : phase + 0.05));
        }

        return (temp, gt, restored);
    }

    private static JsonElement Image(JsonElement root, string name)
    {
        foreach (var image in root.GetProperty("images").EnumerateArray())
        {
            if (image.GetProperty("name").GetString() == name)
            {
                return image;
            }
        }

        throw new KeyNotFoundException(name);
    }

    [Fact]
    public void Scores_pairs_by_stem_and_writes_json_with_infinity_and_csv()
    {
        var (temp, gt, restored) = Setup();
        using var _ = temp;
        // A JPEG restored image pairs with a PNG ground truth by stem.
        TempFolder.Write(Path.Combine(gt, "c.png"), TempFolder.Pattern(3, 48, 40, 3));
        File.WriteAllBytes(Path.Combine(restored, "c.jpg"), ToJpeg(TempFolder.Pattern(3, 48, 40, 3)));
        var json = Path.Combine(temp.Root, "out", "scores.json");
        var csv = Path.Combine(temp.Root, "out", "scores.csv");
        var r = CliProcess.Run("eval", "--restored", restored, "--gt", gt, "--metrics", "psnr,ssim_y", "--json", json, "--csv", csv);
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("psnr", r.Stdout, StringComparison.Ordinal);
        var text = File.ReadAllText(json);
        Assert.Contains("\"psnr\": Infinity", text, StringComparison.Ordinal);
        var root = ReadJson(json, text);
        Assert.Equal(4, root.GetProperty("images").GetArrayLength());
        var summary = root.GetProperty("summary").GetProperty("psnr");
        Assert.Equal(3, summary.GetProperty("n").GetInt32());
        Assert.Equal(1, summary.GetProperty("infinite").GetInt32());
        Assert.True(Image(root, "c").GetProperty("scores").GetProperty("psnr").GetDouble() > 25);
        Assert.Equal(0, root.GetProperty("settings").GetProperty("crop_border").GetInt32());
        var lines = File.ReadAllLines(csv);
        Assert.Equal("name,psnr,ssim_y", lines[0]);
        Assert.Equal(5, lines.Length);
        Assert.Contains(lines, l => l.StartsWith("same,Infinity,1", StringComparison.Ordinal));
    }

    // System.Text.Json has no reader for the bare Infinity token that Python's json module writes and reads.
    private static JsonElement ReadJson(string path, string text) => JsonDocument.Parse(text.Replace(": Infinity", ": 1e999", StringComparison.Ordinal)).RootElement;

    private static byte[] ToJpeg(ImageTensor image)
    {
        var path = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N") + ".png");
        ImageFile.WritePng(image, path);
        using var vips = NetVips.Image.NewFromFile(path);
        var bytes = vips.JpegsaveBuffer(q: 95);
        File.Delete(path);
        return bytes;
    }

    public static TheoryData<string, Func<ImageTensor, string, string>, string> BadRestoredFiles() => new()
    {
        { "truncated PNG", (img, dir) => Truncated(img, dir, "bad.png", png: true), "bad.png" },
        { "truncated JPEG", (img, dir) => Truncated(img, dir, "bad.jpg", png: false), "bad.jpg" },
        { "zero-byte file", (_, dir) => WriteBytes(dir, "bad.png", []), "empty file" },
        { "text named .png", (_, dir) => WriteBytes(dir, "bad.png", "hello, not an image\n"u8.ToArray()), "bad.png" },
        { "size mismatch", (_, dir) => WritePng(dir, "bad.png", TempFolder.Pattern(3, 40, 40)), "differs from the ground truth" },
        { "unreadable file", (_, dir) => Symlink(dir, "bad.png", "/proc/self/mem"), "bad.png" },
    };

    [Theory]
    [MemberData(nameof(BadRestoredFiles))]
    public void A_bad_image_is_one_error_line_and_the_others_are_still_scored(string label, Func<ImageTensor, string, string> make, string expected)
    {
        var (temp, gt, restored) = Setup();
        using var _ = temp;
        TempFolder.Write(Path.Combine(gt, "bad.png"), TempFolder.Pattern(3, 48, 40, 5));
        make(TempFolder.Pattern(3, 48, 40, 5), restored);
        var json = Path.Combine(temp.Root, "scores.json");
        var r = CliProcess.Run("eval", "--restored", restored, "--gt", gt, "--metrics", "psnr,ssim", "--json", json);
        Assert.True(r.ExitCode == 1, $"{label}: exit {r.ExitCode}\n{r.Stderr}");
        var errorLines = Array.FindAll(r.StderrLines, l => l.StartsWith("error:", StringComparison.Ordinal));
        Assert.Single(errorLines);
        Assert.Contains("bad.", errorLines[0], StringComparison.Ordinal);
        Assert.Contains(expected, errorLines[0], StringComparison.Ordinal);
        var root = ReadJson(json, File.ReadAllText(json));
        Assert.Equal(2, root.GetProperty("summary").GetProperty("psnr").GetProperty("n").GetInt32());
        Assert.NotEqual(0, Image(root, "bad").GetProperty("errors").GetArrayLength());
        Assert.Equal(2, Image(root, "a").GetProperty("scores").EnumerateObject().Count());
    }

    [Fact]
    public void Image_over_the_pixel_limit_is_refused_for_that_image_only()
    {
        var (temp, gt, restored) = Setup();
        using var _ = temp;
        TempFolder.Write(Path.Combine(gt, "big.png"), TempFolder.Pattern(3, 100, 100));
        TempFolder.Write(Path.Combine(restored, "big.png"), TempFolder.Pattern(3, 100, 100));
        var r = CliProcess.Run("eval", "--restored", restored, "--gt", gt, "--metrics", "psnr", "--max-pixels", "5000");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains(r.StderrLines, l => l.StartsWith("error:", StringComparison.Ordinal) && l.Contains("big.png", StringComparison.Ordinal) && l.Contains("exceeds the limit", StringComparison.Ordinal));
        Assert.Contains("psnr", r.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Gray_vs_rgb_is_converted_with_a_warning()
    {
        var (temp, gt, restored) = Setup();
        using var _ = temp;
        TempFolder.Write(Path.Combine(gt, "g.png"), TempFolder.Pattern(3, 48, 40));
        TempFolder.Write(Path.Combine(restored, "g.png"), TempFolder.Pattern(1, 48, 40));
        var r = CliProcess.Run("eval", "--restored", restored, "--gt", gt, "--metrics", "psnr");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains(r.StderrLines, l => l.StartsWith("warning:", StringComparison.Ordinal) && l.Contains("g.png", StringComparison.Ordinal) && l.Contains("converted to RGB", StringComparison.Ordinal));
    }

    [Fact]
    public void Sixteen_bit_vs_eight_bit_compares_on_the_common_scale()
    {
        using var temp = new TempFolder();
        var gt8 = temp.Sub("gt8");
        var gt16 = temp.Sub("gt16");
        var restored = temp.Sub("restored");
        var gt = Quantization.ToBitDepth(TempFolder.Pattern(3, 48, 40), 8);
        TempFolder.Write(Path.Combine(gt8, "x.png"), gt);
        TempFolder.Write(Path.Combine(gt16, "x.png"), gt, bitDepth: 16); // v·257: the same values on [0, 1]
        TempFolder.Write(Path.Combine(restored, "x.png"), TempFolder.Pattern(3, 48, 40, 0.1));
        var a = CliProcess.Run("eval", "--restored", restored, "--gt", gt8, "--metrics", "psnr,ssim");
        var b = CliProcess.Run("eval", "--restored", restored, "--gt", gt16, "--metrics", "psnr,ssim");
        Assert.Equal(0, b.ExitCode);
        Assert.Equal(a.Stdout, b.Stdout);
        Assert.Contains(b.StderrLines, l => l.StartsWith("warning:", StringComparison.Ordinal) && l.Contains("16-bit", StringComparison.Ordinal));
    }

    [Fact]
    public void Unmatched_files_are_listed_by_name()
    {
        var (temp, gt, restored) = Setup();
        using var _ = temp;
        TempFolder.Write(Path.Combine(restored, "only_restored.png"), TempFolder.Pattern(3, 48, 40));
        TempFolder.Write(Path.Combine(gt, "only_gt.png"), TempFolder.Pattern(3, 48, 40));
        var r = CliProcess.Run("eval", "--restored", restored, "--gt", gt, "--metrics", "psnr");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains(r.StderrLines, l => l.Contains("unmatched (restored, 1): only_restored.png", StringComparison.Ordinal));
        Assert.Contains(r.StderrLines, l => l.Contains("unmatched (gt, 1): only_gt.png", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("--metrics", "psnr,ssmi", "did you mean 'ssim'")]
    [InlineData("--spec", "blurr(sigma=1)", "--spec: unknown degradation 'blurr'")]
    [InlineData("--json", "/proc/no/such/dir/x.json", "not writable")]
    public void Usage_errors_exit_2_with_one_line(string option, string value, string expected)
    {
        var (temp, gt, restored) = Setup();
        using var _ = temp;
        var args = new List<string> { "eval", "--restored", restored, "--gt", gt };
        if (option != "--metrics")
        {
            args.AddRange(["--metrics", "psnr"]);
        }

        args.AddRange([option, value]);
        var r = CliProcess.Run([.. args]);
        Assert.Equal(2, r.ExitCode);
        Assert.Single(r.StderrLines);
        Assert.Contains(expected, r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Full_reference_metric_without_gt_is_a_usage_error()
    {
        var (temp, _, restored) = Setup();
        using var __ = temp;
        var r = CliProcess.Run("eval", "--restored", restored, "--metrics", "psnr");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("needs --gt", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void No_reference_mode_scores_without_gt_and_small_or_flat_images_are_per_image_errors()
    {
        using var temp = new TempFolder();
        var restored = temp.Sub("restored");
        TempFolder.Write(Path.Combine(restored, "ok.png"), TempFolder.Pattern(3, 200, 200));
        TempFolder.Write(Path.Combine(restored, "small.png"), TempFolder.Pattern(3, 60, 60));
        var flat = new ImageTensor(3, 200, 200);
        flat.Data.Fill(0.5);
        TempFolder.Write(Path.Combine(restored, "flat.png"), flat);
        var json = Path.Combine(temp.Root, "nr.json");
        var r = CliProcess.Run("eval", "--restored", restored, "--metrics", "niqe,brisque", "--json", json);
        Assert.Equal(1, r.ExitCode);
        var errors = Array.FindAll(r.StderrLines, l => l.StartsWith("error:", StringComparison.Ordinal));
        Assert.Contains(errors, l => l.Contains("small.png: niqe:", StringComparison.Ordinal));
        Assert.Contains(errors, l => l.Contains("flat.png: niqe:", StringComparison.Ordinal));
        var root = ReadJson(json, File.ReadAllText(json));
        Assert.Equal(1, root.GetProperty("summary").GetProperty("niqe").GetProperty("n").GetInt32());
        Assert.True(double.IsFinite(Image(root, "ok").GetProperty("scores").GetProperty("niqe").GetDouble()));
    }

    [Fact]
    public void Perception_distortion_summary_is_written_when_both_metrics_are_computed()
    {
        var (temp, gt, restored) = Setup();
        using var _ = temp;
        foreach (var dir in new[] { gt, restored })
        {
            foreach (var name in new[] { "a", "b", "same" })
            {
                TempFolder.Write(Path.Combine(dir, name + ".png"), TempFolder.Pattern(3, 200, 200, dir == gt ? 0 : 0.1));
            }
        }

        var json = Path.Combine(temp.Root, "pd.json");
        var r = CliProcess.Run("eval", "--restored", restored, "--gt", gt, "--metrics", "ssim_y,niqe", "--json", json);
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("perception-distortion: ssim_y = ", r.Stdout, StringComparison.Ordinal);
        var pd = ReadJson(json, File.ReadAllText(json)).GetProperty("perception_distortion");
        Assert.Equal("ssim_y", pd.GetProperty("distortion_metric").GetString());
        Assert.Equal("niqe", pd.GetProperty("perception_metric").GetString());
    }

    private static string Truncated(ImageTensor image, string dir, string name, bool png)
    {
        var path = Path.Combine(dir, name);
        var bytes = png ? PngBytes(image) : ToJpeg(image);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        return path;
    }

    private static byte[] PngBytes(ImageTensor image)
    {
        var path = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N") + ".png");
        ImageFile.WritePng(image, path);
        var bytes = File.ReadAllBytes(path);
        File.Delete(path);
        return bytes;
    }

    private static string WriteBytes(string dir, string name, byte[] bytes)
    {
        var path = Path.Combine(dir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static string WritePng(string dir, string name, ImageTensor image)
    {
        var path = Path.Combine(dir, name);
        ImageFile.WritePng(image, path);
        return path;
    }

    private static string Symlink(string dir, string name, string target)
    {
        var path = Path.Combine(dir, name);
        File.CreateSymbolicLink(path, target);
        return path;
    }
}
