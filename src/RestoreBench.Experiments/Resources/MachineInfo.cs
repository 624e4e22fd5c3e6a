using System.Runtime.InteropServices;
using System.Text.Json;
using Microsoft.ML.OnnxRuntime;

namespace RestoreBench.Experiments.Resources;

/// <summary>
/// The machine a run executed on, stored in <c>runs.machine_json</c>: CPU model (Linux
/// /proc/cpuinfo "model name", else the architecture), logical cores, OS, .NET runtime, ONNX Runtime
/// version and the execution provider the runner's ONNX sessions use.
/// </summary>
public static class MachineInfo
{
    /// <summary>The JSON object <c>{"cpu","cores","os","dotnet","onnxruntime","execution_provider"}</c>.</summary>
    public static string Json(string executionProvider = "CPUExecutionProvider")
    {
        string onnx;
        try
        {
            onnx = OrtEnv.Instance().GetVersionString();
        }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or OnnxRuntimeException)
        {
            onnx = "unavailable";
        }

        return JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["cpu"] = Cpu(),
            ["cores"] = Environment.ProcessorCount,
            ["os"] = RuntimeInformation.OSDescription,
            ["dotnet"] = RuntimeInformation.FrameworkDescription,
            ["onnxruntime"] = onnx,
            ["execution_provider"] = executionProvider,
        });
    }

    /// <summary>The CPU model name, or the process architecture when unknown.</summary>
    public static string Cpu()
    {
        try
        {
            if (File.Exists("/proc/cpuinfo"))
            {
                foreach (var line in File.ReadLines("/proc/cpuinfo"))
                {
                    if (line.StartsWith("model name", StringComparison.Ordinal) && line.IndexOf(':', StringComparison.Ordinal) is var i and > 0)
                    {
                        return line[(i + 1)..].Trim();
                    }
                }
            }
        }
        catch (IOException)
        {
        }

        return RuntimeInformation.ProcessArchitecture.ToString();
    }
}
