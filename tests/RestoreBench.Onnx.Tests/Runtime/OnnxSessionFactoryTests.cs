using Microsoft.ML.OnnxRuntime;
using RestoreBench.Onnx.Runtime;

namespace RestoreBench.Onnx.Tests.Runtime;

public class OnnxSessionFactoryTests
{
    [Fact]
    public void Threads_default_to_all_cores_and_are_set_explicitly()
    {
        using var all = OnnxSessionFactory.CreateOptions(OnnxSessionSettings.Default);
        Assert.Equal(Environment.ProcessorCount, all.IntraOpNumThreads);
        using var one = OnnxSessionFactory.CreateOptions(new OnnxSessionSettings { Threads = 1, OptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_BASIC });
        Assert.Equal(1, one.IntraOpNumThreads);
        Assert.Equal(GraphOptimizationLevel.ORT_ENABLE_BASIC, one.GraphOptimizationLevel);
        Assert.Throws<ArgumentOutOfRangeException>(() => OnnxSessionFactory.CreateOptions(new OnnxSessionSettings { Threads = -1 }));
    }

    [Fact]
    public void Cuda_without_the_gpu_package_names_the_package_to_install()
    {
        if (OnnxSessionFactory.AvailableProviders().Contains("CUDAExecutionProvider"))
        {
            return; // a GPU build is installed: nothing to check here
        }

        var e = Assert.Throws<OnnxProviderUnavailableException>(() => OnnxSessionFactory.CreateOptions(new OnnxSessionSettings { Device = OnnxDevice.Cuda }));
        Assert.Contains("Microsoft.ML.OnnxRuntime.Gpu", e.Message, StringComparison.Ordinal);
        Assert.Contains("'cuda'", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Theory]
    [InlineData("cpu", OnnxDevice.Cpu)]
    [InlineData("CUDA", OnnxDevice.Cuda)]
    public void Device_names_parse(string text, OnnxDevice expected) => Assert.Equal(expected, OnnxDevices.Parse(text));

    [Fact]
    public void Unknown_device_lists_the_accepted_ones()
    {
        var e = Assert.Throws<ArgumentException>(() => OnnxDevices.Parse("tpu"));
        Assert.Contains("accepted: cpu, cuda", e.Message, StringComparison.Ordinal);
    }
}
