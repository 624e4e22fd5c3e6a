using System.Globalization;

namespace RestoreBench.Degradations.Pipeline;

/// <summary>The key=value parameters of one stage while it is parsed; reports unknown and malformed keys.</summary>
internal sealed class StageParameters
{
    private readonly string _op;
    private readonly Dictionary<string, string> _values;
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);

    public StageParameters(string op, Dictionary<string, string> values)
    {
        _op = op;
        _values = values;
    }

    public bool Has(string key) => _values.ContainsKey(key);

    public double? Double(string key)
    {
        if (!_values.TryGetValue(key, out var text))
        {
            return null;
        }

        _used.Add(key);
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
        {
            throw new FormatException($"{_op}: parameter '{key}' must be a number, got '{text}'");
        }

        return value;
    }

    public int? Int(string key)
    {
        if (!_values.TryGetValue(key, out var text))
        {
            return null;
        }

        _used.Add(key);
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
        {
            throw new FormatException($"{_op}: parameter '{key}' must be an integer, got '{text}'");
        }

        return value;
    }

    public bool? Bool(string key)
    {
        if (!_values.TryGetValue(key, out var text))
        {
            return null;
        }

        _used.Add(key);
        return text.ToLowerInvariant() switch
        {
            "true" or "1" => true,
            "false" or "0" => false,
            _ => throw new FormatException($"{_op}: parameter '{key}' must be true or false, got '{text}'"),
        };
    }

    public string? Text(string key)
    {
        if (!_values.TryGetValue(key, out var text))
        {
            return null;
        }

        _used.Add(key);
        return text;
    }

    public double RequireDouble(string key) =>
        Double(key) ?? throw new FormatException($"{_op}: missing parameter '{key}'");

    /// <summary>Throws when a key was given that the stage does not read.</summary>
    public void RejectUnknown(params string[] accepted)
    {
        foreach (var key in _values.Keys)
        {
            if (!_used.Contains(key))
            {
                throw new FormatException($"{_op}: unknown parameter '{key}' (accepted: {string.Join(", ", accepted)})");
            }
        }
    }

    public static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
