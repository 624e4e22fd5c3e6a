using System.Text.Json;
using RestoreBench.Core.Imaging;
using RestoreBench.Tests;

namespace RestoreBench.Cli.Tests;

public class DegradeCommandTests
{
    [SharedFact]
    public void Degrading_the_reference_gt_reproduces_the_matlab_lr_bytes_and_records_gamma()
    {
        using var temp = new TempFolder();
        var input = temp.Sub("in");
        File.Copy(SharedData.Vectors("images", "astronaut_gt.png"), Path.Combine(input, "astronaut.png"));
        File.Copy(SharedData.Vectors("images", "camera_gt.png"), Path.Combine(input, "camera.png"));
        var output = Path.Combine(temp.Root, "out");
        var r = CliProcess.Run("degrade", input, output, "--spec", "down(scale=2)", "--upsample-back");
        Assert.True(r.ExitCode == 0, r.Stderr);
        foreach (var name in new[] { "astronaut", "camera" })
        {
            Assert.Equal(Pixels(SharedData.Vectors("images", $"{name}_lr_x2.png")), Pixels(Path.Combine(output, name + ".png")));
            Assert.Equal(Pixels(SharedData.Vectors("images", $"{name}_bicubic_x2.png")), Pixels(Path.Combine(output, "upsampled", name + ".png")));
        }

        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "degradations.json")));
        var images = doc.RootElement.GetProperty("images");
        Assert.Equal(2, images.GetArrayLength());
        var first = images[0];
        Assert.Equal("astronaut", first.GetProperty("name").GetString());
        Assert.Equal("down(scale=2)", first.GetProperty("spec").GetString());
        Assert.Equal(2.0, first.GetProperty("alpha").GetDouble());
        var beta = first.GetProperty("beta").GetDouble();
        Assert.InRange(beta, 0.01, 0.2);
        Assert.Equal((1 - beta) / 2, first.GetProperty("gamma").GetDouble(), 12);
        // β = 1 − SSIM_Y(gt, U_α(lq)) with U_α unrounded: the same as the library computes in-process,
        // and within 1e-3 of the reference pair's SSIM-Y, where the upsampled image was rounded to 8 bits.
        var gt = ImageFile.Read(SharedData.Vectors("images", "astronaut_gt.png")).Image;
        var up = Degradations.Resize.Resizer.Resize(ImageFile.Read(SharedData.Vectors("images", "astronaut_lr_x2.png")).Image, 2);
        Assert.Equal(1 - new Metrics.FullReference.Ssim(Metrics.MetricChannels.Y).Compute(up, gt), beta, 12);
        foreach (var pair in SharedData.ExpectedValues.GetProperty("pairs").EnumerateArray())
        {
            if (pair.GetProperty("gt").GetString() == "images/astronaut_gt.png" && pair.GetProperty("dist").GetString() == "images/astronaut_bicubic_x2.png")
            {
                Assert.Equal(1 - pair.GetProperty("ssim_y_f64_direct").GetDouble(), beta, 3);
            }
        }
    }

    [Fact]
    public void Same_seed_gives_identical_files_and_sampler_records_the_drawn_spec()
    {
        using var temp = new TempFolder();
        var input = temp.Sub("in");
        TempFolder.Write(Path.Combine(input, "p.png"), TempFolder.Pattern(3, 64, 64));
        var a = Path.Combine(temp.Root, "a");
        var b = Path.Combine(temp.Root, "b");
        Assert.Equal(0, CliProcess.Run("degrade", input, a, "--sampler", "realesrgan", "--alpha", "2", "--seed", "5").ExitCode);
        Assert.Equal(0, CliProcess.Run("degrade", input, b, "--sampler", "realesrgan", "--alpha", "2", "--seed", "5").ExitCode);
        Assert.Equal(File.ReadAllBytes(Path.Combine(a, "p.png")), File.ReadAllBytes(Path.Combine(b, "p.png")));
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(a, "degradations.json")));
        var spec = doc.RootElement.GetProperty("images")[0].GetProperty("spec").GetString()!;
        Assert.Contains("down(", spec, StringComparison.Ordinal);
        Assert.Equal(32, ImageFile.Read(Path.Combine(a, "p.png")).Image.Height);
    }

    [Fact]
    public void A_bad_file_in_the_folder_is_reported_and_the_others_are_written()
    {
        using var temp = new TempFolder();
        var input = temp.Sub("in");
        TempFolder.Write(Path.Combine(input, "good.png"), TempFolder.Pattern(3, 32, 32));
        File.WriteAllText(Path.Combine(input, "bad.png"), "not a png");
        var output = Path.Combine(temp.Root, "out");
        var r = CliProcess.Run("degrade", input, output, "--spec", "blur(sigma=1)");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains(r.StderrLines, l => l.StartsWith("error:", StringComparison.Ordinal) && l.Contains("bad.png", StringComparison.Ordinal));
        Assert.True(File.Exists(Path.Combine(output, "good.png")));
        Assert.Contains("bad.png", File.ReadAllText(Path.Combine(output, "degradations.json")), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("blur(sigma=1", "--spec: stage 'blur(sigma=1' must end with ')'")]
    [InlineData("down(scale=0)", "--spec: down: scale must be positive")]
    public void Malformed_spec_is_a_usage_error(string spec, string expected)
    {
        using var temp = new TempFolder();
        var input = temp.Sub("in");
        TempFolder.Write(Path.Combine(input, "p.png"), TempFolder.Pattern(3, 16, 16));
        var r = CliProcess.Run("degrade", input, Path.Combine(temp.Root, "out"), "--spec", spec);
        Assert.Equal(2, r.ExitCode);
        Assert.Single(r.StderrLines);
        Assert.Contains(expected, r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Unsupported_format_and_unwritable_output_fail_clearly()
    {
        using var temp = new TempFolder();
        var gif = Path.Combine(temp.Root, "x.gif");
        File.WriteAllBytes(gif, "GIF89a"u8.ToArray());
        var r = CliProcess.Run("degrade", gif, Path.Combine(temp.Root, "out"), "--spec", "blur(sigma=1)");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains(r.StderrLines, l => l.Contains("x.gif", StringComparison.Ordinal) && l.Contains("unsupported format", StringComparison.Ordinal));

        var png = Path.Combine(temp.Root, "p.png");
        TempFolder.Write(png, TempFolder.Pattern(3, 16, 16));
        var blocked = CliProcess.Run("degrade", png, Path.Combine(png, "sub"), "--spec", "blur(sigma=1)");
        Assert.Equal(2, blocked.ExitCode);
        Assert.Contains("not writable", blocked.Stderr, StringComparison.Ordinal);
    }

    private static byte[] Pixels(string path)
    {
        var image = ImageFile.Read(path).Image;
        var bytes = new byte[image.Data.Length];
        for (var i = 0; i < bytes.Length; i++)
        {
            bytes[i] = (byte)Rounding.Quantize(image.Data[i], 255, RoundingMode.HalfAwayFromZero);
        }

        return bytes;
    }
}
