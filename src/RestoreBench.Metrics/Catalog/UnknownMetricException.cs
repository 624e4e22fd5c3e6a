namespace RestoreBench.Metrics.Catalog;

/// <summary>
/// A metric name that the catalog does not know. The message names it, suggests the closest known
/// name by edit distance when one is close, and lists the known names.
/// </summary>
public sealed class UnknownMetricException : ArgumentException
{
    /// <summary>Creates the exception and its message.</summary>
    public UnknownMetricException(string name, string? suggestion, IReadOnlyList<string> knownNames)
        : base(FormatMessage(name, suggestion, knownNames))
    {
        Name = name;
        Suggestion = suggestion;
        KnownNames = knownNames;
    }

    /// <summary>The requested name.</summary>
    public string Name { get; }

    /// <summary>The closest known name, or null when none is close.</summary>
    public string? Suggestion { get; }

    /// <summary>Every known name, sorted.</summary>
    public IReadOnlyList<string> KnownNames { get; }

    private static string FormatMessage(string name, string? suggestion, IReadOnlyList<string> knownNames)
    {
        var hint = suggestion is null ? "" : $"; did you mean '{suggestion}'?";
        return $"unknown metric '{name}'{hint} Known: {string.Join(", ", knownNames)}";
    }
}
