using RestoreBench.Core.Imaging;

namespace RestoreBench.Experiments.Running;

/// <summary>
/// Writes files so that a reader (or a resumed run after SIGKILL) sees either no file or the complete
/// file: the bytes go to <c>.NAME.rb-tmp-PID-N</c> in the same folder, then are renamed over the target
/// (rename is atomic within a file system). There is no fsync: a killed process loses nothing that the
/// kernel already has, which is the failure this protects against; after a power loss a resumed run may
/// find a renamed file whose content did not reach the disk (as SQLite's <c>synchronous=NORMAL</c> may
/// lose the last commits). Left-over temporaries are removed by
/// <see cref="CleanTemporaries"/> at the start of a run.
/// </summary>
public static class AtomicFile
{
    /// <summary>Marker in temporary file names.</summary>
    public const string TempMarker = ".rb-tmp-";

    private static long _counter;

    /// <summary>Writes an 8-bit PNG atomically and returns the SHA-256 hex of its bytes.</summary>
    /// <exception cref="IOException">The folder cannot be created or the file written (disk full, read-only).</exception>
    public static string WritePng(ImageTensor image, string path)
    {
        var folder = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(folder);
        var temp = Path.Combine(folder, $".{Path.GetFileNameWithoutExtension(path)}{TempMarker}{Environment.ProcessId}-{Interlocked.Increment(ref _counter)}.png");
        try
        {
            ImageFile.WritePng(image, temp, 8);
            string hash;
            using (var stream = new FileStream(temp, FileMode.Open, FileAccess.Read, FileShare.None))
            {
                hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(stream));
            }

            File.Move(temp, path, overwrite: true);
            return hash;
        }
        catch (Exception e) when (e is ImageFileException or UnauthorizedAccessException)
        {
            TryDelete(temp);
            throw new IOException($"{path}: cannot write ({e.Message})", e);
        }
        catch (IOException)
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>Deletes temporaries (<see cref="TempMarker"/>) left under <paramref name="folder"/> by killed runs.</summary>
    public static int CleanTemporaries(string folder)
    {
        if (!Directory.Exists(folder))
        {
            return 0;
        }

        var removed = 0;
        foreach (var file in Directory.EnumerateFiles(folder, "*" + TempMarker + "*", SearchOption.AllDirectories))
        {
            if (TryDelete(file))
            {
                removed++;
            }
        }

        return removed;
    }

    private static bool TryDelete(string path)
    {
        try
        {
            File.Delete(path);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
