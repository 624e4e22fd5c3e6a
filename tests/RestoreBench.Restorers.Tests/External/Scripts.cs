using System.Diagnostics;

namespace RestoreBench.Restorers.Tests.External;

/// <summary>Small real tools written by the tests: bash scripts, and a Python + Pillow upsampler.</summary>
internal sealed class Scripts : IDisposable
{
    public Scripts()
    {
        Root = Path.Combine(Path.GetTempPath(), "rb-ext " + Guid.NewGuid().ToString("N")[..8]); // a space on purpose
        Directory.CreateDirectory(Root);
    }

    public string Root { get; }

    public string Work(string name = "work") => Path.Combine(Root, name);

    /// <summary>Writes an executable bash script and returns its path.</summary>
    public string Bash(string name, string body)
    {
        var path = Path.Combine(Root, name);
        File.WriteAllText(path, "#!/bin/bash\nset -e\n" + body + "\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        return path;
    }

    /// <summary>Writes a Python script (run with /usr/bin/python3) and returns its path.</summary>
    public string Python(string name, string body)
    {
        var path = Path.Combine(Root, name);
        File.WriteAllText(path, body);
        return path;
    }

    /// <summary>Single-quotes a path for a command template.</summary>
    public static string Quote(string path) => "'" + path + "'";

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    public static bool PythonWithPillow { get; } = Probe();

    private static bool Probe()
    {
        if (!File.Exists("/usr/bin/python3"))
        {
            return false;
        }

        try
        {
            using var p = Process.Start(new ProcessStartInfo("/usr/bin/python3", ["-c", "import PIL, numpy"]) { RedirectStandardError = true })!;
            p.WaitForExit();
            return p.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}

internal sealed class PythonFactAttribute : FactAttribute
{
    public PythonFactAttribute()
    {
        if (!Scripts.PythonWithPillow)
        {
            Skip = "/usr/bin/python3 with Pillow and numpy is not available; test skipped.";
        }
    }
}
