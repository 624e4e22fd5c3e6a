using System.Globalization;

namespace RestoreBench.Onnx;

/// <summary>
/// The value range a model expects for its input or produces as output, e.g. 0–255 or 0–1. Image
/// samples in [0, 1] map to it linearly: <c>v = Min + s·(Max − Min)</c>.
/// </summary>
/// <param name="Min">Value of a black sample.</param>
/// <param name="Max">Value of a white sample.</param>
public readonly record struct ValueRange(double Min, double Max)
{
    /// <summary>[0, 1].</summary>
    public static ValueRange Unit { get; } = new(0, 1);

    /// <summary>[0, 255].</summary>
    public static ValueRange Byte { get; } = new(0, 255);

    /// <summary>[-1, 1].</summary>
    public static ValueRange Symmetric { get; } = new(-1, 1);

    /// <summary>Max − Min.</summary>
    public double Span => Max - Min;

    /// <summary>Parses <c>MIN-MAX</c> (e.g. <c>0-255</c>, <c>0-1</c>, <c>-1-1</c>) or <c>MIN..MAX</c>.</summary>
    /// <exception cref="FormatException">Not two numbers, or Max ≤ Min; the message shows accepted forms.</exception>
    public static ValueRange Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var t = text.Trim();
        int split;
        int skip;
        var dots = t.IndexOf("..", StringComparison.Ordinal);
        if (dots >= 0)
        {
            split = dots;
            skip = 2;
        }
        else
        {
            // The separating '-' is the first one after the first character (a leading '-' is a sign).
            split = t.Length > 1 ? t.IndexOf('-', 1) : -1;
            skip = 1;
        }

        if (split > 0
            && double.TryParse(t[..split], NumberStyles.Float, CultureInfo.InvariantCulture, out var min)
            && double.TryParse(t[(split + skip)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var max)
            && double.IsFinite(min) && double.IsFinite(max) && max > min)
        {
            return new ValueRange(min, max);
        }

        throw new FormatException($"value range '{text}' is not MIN-MAX with MIN < MAX (e.g. 0-255, 0-1, -1-1)");
    }

    /// <summary><c>0-255</c>, <c>0-1</c>, <c>-1-1</c>.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Min:R}-{Max:R}");
}
