namespace RestoreBench.Diffusion.Schedulers;

/// <summary>Inference timesteps (descending) for a number of steps, a spacing and a starting timestep.</summary>
public static class Timesteps
{
    /// <summary>
    /// N timesteps among the first T' = <paramref name="available"/> training timesteps
    /// (T' = T for sampling from pure noise; T' = t0 + 1 when starting at t0), descending. Matches
    /// diffusers' <c>set_timesteps</c> for T' = T: leading t_i = i·⌊T'/N⌋ + offset, trailing
    /// round(T' − i·T'/N) − 1, linspace round(linspace(0, T' − 1, N)) (round half to even, as NumPy).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">N &lt; 1, N &gt; T', or an offset that leaves [0, T').</exception>
    public static int[] Create(int steps, int available, TimestepSpacing spacing, int stepsOffset = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(available, 1);
        if (steps < 1 || steps > available)
        {
            throw new ArgumentOutOfRangeException(nameof(steps), steps, $"the number of steps must be in [1, {available}] (the timesteps available)");
        }

        var result = new int[steps];
        switch (spacing)
        {
            case TimestepSpacing.Leading:
                var ratio = available / steps;
                for (var i = 0; i < steps; i++)
                {
                    result[steps - 1 - i] = i * ratio + stepsOffset;
                }

                break;
            case TimestepSpacing.Trailing:
                var r = (double)available / steps;
                for (var i = 0; i < steps; i++)
                {
                    result[i] = (int)Math.Round(available - i * r, MidpointRounding.ToEven) - 1;
                }

                break;
            case TimestepSpacing.Linspace:
                for (var i = 0; i < steps; i++)
                {
                    var v = steps == 1 ? 0.0 : (double)(available - 1) * i / (steps - 1);
                    result[steps - 1 - i] = (int)Math.Round(v, MidpointRounding.ToEven);
                }

                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(spacing), spacing, "Accepted spacings: leading, trailing, linspace.");
        }

        foreach (var t in result)
        {
            if (t < 0 || t >= available)
            {
                throw new ArgumentOutOfRangeException(nameof(stepsOffset), stepsOffset, $"timestep {t} falls outside [0, {available})");
            }
        }

        return result;
    }
}
