namespace RestoreBench.Metrics.Alignment;

/// <summary>The distance S of paper Eq. 13–15 between two embeddings, after L2 normalisation of both.</summary>
public static class EmbeddingMath
{
    /// <summary>
    /// <see cref="EmbeddingDistance.Cosine"/>: 1 − ⟨u/‖u‖, v/‖v‖⟩ in [0, 2];
    /// <see cref="EmbeddingDistance.L2"/>: ‖u/‖u‖ − v/‖v‖‖₂ in [0, 2]. Accumulated in float64.
    /// </summary>
    /// <exception cref="ArgumentException">Different lengths, empty, a zero or non-finite embedding.</exception>
    public static double Distance(ReadOnlySpan<double> u, ReadOnlySpan<double> v, EmbeddingDistance distance)
    {
        if (u.Length != v.Length || u.Length == 0)
        {
            throw new ArgumentException($"embeddings of lengths {u.Length} and {v.Length} cannot be compared");
        }

        double uu = 0, vv = 0, uv = 0;
        for (var i = 0; i < u.Length; i++)
        {
            uu += u[i] * u[i];
            vv += v[i] * v[i];
            uv += u[i] * v[i];
        }

        if (!(uu > 0) || !(vv > 0) || !double.IsFinite(uu) || !double.IsFinite(vv))
        {
            throw new ArgumentException("an embedding is zero or not finite; the distance is undefined");
        }

        double nu = Math.Sqrt(uu), nv = Math.Sqrt(vv);
        switch (distance)
        {
            case EmbeddingDistance.Cosine:
                return Math.Clamp(1.0 - (uv / (nu * nv)), 0.0, 2.0);
            case EmbeddingDistance.L2:
                double s = 0;
                for (var i = 0; i < u.Length; i++)
                {
                    var d = (u[i] / nu) - (v[i] / nv);
                    s += d * d;
                }

                return Math.Sqrt(s);
            default:
                throw new ArgumentOutOfRangeException(nameof(distance), distance, "accepted: Cosine, L2");
        }
    }
}
