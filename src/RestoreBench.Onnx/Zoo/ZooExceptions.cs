namespace RestoreBench.Onnx.Zoo;

/// <summary>A model name is neither in the catalog nor in the cache; carries a did-you-mean suggestion.</summary>
public sealed class UnknownModelException(string name, string? suggestion, IReadOnlyList<string> known)
    : Exception($"unknown model '{name}'" + (suggestion is null ? "" : $"; did you mean '{suggestion}'?") + " (run 'restorebench models list')")
{
    /// <summary>The name asked for.</summary>
    public string Name { get; } = name;

    /// <summary>The closest known name, or null.</summary>
    public string? Suggestion { get; } = suggestion;

    /// <summary>All known names.</summary>
    public IReadOnlyList<string> Known { get; } = known;
}

/// <summary>A downloaded or placed package does not match its pinned integrity hash; nothing was cached.</summary>
public sealed class IntegrityMismatchException(string message) : Exception(message);

/// <summary>The npm client is missing or failed; the message says how to place the tarball by hand.</summary>
public sealed class NpmUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>A tarball holds an entry that would be written outside the extraction folder, or a link; nothing was extracted.</summary>
public sealed class UnsafeArchiveException(string message) : Exception(message);

/// <summary>Storing a model in the cache failed (bad name, existing entry, unreadable or inconsistent source).</summary>
public sealed class ModelStoreException(string message, Exception? inner = null) : Exception(message, inner);
