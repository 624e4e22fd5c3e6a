namespace RestoreBench.Metrics.Alignment;

/// <summary>Which reference the restored image is aligned with (paper Eq. 13–15).</summary>
public enum AlignmentMode
{
    /// <summary>Eq. 14: S(I_x, Î_x), the restored image against the ground truth (low degradation).</summary>
    Gt,

    /// <summary>Eq. 15: S(D(Î_x), I_y), the re-degraded restored image against the low-quality input at its own size (high degradation).</summary>
    Lq,

    /// <summary>Per image: <see cref="Gt"/> when the sample's retention rate γ (Eq. 12) is at least the threshold, else <see cref="Lq"/>.</summary>
    Auto,
}

/// <summary>How one embedding vector is taken from the encoder output.</summary>
public enum EmbeddingPooling
{
    /// <summary>The class token: token 0 of <c>last_hidden_state</c> [N, 1+P, D], or <c>pooler_output</c> [N, D] as it is.</summary>
    Cls,

    /// <summary>The mean of the patch tokens 1..P of <c>last_hidden_state</c> [N, 1+P, D].</summary>
    PatchMean,
}

/// <summary>The distance S between two embeddings; both are L2-normalised first.</summary>
public enum EmbeddingDistance
{
    /// <summary>1 − cos(u, v), in [0, 2].</summary>
    Cosine,

    /// <summary>‖u/‖u‖ − v/‖v‖‖₂, in [0, 2] (equals √(2·(1 − cos))).</summary>
    L2,
}
