namespace RestoreBench.Core.Imaging;

/// <summary>
/// Thrown when a file or folder cannot be read or written as an image. <see cref="Exception.Message"/>
/// is one line, <c>PATH: REASON</c>.
/// </summary>
public sealed class ImageFileException : Exception
{
    /// <summary>Creates the exception; line breaks in <paramref name="reason"/> are replaced by "; ".</summary>
    public ImageFileException(string path, string reason, Exception? inner = null)
        : base($"{OneLine(path)}: {OneLine(reason)}", inner)
    {
        Path = path;
        Reason = OneLine(reason);
    }

    /// <summary>The file or folder concerned, as given by the caller.</summary>
    public string Path { get; }

    /// <summary>Why it failed, one line, without the path.</summary>
    public string Reason { get; }

    internal static string OneLine(string text)
    {
        if (text.AsSpan().IndexOfAny('\r', '\n') < 0)
        {
            return text;
        }

        var parts = text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return string.Join("; ", parts);
    }
}
