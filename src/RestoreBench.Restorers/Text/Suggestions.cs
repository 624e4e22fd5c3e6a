namespace RestoreBench.Restorers.Text;

/// <summary>"Did you mean" hints for names typed on the command line (edit distance).</summary>
internal static class Suggestions
{
    /// <summary>Insert/delete/substitute edit distance, case-insensitive.</summary>
    public static int Distance(string a, string b)
    {
        a = a.ToLowerInvariant();
        b = b.ToLowerInvariant();
        var row = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            row[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            var diagonal = row[0];
            row[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var above = row[j];
                row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), diagonal + (a[i - 1] == b[j - 1] ? 0 : 1));
                diagonal = above;
            }
        }

        return row[b.Length];
    }

    /// <summary>The nearest candidate within max(2, length/2) edits or abbreviated by the name; null when none is close.</summary>
    public static string? Closest(string name, IEnumerable<string> candidates)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            var d = Distance(name, candidate);
            if (name.Length >= 3 && IsSubsequence(name, candidate))
            {
                d = Math.Min(d, 1); // an abbreviation: "iter" for "iterations", "outdir" for "output_dir"
            }

            if (d < bestDistance)
            {
                best = candidate;
                bestDistance = d;
            }
        }

        return best is not null && bestDistance <= Math.Max(2, name.Length / 2) ? best : null;
    }

    private static bool IsSubsequence(string shorter, string longer)
    {
        var j = 0;
        foreach (var ch in longer)
        {
            if (j < shorter.Length && char.ToLowerInvariant(shorter[j]) == char.ToLowerInvariant(ch))
            {
                j++;
            }
        }

        return j == shorter.Length;
    }

    /// <summary>"; did you mean 'x'?" or an empty string.</summary>
    public static string Hint(string name, IEnumerable<string> candidates) =>
        Closest(name, candidates) is { } best ? $"; did you mean '{best}'?" : "";
}
