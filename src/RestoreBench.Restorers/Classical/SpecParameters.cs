using System.Globalization;
using RestoreBench.Core.Text;

namespace RestoreBench.Restorers.Classical;

/// <summary>
/// The <c>name(key=value,...)</c> form of a restorer spec. Values are read with invariant culture;
/// every error is a <see cref="FormatException"/> whose message names the method, the parameter and
/// the accepted values.
/// </summary>
internal sealed class SpecParameters
{
    private readonly Dictionary<string, string> _values;

    private SpecParameters(string method, Dictionary<string, string> values)
    {
        Method = method;
        _values = values;
    }

    public string Method { get; }

    /// <summary>Splits <c>name(k=v,...)</c> (parentheses optional when there are no parameters).</summary>
    public static (string Name, string Arguments) Split(string text)
    {
        var trimmed = text.Trim();
        var open = trimmed.IndexOf('(', StringComparison.Ordinal);
        if (open < 0)
        {
            return (trimmed, "");
        }

        if (!trimmed.EndsWith(')'))
        {
            throw new FormatException($"'{trimmed}' must end with ')' (form: NAME(key=value,...))");
        }

        return (trimmed[..open].Trim(), trimmed[(open + 1)..^1]);
    }

    /// <summary>Parses the argument list of <paramref name="method"/>, rejecting keys not in <paramref name="accepted"/>.</summary>
    public static SpecParameters Parse(string method, string arguments, IReadOnlyList<string> accepted)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in arguments.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0 || eq == pair.Length - 1)
            {
                throw new FormatException($"{method}: expected key=value, got '{pair}'");
            }

            var key = pair[..eq].Trim().ToLowerInvariant();
            if (!accepted.Contains(key))
            {
                throw new FormatException($"{method}: unknown parameter '{key}'{NameSuggestion.Hint(key, accepted)} (accepted: {string.Join(", ", accepted)})");
            }

            if (!values.TryAdd(key, pair[(eq + 1)..].Trim()))
            {
                throw new FormatException($"{method}: parameter '{key}' given twice");
            }
        }

        return new SpecParameters(method, values);
    }

    /// <summary>A number in [min, max] (min excluded when <paramref name="positive"/>); required when <paramref name="fallback"/> is null.</summary>
    public double Double(string key, double? fallback, double min, double max, bool positive = false)
    {
        if (!_values.TryGetValue(key, out var text))
        {
            return fallback ?? throw new FormatException($"{Method}: parameter '{key}' is required");
        }

        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
        {
            throw new FormatException($"{Method}: {key} must be a number, got '{text}'");
        }

        if (value < min || value > max || (positive && value <= 0))
        {
            var low = positive ? $"> {Format(min)}" : $">= {Format(min)}";
            throw new FormatException($"{Method}: {key} must be {low} and <= {Format(max)}, got {text}");
        }

        return value;
    }

    /// <summary>An integer in [min, max]; required when <paramref name="fallback"/> is null.</summary>
    public int Int(string key, int? fallback, int min, int max)
    {
        if (!_values.TryGetValue(key, out var text))
        {
            return fallback ?? throw new FormatException($"{Method}: parameter '{key}' is required");
        }

        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
        {
            throw new FormatException($"{Method}: {key} must be an integer, got '{text}'");
        }

        if (value < min || value > max)
        {
            throw new FormatException($"{Method}: {key} must be between {min} and {max}, got {value}");
        }

        return value;
    }

    /// <summary>true/false.</summary>
    public bool Bool(string key, bool fallback)
    {
        if (!_values.TryGetValue(key, out var text))
        {
            return fallback;
        }

        return text.ToLowerInvariant() switch
        {
            "true" => true,
            "false" => false,
            _ => throw new FormatException($"{Method}: {key} must be true or false, got '{text}'"),
        };
    }

    /// <summary>True when the key was given.</summary>
    public bool Has(string key) => _values.ContainsKey(key);

    /// <summary>Shortest round-trip invariant text of a number.</summary>
    public static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
