using RestoreBench.Core.Randomness;
namespace RestoreBench.Reports.Statistics;

/// <summary>The mean of a sample with a bootstrap confidence interval.</summary>
/// <param name="Mean">Arithmetic mean (+∞ when a value is +∞, e.g. PSNR of identical images).</param>
/// <param name="Low">Lower end of the interval.</param>
/// <param name="High">Upper end of the interval.</param>
/// <param name="N">Number of values.</param>
public readonly record struct MeanInterval(double Mean, double Low, double High, int N);

/// <summary>
/// Percentile bootstrap of the mean (Efron): <c>B</c> resamples of size n drawn with replacement from
/// the values with a <see cref="SeededRandom"/> (Core's xoshiro256**; indices by <see cref="SeededRandom.NextInt"/>), the interval is the (1−level)/2 and (1+level)/2
/// quantiles (<see cref="Quantile"/>, type 7) of the resampled means. Applied to per-image differences
/// it is the paired bootstrap. Deterministic: same values, resamples and stream → same interval.
/// </summary>
public static class Bootstrap
{
    /// <summary>Mean and percentile interval. With n = 1 the interval is the value itself; with n = 0 everything is NaN.</summary>
    /// <param name="values">The sample (order matters for determinism only).</param>
    /// <param name="resamples">Number of bootstrap resamples B (≥ 1).</param>
    /// <param name="level">Confidence level in (0, 1), e.g. 0.95.</param>
    /// <param name="random">The stream the resample indices are drawn from.</param>
    public static MeanInterval MeanInterval(ReadOnlySpan<double> values, int resamples, double level, SeededRandom random)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(resamples);
        ArgumentNullException.ThrowIfNull(random);
        if (level is <= 0 or >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(level), level, "The confidence level must lie in (0, 1).");
        }

        var n = values.Length;
        if (n == 0)
        {
            return new MeanInterval(double.NaN, double.NaN, double.NaN, 0);
        }

        var mean = Mean(values);
        if (n == 1 || double.IsInfinity(mean) || double.IsNaN(mean))
        {
            return new MeanInterval(mean, mean, mean, n);
        }

        var means = new double[resamples];
        for (var b = 0; b < resamples; b++)
        {
            var sum = 0.0;
            for (var i = 0; i < n; i++)
            {
                sum += values[random.NextInt(n)];
            }

            means[b] = sum / n;
        }

        Array.Sort(means);
        var tail = (1 - level) / 2;
        return new MeanInterval(mean, Quantile.OfSorted(means, tail), Quantile.OfSorted(means, 1 - tail), n);
    }

    /// <summary>Arithmetic mean, summed in order in double.</summary>
    public static double Mean(ReadOnlySpan<double> values)
    {
        var sum = 0.0;
        foreach (var v in values)
        {
            sum += v;
        }

        return values.Length == 0 ? double.NaN : sum / values.Length;
    }
}
