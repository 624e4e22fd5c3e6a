namespace RestoreBench.Core.Imaging;

/// <summary>How a real value becomes an integer code value.</summary>
public enum RoundingMode
{
    /// <summary>MATLAB <c>round</c> / <c>uint8()</c> conversion: halves go away from zero.</summary>
    HalfAwayFromZero,

    /// <summary>IEEE / numpy <c>np.round</c>: halves go to the even neighbour.</summary>
    HalfToEven,
}

/// <summary>Named rounding functions; every quantization in RestoreBench goes through these.</summary>
public static class Rounding
{
    /// <summary>
    /// Distance (in code values) within which a value counts as an exact half. Samples are float64 in
    /// [0, 1], so an exact half on the 0–255 (or 0–65535) scale, e.g. from dyadic bicubic weights, may
    /// arrive as k + 0.5 ± 1e-12 after scaling; 1e-9 absorbs that and nothing else.
    /// </summary>
    public const double TieTolerance = 1e-9;

    /// <summary>Rounds with the given mode, treating values within <see cref="TieTolerance"/> of a half as halves.</summary>
    public static double Round(double value, RoundingMode mode)
    {
        var floor = Math.Floor(value);
        var fraction = value - floor;
        if (Math.Abs(fraction - 0.5) <= TieTolerance)
        {
            return mode switch
            {
                RoundingMode.HalfAwayFromZero => value >= 0 ? floor + 1 : floor,
                RoundingMode.HalfToEven => Math.IEEERemainder(floor, 2) == 0 ? floor : floor + 1,
                _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "Accepted: HalfAwayFromZero, HalfToEven."),
            };
        }

        return fraction < 0.5 ? floor : floor + 1;
    }

    /// <summary>
    /// Converts a [0, 1] sample to an integer code value in [0, maxValue]: scale, round, clip
    /// (MATLAB <c>im2uint8</c>/<c>im2uint16</c> with the given rounding).
    /// </summary>
    public static int Quantize(double sample, int maxValue, RoundingMode mode)
    {
        var v = Round(sample * maxValue, mode);
        return v <= 0 ? 0 : v >= maxValue ? maxValue : (int)v;
    }
}
