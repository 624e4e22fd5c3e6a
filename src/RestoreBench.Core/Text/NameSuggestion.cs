namespace RestoreBench.Core.Text;

/// <summary>"Did you mean" suggestions by Levenshtein edit distance.</summary>
public static class NameSuggestion
{
    /// <summary>
    /// Levenshtein distance (insertions, deletions, substitutions, each cost 1) between
    /// <paramref name="a"/> and <paramref name="b"/>, compared ordinally.
    /// </summary>
    public static int Levenshtein(string a, string b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j] + 1, current[j - 1] + 1));
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }

    /// <summary>
    /// The candidate closest to <paramref name="name"/> (case-insensitive), or null when none is within
    /// max(2, length/2) edits. A name of 3 or more letters that is an abbreviation (a subsequence) of
    /// a candidate counts as 1 edit ("iter" for "iterations"). Ties go to the first candidate in
    /// <paramref name="candidates"/> order.
    /// </summary>
    public static string? Closest(string name, IEnumerable<string> candidates)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(candidates);
        var lowered = name.ToLowerInvariant();
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            var d = Levenshtein(lowered, candidate.ToLowerInvariant());
            if (name.Length >= 3 && IsSubsequence(lowered, candidate.ToLowerInvariant()))
            {
                d = Math.Min(d, 1);
            }

            if (d < bestDistance)
            {
                best = candidate;
                bestDistance = d;
            }
        }

        return best is not null && bestDistance <= Math.Max(2, name.Length / 2) ? best : null;
    }

    /// <summary>"; did you mean 'X'?" for the closest candidate, or an empty string.</summary>
    public static string Hint(string name, IEnumerable<string> candidates) =>
        Closest(name, candidates) is { } best ? $"; did you mean '{best}'?" : "";

    private static bool IsSubsequence(string shorter, string longer)
    {
        var j = 0;
        foreach (var ch in longer)
        {
            if (j < shorter.Length && shorter[j] == ch)
            {
                j++;
            }
        }

        return j == shorter.Length;
    }
}
