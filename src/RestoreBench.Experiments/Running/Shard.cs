using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace RestoreBench.Experiments.Running;

/// <summary>
/// Shard <c>i/N</c> (1 ≤ i ≤ N): owns the work items whose key hashes to i − 1 modulo N. The key is
/// (dataset, image, task, seed, restorer); the hash is the first 8 bytes of its SHA-256, little endian,
/// so the partition depends on nothing but the item (not on list order, thread count or machine).
/// </summary>
public sealed record Shard(int Index, int Count)
{
    /// <summary>Parses <c>i/N</c>.</summary>
    /// <exception cref="FormatException">Not of the form i/N with 1 ≤ i ≤ N.</exception>
    public static Shard Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split('/');
        if (parts.Length == 2 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var i)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1 && i >= 1 && i <= n)
        {
            return new Shard(i, n);
        }

        throw new FormatException($"--shard must be i/N with 1 <= i <= N (e.g. 2/3), got '{text}'");
    }

    /// <summary>True when this shard owns the item.</summary>
    public bool Owns(string itemKey)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(itemKey), hash);
        var value = BitConverter.ToUInt64(hash[..8]);
        return (int)(value % (ulong)Count) == Index - 1;
    }

    /// <summary>The store file name of this shard: <c>results-shard-i-of-N.db</c>.</summary>
    public string StoreFileName => string.Create(CultureInfo.InvariantCulture, $"results-shard-{Index}-of-{Count}.db");

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Index}/{Count}");
}
