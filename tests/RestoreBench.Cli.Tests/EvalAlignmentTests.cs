using System.Text.Json;
using RestoreBench.Core.Imaging;
using RestoreBench.Tests.Alignment;

namespace RestoreBench.Cli.Tests;

/// <summary><c>eval --metrics align_dinov2</c> with a closed-form 224x224 patch encoder (TestEncoders).</summary>
public class EvalAlignmentTests
{
    private static ImageTensor Constant(int size, int r, int g, int b)
    {
        var image = new ImageTensor(3, size, size);
        image.Plane(0).Fill(r / 255.0);
        image.Plane(1).Fill(g / 255.0);
        image.Plane(2).Fill(b / 255.0);
        return image;
    }

    private static double Expected(int[] x, int[] y) => TestEncoders.Cosine(
        TestEncoders.Expected(TestEncoders.NormalisedConstant(x[0] / 255.0, x[1] / 255.0, x[2] / 255.0), cls: true),
        TestEncoders.Expected(TestEncoders.NormalisedConstant(y[0] / 255.0, y[1] / 255.0, y[2] / 255.0), cls: true));

    private static readonly int[] GtColour = [51, 128, 204];
    private static readonly int[] RestoredColour = [178, 102, 25];
    private static readonly int[] LqColour = [90, 90, 90];

