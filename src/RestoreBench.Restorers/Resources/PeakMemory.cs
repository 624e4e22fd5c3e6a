using System.Diagnostics;
using System.Globalization;

namespace RestoreBench.Restorers.Resources;

/// <summary>
/// Peak resident memory (RSS) of this process over an interval, managed and native (ONNX Runtime)
/// allocations alike. On Linux the kernel's high-water mark (<c>VmHWM</c> in /proc/self/status) is
/// reset at the start of the interval by writing 5 to /proc/self/clear_refs; elsewhere, or when the
/// reset is refused, the process's lifetime peak (<see cref="Process.PeakWorkingSet64"/>) is used,
/// which may predate the interval (<see cref="ResetSucceeded"/> says which).
/// </summary>
public sealed class PeakMemory
{
    private PeakMemory(long baselineBytes, bool resetSucceeded)
    {
        BaselineBytes = baselineBytes;
        ResetSucceeded = resetSucceeded;
    }

    /// <summary>Resident memory when the interval started, bytes.</summary>
    public long BaselineBytes { get; }

    /// <summary>True when the peak counter was reset at the start, so the peak belongs to this interval.</summary>
    public bool ResetSucceeded { get; }

    /// <summary>What <see cref="PeakDeltaBytes"/> measures, for reports.</summary>
    public string Definition => ResetSucceeded
        ? "peak RSS during the runs minus RSS before them (Linux VmHWM after resetting it via /proc/self/clear_refs)"
        : "process lifetime peak working set minus working set before the runs (peak counter could not be reset; may include earlier peaks)";

    /// <summary>Starts an interval: resets the high-water mark where possible and records the current RSS.</summary>
    public static PeakMemory Start()
    {
        var reset = false;
        if (OperatingSystem.IsLinux())
        {
            try
            {
                File.WriteAllText("/proc/self/clear_refs", "5");
                reset = true;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                reset = false;
            }
        }

        return new PeakMemory(Current(), reset);
    }

    /// <summary>Peak RSS since <see cref="Start"/>, bytes.</summary>
    public long PeakBytes => (ResetSucceeded ? Status("VmHWM:") : null) ?? Lifetime();

    /// <summary>Peak RSS since <see cref="Start"/> minus the baseline, bytes (≥ 0).</summary>
    public long PeakDeltaBytes => Math.Max(0, PeakBytes - BaselineBytes);

    /// <summary>Current resident memory, bytes.</summary>
    public static long Current() => Status("VmRSS:") ?? Environment.WorkingSet;

    private static long Lifetime()
    {
        using var self = Process.GetCurrentProcess();
        return self.PeakWorkingSet64;
    }

    /// <summary>A "Key:   N kB" line of /proc/self/status in bytes, or null.</summary>
    private static long? Status(string key)
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        try
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
            {
                if (line.StartsWith(key, StringComparison.Ordinal))
                {
                    var parts = line[key.Length..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    return long.Parse(parts[0], CultureInfo.InvariantCulture) * 1024;
                }
            }
        }
        catch (IOException)
        {
        }

        return null;
    }
}
