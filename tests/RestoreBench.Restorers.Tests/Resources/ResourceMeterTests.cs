using RestoreBench.Core.Imaging;
using RestoreBench.Restorers.Classical;
using RestoreBench.Restorers.External;
using RestoreBench.Restorers.Folder;
using RestoreBench.Restorers.Resources;
using RestoreBench.Restorers.Tests.External;

namespace RestoreBench.Restorers.Tests.Resources;

public class ResourceMeterTests
{
    [Fact]
    public async Task Classical_restorer_reports_zero_parameters_a_median_latency_and_peak_memory()
    {
        using var restorer = ClassicalRestorers.Create("classical:wiener(sigma=2)");
        var r = await ResourceMeter.MeasureAsync(restorer, TestImages.Pattern(3, 256, 256), warmupRuns: 1, runs: 3);
        Assert.Equal(0, r.ParameterCount);
        Assert.Equal(3, r.LatenciesMs.Count);
        Assert.True(r.LatencyMedianMs > 0);
        Assert.Equal(ResourceMeter.Median(r.LatenciesMs), r.LatencyMedianMs);
        Assert.NotNull(r.PeakMemoryBytes);
        Assert.True(r.AllocatedBytesPerRun > 256 * 256 * 16, "a 256x256 complex spectrum is allocated per run");
        Assert.Equal("3x256x256", r.ImageShape);
        if (OperatingSystem.IsLinux())
        {
            Assert.Contains("VmHWM", r.MemoryDefinition, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Peak_memory_sees_a_large_native_allocation_after_a_reset()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var meter = PeakMemory.Start();
        Assert.True(meter.ResetSucceeded);
        var block = new byte[200 << 20];
        Array.Fill(block, (byte)1); // touch every page
        Assert.True(meter.PeakDeltaBytes > 150L << 20, $"peak delta {meter.PeakDeltaBytes} bytes");
        GC.KeepAlive(block);
    }

    [Fact]
    public async Task External_restorer_reports_child_memory_and_folder_restorer_reports_nothing()
    {
        using var scripts = new Scripts();
        var tool = scripts.Bash("copy.sh", "cp \"$1\"/* \"$2\"/");
        using var external = new ExternalCommandRestorer(new ExternalCommandOptions { Template = $"{Scripts.Quote(tool)} {{input_dir}} {{output_dir}}" });
        var r = await ResourceMeter.MeasureAsync(external, TestImages.Pattern(3, 16, 16), warmupRuns: 0, runs: 2);
        Assert.Null(r.ParameterCount);
        Assert.Equal(2, r.LatenciesMs.Count);
        if (OperatingSystem.IsLinux())
        {
            Assert.True(r.PeakMemoryBytes > 0);
        }

        var folder = Path.Combine(scripts.Root, "precomputed");
        Directory.CreateDirectory(folder);
        using var precomputed = new FolderRestorer(folder);
        var f = await ResourceMeter.MeasureAsync(precomputed, new ImageTensor(1, 2, 2));
        Assert.Null(f.LatencyMedianMs);
        Assert.Null(f.PeakMemoryBytes);
    }

    [Theory]
    [InlineData(new[] { 3.0 }, 3.0)]
    [InlineData(new[] { 5.0, 1.0, 3.0 }, 3.0)]
    [InlineData(new[] { 4.0, 1.0, 3.0, 2.0 }, 2.5)]
    public void Median_of_odd_and_even_counts(double[] values, double median) =>
        Assert.Equal(median, ResourceMeter.Median(values));
}
