using System.Runtime.Intrinsics;

namespace RestoreBench.Degradations;

/// <summary>
/// Inner-loop flavour of the degradation kernels. All flavours perform the same multiplications and
/// additions in the same order for every output sample (no fused multiply-add), so they give
/// bit-identical results; the vector ones just compute 4 or 8 outputs per instruction.
/// </summary>
internal enum SimdPath
{
    /// <summary>Plain scalar loops (the twin the vector paths are tested against).</summary>
    Scalar,

    /// <summary><see cref="Vector256{T}"/>: 4 doubles per operation.</summary>
    Vector256,

    /// <summary><see cref="Vector512{T}"/>: 8 doubles per operation.</summary>
    Vector512,
}

/// <summary>Selection of <see cref="SimdPath"/>.</summary>
internal static class SimdPaths
{
    /// <summary>The widest path the hardware accelerates.</summary>
    public static SimdPath Best { get; } =
        System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated ? SimdPath.Vector512
        : System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated ? SimdPath.Vector256
        : SimdPath.Scalar;

    /// <summary>Every path (for equivalence tests; unaccelerated vector types still compute correctly, only slowly).</summary>
    public static IReadOnlyList<SimdPath> All { get; } = [SimdPath.Scalar, SimdPath.Vector256, SimdPath.Vector512];
}
