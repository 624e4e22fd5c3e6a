using System.Formats.Tar;
using System.IO.Compression;

namespace RestoreBench.Onnx.Zoo;

/// <summary>
/// Extracts gzip-compressed tarballs without trusting their entry names: every entry is checked before
/// anything is written, and the whole archive is refused when one entry has an absolute path, a
/// <c>..</c> segment, or is a link or device. Only regular files and folders are written.
/// </summary>
public static class SafeTarExtractor
{
    /// <summary>Largest total size of the extracted files (a guard against decompression bombs): 4 GiB.</summary>
    public const long MaxTotalBytes = 4L << 30;

    /// <summary>
    /// Checks every entry of <paramref name="tarball"/>, then extracts the regular files whose entry
    /// name passes <paramref name="include"/> (default: all) below <paramref name="destination"/>.
    /// </summary>
    /// <returns>The entry names written.</returns>
    /// <exception cref="UnsafeArchiveException">An entry is unsafe; nothing was written.</exception>
    /// <exception cref="InvalidDataException">The file is not a gzip-compressed tar archive.</exception>
    public static IReadOnlyList<string> Extract(string tarball, string destination, Func<string, bool>? include = null)
    {
        Check(tarball);
        var root = Path.GetFullPath(destination);
        Directory.CreateDirectory(root);
        var written = new List<string>();
        long total = 0;
        using var file = File.OpenRead(tarball);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var reader = new TarReader(gzip);
        while (reader.GetNextEntry() is { } entry)
        {
            if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile))
            {
                continue;
            }

            var name = Normalize(entry.Name);
            if (include is not null && !include(name))
            {
                continue;
            }

            total += entry.Length;
            if (total > MaxTotalBytes)
            {
                throw new UnsafeArchiveException($"{tarball}: more than {MaxTotalBytes} bytes to extract; refused");
            }

            var target = Target(root, name, tarball);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            using (var output = new FileStream(target, FileMode.CreateNew, FileAccess.Write))
            {
                entry.DataStream?.CopyTo(output);
            }

            written.Add(name);
        }

        return written;
    }

    /// <summary>Reads every entry header and refuses unsafe names and entry types.</summary>
    /// <returns>All entry names (normalized to '/').</returns>
    /// <exception cref="UnsafeArchiveException">The first unsafe entry, named.</exception>
    public static IReadOnlyList<string> Check(string tarball)
    {
        var names = new List<string>();
        using var file = File.OpenRead(tarball);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var reader = new TarReader(gzip);
        var root = Path.GetFullPath(Path.Combine(Path.GetTempPath(), "rb-tar-check"));
        while (reader.GetNextEntry() is { } entry)
        {
            switch (entry.EntryType)
            {
                case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile or TarEntryType.Directory:
                    break;
                case TarEntryType.GlobalExtendedAttributes:
                    continue;
                default:
                    throw new UnsafeArchiveException($"{tarball}: entry '{entry.Name}' is a {entry.EntryType} (only files and folders are extracted); refused");
            }

            var name = Normalize(entry.Name);
            if (entry.EntryType == TarEntryType.Directory && name.TrimEnd('/') is "." or "")
            {
                continue; // "./" names the extraction folder itself
            }

            _ = Target(root, name, tarball);
            names.Add(name);
        }

        return names;
    }

    private static string Normalize(string name) => name.Replace('\\', '/');

    private static string Target(string root, string name, string tarball)
    {
        if (name.Length == 0 || name.StartsWith('/') || Path.IsPathRooted(name) || (name.Length > 1 && name[1] == ':'))
        {
            throw new UnsafeArchiveException($"{tarball}: entry '{name}' has an absolute path; refused");
        }

        foreach (var segment in name.Split('/'))
        {
            if (segment == "..")
            {
                throw new UnsafeArchiveException($"{tarball}: entry '{name}' contains '..'; refused");
            }
        }

        var full = Path.GetFullPath(Path.Combine(root, name));
        if (!full.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new UnsafeArchiveException($"{tarball}: entry '{name}' points outside the extraction folder; refused");
        }

        return full;
    }
}