    /// <summary>gt/ and restored/ 64x64, lq/ 32x32 (spec down(scale=2)), images a and b; the encoder file.</summary>
    private static (TempFolder Temp, string Gt, string Lq, string Restored, string Encoder) Setup()
    {
        var temp = new TempFolder();
        string gt = temp.Sub("gt"), lq = temp.Sub("lq"), restored = temp.Sub("restored");
        foreach (var name in new[] { "a", "b" })
        {
            TempFolder.Write(Path.Combine(gt, name + ".png"), Constant(64, GtColour[0], GtColour[1], GtColour[2]));
            TempFolder.Write(Path.Combine(restored, name + ".png"), Constant(64, RestoredColour[0], RestoredColour[1], RestoredColour[2]));
            TempFolder.Write(Path.Combine(lq, name + ".png"), Constant(32, LqColour[0], LqColour[1], LqColour[2]));
        }

        var encoder = Path.Combine(temp.Root, "dinov2-test.onnx");
        File.WriteAllBytes(encoder, TestEncoders.Patch(224, 14));
        return (temp, gt, lq, restored, encoder);
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
    public void Gt_mode_matches_the_closed_form_and_records_the_mode()
    {
        var (temp, gt, _, restored, encoder) = Setup();
        using var _t = temp;
        var json = Path.Combine(temp.Root, "scores.json");
        var r = CliProcess.Run("eval", "--restored", restored, "--gt", gt, "--metrics", "align_dinov2,psnr", "--encoder", encoder, "--json", json, "--threads", "1");
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("smaller than the encoder crop 224; upsampled", r.Stderr, StringComparison.Ordinal);
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        var a = Image(doc.RootElement, "a");
        Assert.Equal(Expected(GtColour, RestoredColour), a.GetProperty("scores").GetProperty("align_dinov2").GetDouble(), 1e-5);
        Assert.Equal("gt", a.GetProperty("details").GetProperty("align_dinov2.mode").GetString());
        var options = doc.RootElement.GetProperty("settings").GetProperty("metrics").GetProperty("align_dinov2").GetProperty("options");
        Assert.Equal("cls", options.GetProperty("embedding").GetString());
    }

    [Fact]
    public void Auto_mode_takes_gamma_from_degradations_json_and_chooses_per_image()
    {
        var (temp, gt, lq, restored, encoder) = Setup();
        using var _t = temp;
        File.WriteAllText(Path.Combine(lq, "degradations.json"), """{"images":[{"name":"a","gamma":0.5},{"name":"b","gamma":0.2}]}""");
        var json = Path.Combine(temp.Root, "scores.json");
        var r = CliProcess.Run("eval", "--restored", restored, "--gt", gt, "--lq", lq, "--spec", "down(scale=2)", "--metrics", "align_dinov2,align_lr,lr_psnr",
            "--encoder", encoder, "--align-mode", "auto", "--align-threshold", "0.4", "--json", json, "--threads", "1");
        Assert.True(r.ExitCode == 0, r.Stderr);
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        var a = Image(doc.RootElement, "a");
        var b = Image(doc.RootElement, "b");
        Assert.Equal("gt", a.GetProperty("details").GetProperty("align_dinov2.mode").GetString());
        Assert.Equal("lq", b.GetProperty("details").GetProperty("align_dinov2.mode").GetString());
        Assert.Equal("degradations.json", b.GetProperty("details").GetProperty("align_dinov2.gamma_source").GetString());
        Assert.Equal(Expected(GtColour, RestoredColour), a.GetProperty("scores").GetProperty("align_dinov2").GetDouble(), 1e-5);
        Assert.Equal(Expected(LqColour, RestoredColour), b.GetProperty("scores").GetProperty("align_dinov2").GetDouble(), 1e-5);
        Assert.Equal(b.GetProperty("scores").GetProperty("lr_psnr").GetDouble(), b.GetProperty("scores").GetProperty("align_lr").GetDouble());
        Assert.Contains("align_dinov2: 1 image(s) scored against the ground truth (Eq. 14), 1 against the low-quality input (Eq. 15)", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Auto_mode_measures_gamma_without_degradations_json()
    {
        var (temp, gt, lq, restored, encoder) = Setup();
        using var _t = temp;
        var json = Path.Combine(temp.Root, "scores.json");
        var r = CliProcess.Run("eval", "--restored", restored, "--gt", gt, "--lq", lq, "--spec", "down(scale=2)", "--metrics", "align_dinov2",
            "--encoder", encoder, "--align-mode", "auto", "--json", json, "--threads", "1");
        Assert.True(r.ExitCode == 0, r.Stderr);
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        var details = Image(doc.RootElement, "a").GetProperty("details");
        Assert.StartsWith("measured: 1-ssim_y(gt,up(lq))", details.GetProperty("align_dinov2.gamma_source").GetString(), StringComparison.Ordinal);
        // alpha = 2 (from the spec), so gamma = (1 - beta) / 2 <= 0.5; the mode follows the threshold 0.4.
        var gamma = double.Parse(details.GetProperty("align_dinov2.gamma").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(gamma, 0.0, 0.5);
        Assert.Contains("alpha 2", details.GetProperty("align_dinov2.gamma_source").GetString(), StringComparison.Ordinal);
        Assert.Equal(gamma >= 0.4 ? "gt" : "lq", details.GetProperty("align_dinov2.mode").GetString());
    }

    [Fact]
    public void Lq_mode_without_lq_or_spec_is_a_usage_error()
    {
        var (temp, gt, lq, restored, encoder) = Setup();
        using var _t = temp;
        var noSpec = CliProcess.Run("eval", "--restored", restored, "--lq", lq, "--metrics", "align_dinov2", "--encoder", encoder, "--align-mode", "lq");
        Assert.Equal(2, noSpec.ExitCode);
        Assert.Contains("needs --lq and --spec", noSpec.Stderr, StringComparison.Ordinal);
        var noLq = CliProcess.Run("eval", "--restored", restored, "--gt", gt, "--spec", "down(scale=2)", "--metrics", "align_dinov2", "--encoder", encoder, "--align-mode", "lq");
        Assert.Equal(2, noLq.ExitCode);
        Assert.Contains("mode lq needs --lq and --spec", noLq.Stderr, StringComparison.Ordinal);
        var badMode = CliProcess.Run("eval", "--restored", restored, "--gt", gt, "--metrics", "align_dinov2", "--encoder", encoder, "--align-mode", "both");
        Assert.Equal(2, badMode.ExitCode);
        Assert.Contains("accepted: gt, lq, auto", badMode.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_unknown_and_mismatched_encoders_are_usage_errors()
    {
        var (temp, gt, _, restored, _) = Setup();
        using var _t = temp;
        var none = CliProcess.Run("eval", "--restored", restored, "--gt", gt, "--metrics", "align_dinov2");
        Assert.Equal(2, none.ExitCode);
        Assert.Contains("needs an encoder (--encoder", none.Stderr, StringComparison.Ordinal);

        var home = temp.Sub("home");
        var unknown = CliProcess.RunWith(new Dictionary<string, string?> { ["RESTOREBENCH_HOME"] = home },
            "eval", "--restored", restored, "--gt", gt, "--metrics", "align_dinov2", "--encoder", "dinov2-smal");
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("--encoder dinov2-smal: no such file and no installed model", unknown.Stderr, StringComparison.Ordinal);

        var wrong = Path.Combine(temp.Root, "wrong.onnx");
        File.WriteAllBytes(wrong, TestEncoders.WrongNames());
        var mismatch = CliProcess.Run("eval", "--restored", restored, "--gt", gt, "--metrics", "align_dinov2", "--encoder", wrong);
        Assert.Equal(2, mismatch.ExitCode);
        Assert.Contains("Expected input pixel_values: float32[N,3,224,224]", mismatch.Stderr, StringComparison.Ordinal);
        Assert.Contains("The model has inputs x: float32[1,3,32,32]; outputs y: float32[1,3,32,32]", mismatch.Stderr, StringComparison.Ordinal);
    }
}
