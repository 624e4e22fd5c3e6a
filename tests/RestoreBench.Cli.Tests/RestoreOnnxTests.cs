using System.Text.Json;
using Microsoft.ML.OnnxRuntime.Tensors;
using RestoreBench.Core.Imaging;
using RestoreBench.Onnx.Graph;
using RestoreBench.Onnx.Zoo;

namespace RestoreBench.Cli.Tests;

public class RestoreOnnxTests
{
    /// <summary>An ONNX file: 3x3 box filter, then nearest x2 (receptive radius 1; any value range).</summary>
    private static string WriteModel(string folder)
    {
        var b = new OnnxGraphBuilder("box-up2");
        var x = b.AddInput("x", TensorElementType.Float, 1, 3, "h", "w");
        var weights = new float[27];
        Array.Fill(weights, 1f / 9f);
        var conv = b.Conv(x, b.AddInitializer("w", weights, 3, 1, 3, 3), null, pads: [1, 1, 1, 1], group: 3);
        b.AddOutput(b.ResizeNearest(conv, 2, 2), "y");
        var path = Path.Combine(folder, "box-up2.onnx");
        b.Save(path);
        return path;
    }

    [Fact]
    public void Onnx_file_restores_a_folder_and_tiling_gives_the_same_bytes()
    {
        using var temp = new TempFolder();
        var input = temp.Sub("in");
        TempFolder.Write(Path.Combine(input, "a.png"), TempFolder.Pattern(3, 70, 50));
        TempFolder.Write(Path.Combine(input, "b.png"), TempFolder.Pattern(3, 33, 41, 1));
        var model = WriteModel(temp.Root);
        var whole = Path.Combine(temp.Root, "whole");
        var tiled = Path.Combine(temp.Root, "tiled");
        var r = CliProcess.Run("restore", "--model", model, "--input-range", "0-255", input, whole);
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("parameters:  27", r.Stdout + r.Stderr, StringComparison.Ordinal);
        var t = CliProcess.Run("restore", "--model", model, "--input-range", "0-255", "--tile", "24", "--tile-overlap", "8", input, tiled);
        Assert.True(t.ExitCode == 0, t.Stderr);
        foreach (var name in new[] { "a.png", "b.png" })
        {
            Assert.Equal(File.ReadAllBytes(Path.Combine(whole, name)), File.ReadAllBytes(Path.Combine(tiled, name)));
        }

        Assert.Equal(140, ImageFile.Read(Path.Combine(whole, "a.png")).Image.Height);
    }

    [Theory]
    [InlineData("missing.onnx", "file not found")]
    [InlineData("text.onnx", "not an ONNX model")]
    [InlineData("esrgan-slim-x3x", "did you mean 'esrgan-slim-x3'")]
    public void Bad_models_are_usage_errors(string model, string expected)
    {
        using var temp = new TempFolder();
        var input = temp.Sub("in");
        TempFolder.Write(Path.Combine(input, "a.png"), TempFolder.Pattern(3, 16, 16));
        File.WriteAllText(Path.Combine(temp.Root, "text.onnx"), "hello");
        var path = model.EndsWith(".onnx", StringComparison.Ordinal) ? Path.Combine(temp.Root, model) : model;
        var r = CliProcess.Run("restore", "--model", path, input, Path.Combine(temp.Root, "out"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(expected, r.Stderr, StringComparison.Ordinal);
    }

    [PulledModelFact("esrgan-slim-x2")]
    public void Real_pretrained_network_restores_and_records_resources()
    {
        using var temp = new TempFolder();
        var input = temp.Sub("in");
        TempFolder.Write(Path.Combine(input, "a.png"), TempFolder.Pattern(3, 40, 48));
        var output = Path.Combine(temp.Root, "out");
        var r = CliProcess.Run("restore", "--model", "esrgan-slim-x2", input, output);
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Equal((80, 96), (ImageFile.Read(Path.Combine(output, "a.png")).Image.Height, ImageFile.Read(Path.Combine(output, "a.png")).Image.Width));
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "restore.json")));
        Assert.Contains("222,075", r.Stdout + r.Stderr, StringComparison.Ordinal);
    }
}

/// <summary>Runs only when the named catalog model is installed in the default RestoreBench cache.</summary>
internal sealed class PulledModelFactAttribute : FactAttribute
{
    public PulledModelFactAttribute(string name)
    {
        if (new ModelStore().Find(name) is null)
        {
            Skip = $"model '{name}' is not in {ModelStore.DefaultRoot()} (run 'restorebench models pull {name}'); test skipped";
        }
    }
}
