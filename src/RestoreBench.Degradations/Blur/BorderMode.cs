namespace RestoreBench.Degradations.Blur;

/// <summary>How samples outside the image are defined for filtering.</summary>
public enum BorderMode
{
    /// <summary>Mirror including the edge sample: d c b a | a b c d | d c b a (MATLAB 'symmetric', scipy 'reflect').</summary>
    Symmetric,

    /// <summary>Repeat the edge sample: a a a | a b c d | d d d (MATLAB 'replicate', scipy 'nearest').</summary>
    Replicate,

    /// <summary>Mirror excluding the edge sample: c b | a b c d | c b (OpenCV BORDER_REFLECT_101, scipy 'mirror').</summary>
    Reflect101,

    /// <summary>Zeros outside the image (MATLAB default of imfilter, scipy 'constant').</summary>
    Zero,
}

/// <summary>Index mapping for <see cref="BorderMode"/>.</summary>
public static class Borders
{
    /// <summary>Maps an index possibly outside [0, n) to a valid one, or -1 for a zero sample.</summary>
    public static int Map(int index, int n, BorderMode mode)
    {
        if ((uint)index < (uint)n)
        {
            return index;
        }

        switch (mode)
        {
            case BorderMode.Symmetric:
            {
                var period = 2 * n;
                var m = ((index % period) + period) % period;
                return m < n ? m : period - 1 - m;
            }

            case BorderMode.Replicate:
                return index < 0 ? 0 : n - 1;
            case BorderMode.Reflect101:
            {
                if (n == 1)
                {
                    return 0;
                }

                var period = 2 * n - 2;
                var m = ((index % period) + period) % period;
                return m < n ? m : period - m;
            }

            case BorderMode.Zero:
                return -1;
            default:
                throw new ArgumentOutOfRangeException(nameof(mode), mode, "Accepted: symmetric, replicate, reflect101, zero.");
        }
    }

    /// <summary>Parses symmetric, replicate, reflect101 or zero.</summary>
    public static BorderMode Parse(string name) => name.ToLowerInvariant() switch
    {
        "symmetric" => BorderMode.Symmetric,
        "replicate" => BorderMode.Replicate,
        "reflect101" => BorderMode.Reflect101,
        "zero" => BorderMode.Zero,
        _ => throw new FormatException($"unknown border '{name}' (accepted: symmetric, replicate, reflect101, zero)"),
    };

    /// <summary>The canonical lower-case name.</summary>
    public static string Name(BorderMode mode) => mode switch
    {
        BorderMode.Symmetric => "symmetric",
        BorderMode.Replicate => "replicate",
        BorderMode.Reflect101 => "reflect101",
        BorderMode.Zero => "zero",
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "Accepted: symmetric, replicate, reflect101, zero."),
    };
}
