using System.Reflection;
using System.Text.Encodings.Web;
using System.Text.Json;
using RestoreBench.Core.Imaging;

namespace RestoreBench.Cli;

/// <summary>Exit codes of every command.</summary>
internal static class ExitCodes
{
    /// <summary>Every image processed.</summary>
    public const int Ok = 0;

    /// <summary>Some images failed; the others were processed and written.</summary>
    public const int SomeFailed = 1;

    /// <summary>Usage error: bad option, unknown metric, malformed spec, unwritable output.</summary>
    public const int Usage = 2;
}

/// <summary>A usage error: reported on one line, exit code 2.</summary>
internal sealed class UsageException(string message) : Exception(message);

/// <summary>Shared plumbing for command actions.</summary>
internal static class CliRun
{
    public static string ToolVersion { get; } = "restorebench " +
        (typeof(CliRun).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0");

    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>Runs an action, turning usage errors into exit code 2 with a one-line message.</summary>
    public static Task<int> Guard(Func<int> action)
    {
        try
        {
            return Task.FromResult(action());
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine("error: " + e.Message);
            return Task.FromResult(ExitCodes.Usage);
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine("cancelled");
            return Task.FromResult(130);
        }
    }

    /// <summary>Evaluates a factory, turning its argument errors into usage errors.</summary>
    public static T Usage<T>(Func<T> factory)
    {
        try
        {
            return factory();
        }
        catch (ArgumentException e)
        {
            throw new UsageException(OneLine(e));
        }
    }

    /// <summary>Evaluates a parser, turning its format errors into usage errors.</summary>
    public static T Format<T>(Func<T> factory)
    {
        try
        {
            return factory();
        }
        catch (FormatException e)
        {
            throw new UsageException(e.Message);
        }
    }

    /// <summary>The exception's message on one line, without the parameter-name suffix.</summary>
    public static string OneLine(Exception e)
    {
        var message = e is ArgumentException a && a.ParamName is not null
            ? a.Message.Replace($" (Parameter '{a.ParamName}')", "", StringComparison.Ordinal)
            : e.Message;
        return message.ReplaceLineEndings(" ").Trim();
    }

    public static void WriteText(string path, string text)
    {
        try
        {
            File.WriteAllText(path, text);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"{path}: cannot write ({e.Message})");
        }
    }

    public static void WriteJson(string path, object value)
    {
        try
        {
            File.WriteAllText(path, JsonSerializer.Serialize(value, Json) + "\n");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"{path}: cannot write ({e.Message})");
        }
    }
}

/// <summary>The common --max-pixels option.</summary>
internal static class CommonOptions
{
    public static System.CommandLine.Option<long> MaxPixels() => new("--max-pixels")
    {
        Description = "Refuse images with more pixels than this, before decoding them.",
        DefaultValueFactory = _ => ImageFile.DefaultMaxPixels,
    };
}

/// <summary>Output folders: created when missing, checked for writability up front.</summary>
internal static class OutputFolder
{
    public static void Ensure(string folder)
    {
        try
        {
            Directory.CreateDirectory(folder);
            var probe = Path.Combine(folder, $".restorebench-write-test-{Environment.ProcessId}");
            File.WriteAllText(probe, "");
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"{folder}: output folder is not writable ({e.Message})");
        }
    }
}

/// <summary>Input images: one file, or the supported images of a folder (not recursive), by stem.</summary>
internal static class InputImages
{
    public static IReadOnlyList<(string Stem, string Path)> List(string input, bool reportIgnored = true)
    {
        if (File.Exists(input))
        {
            return [(Path.GetFileNameWithoutExtension(input), input)];
        }

        if (!Directory.Exists(input))
        {
            throw new UsageException($"{input}: no such file or folder");
        }

        ImageFolderListing listing;
        try
        {
            listing = ImageFolder.List(input);
        }
        catch (ImageFileException e)
        {
            throw new UsageException(e.Message);
        }

        foreach (var conflict in listing.Conflicts)
        {
            Console.Error.WriteLine($"error: {input}: {conflict.Message}");
        }

        if (reportIgnored && listing.Ignored.Count > 0)
        {
            Console.Error.WriteLine($"note: {input}: ignored {listing.Ignored.Count} non-image file(s): {string.Join(", ", listing.Ignored)}");
        }

        if (listing.Images.Count == 0)
        {
            throw new UsageException($"{input}: no supported images (accepted: {string.Join(", ", ImageFile.SupportedExtensions.Order())})");
        }

        var files = new List<(string, string)>(listing.Images.Count);
        foreach (var (stem, path) in listing.Images)
        {
            files.Add((stem, path));
        }

        return files;
    }
}
