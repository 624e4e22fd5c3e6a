namespace RestoreBench.Reports;

/// <summary>
/// One colour per restorer across every plot: the Okabe–Ito colour-blind-safe palette (Okabe and Ito,
/// "Color Universal Design", 2008) in restorer order (the LQ row first, then by name). The LQ row and
/// restorers past the eighth cycle through the colours with a different marker shape.
/// </summary>
internal sealed class Palette
{
    /// <summary>Okabe–Ito: black, orange, sky blue, bluish green, yellow, blue, vermillion, reddish purple.</summary>
    public static readonly string[] OkabeIto = ["#000000", "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7"];

    private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);

    public Palette(IEnumerable<string> restorers)
    {
        foreach (var r in restorers)
        {
            _index.TryAdd(r, _index.Count);
        }
    }

    /// <summary>Hex colour (#RRGGBB) of a restorer; unknown names get black.</summary>
    public string Hex(string restorer) => _index.TryGetValue(restorer, out var i) ? OkabeIto[i % OkabeIto.Length] : OkabeIto[0];

    /// <summary>Marker variant (0, 1, 2, ...): how many times the palette has wrapped for this restorer.</summary>
    public int Variant(string restorer) => _index.TryGetValue(restorer, out var i) ? i / OkabeIto.Length : 0;
}
