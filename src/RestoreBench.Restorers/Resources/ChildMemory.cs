using System.Runtime.InteropServices;

namespace RestoreBench.Restorers.Resources;

/// <summary>Peak memory of child processes (Linux <c>getrusage(RUSAGE_CHILDREN)</c>).</summary>
internal static class ChildMemory
{
    /// <summary>ru_maxrss of RUSAGE_CHILDREN in bytes, or null off Linux / when the call fails.</summary>
    public static long? PeakResidentBytes()
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        try
        {
            return NativeMethods.getrusage(NativeMethods.RusageChildren, out var usage) == 0 ? usage.MaxRssKilobytes * 1024 : null;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }

    private static class NativeMethods
    {
        public const int RusageChildren = -1;

        [DllImport("libc.so.6", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int getrusage(int who, out RUsage usage);
    }

    /// <summary>struct rusage on 64-bit Linux: two timevals, then 14 longs (ru_maxrss first, in KiB).</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct RUsage
    {
        public long UserSeconds;
        public long UserMicroseconds;
        public long SystemSeconds;
        public long SystemMicroseconds;
        public long MaxRssKilobytes;
        public long Ixrss;
        public long Idrss;
        public long Isrss;
        public long Minflt;
        public long Majflt;
        public long Nswap;
        public long Inblock;
        public long Oublock;
        public long Msgsnd;
        public long Msgrcv;
        public long Nsignals;
        public long Nvcsw;
        public long Nivcsw;
    }
}
