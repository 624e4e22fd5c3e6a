using System.Security.Cryptography;

namespace RestoreBench.Onnx.Zoo;

/// <summary>Subresource-integrity strings (<c>sha512-BASE64</c>) as npm records them for tarballs.</summary>
public static class PackageIntegrity
{
    /// <summary>The <c>sha512-…</c> integrity string of a file.</summary>
    public static string Compute(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        return "sha512-" + Convert.ToBase64String(SHA512.HashData(stream));
    }

    /// <summary>Checks <paramref name="path"/> against <paramref name="expected"/> (a <c>sha512-</c> string).</summary>
    /// <exception cref="IntegrityMismatchException">The hashes differ; the message shows both.</exception>
    /// <exception cref="ArgumentException"><paramref name="expected"/> is not a sha512 integrity string.</exception>
    public static void Verify(string path, string expected)
    {
        ArgumentNullException.ThrowIfNull(expected);
        if (!expected.StartsWith("sha512-", StringComparison.Ordinal))
        {
            throw new ArgumentException($"integrity '{expected}' is not a sha512 integrity string", nameof(expected));
        }

        var actual = Compute(path);
        if (!string.Equals(actual, expected, StringComparison.Ordinal))
        {
            throw new IntegrityMismatchException($"{path}: integrity {actual} does not match the pinned {expected}");
        }
    }
}
