using RestoreBench.Core.Imaging;
using RestoreBench.Onnx.Runtime;
using RestoreBench.Onnx.Zoo;

namespace RestoreBench.Onnx.Tests.Zoo;

/// <summary>Same input, same settings → the same output bytes (session created anew each time).</summary>
public class DeterminismTests
{
    public static TheoryData<string> Models() => ["esrgan-slim-x2", "esrgan-thick-x2"];

    [ZooTheory]
    [MemberData(nameof(Models))]
    public async Task Repeated_runs_give_identical_outputs(string name)
    {
        var installed = await new ModelStore().PullAsync(name);
        var fixture = ImageFile.Read(installed.FixtureInput!).Image;
        var range = installed.Manifest.InputRange;
        float[] Run(int threads)
        {
            using var model = OnnxModel.Load(installed.OnnxPath, new OnnxSessionSettings { Threads = threads });
            using var x = OnnxImage.ToTensor(fixture, range);
            using var y = model.Run(x);
            return y.GetTensorDataAsSpan<float>().ToArray();
        }

        var first = Run(2);
        Assert.Equal(first, Run(2));
        Assert.Equal(first, Run(1));
    }
}
