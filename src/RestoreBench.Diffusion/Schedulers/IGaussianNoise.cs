using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using RestoreBench.Core.Randomness;

namespace RestoreBench.Diffusion.Schedulers;

/// <summary>A source of standard normal draws for the samplers' stochastic terms and the start latent.</summary>
public interface IGaussianNoise
{
    /// <summary>Fills <paramref name="destination"/> with independent N(0, 1) draws, in index order.</summary>
    void Fill(Span<double> destination);
}

/// <summary>
/// N(0, 1) draws by the ziggurat method (Marsaglia and Tsang 2000, in Doornik's 2005 "ZIGNOR" form)
/// with 1024 layers on a counter-based SplitMix64 stream, eight draws at a time with
/// <see cref="Vector512{T}"/> where it is accelerated (DDPM draws one latent of noise per step, and this
/// is most of a step's cost outside the denoiser).
/// <para>
/// The stream: the generator takes two keys k and k′ from the given <see cref="SeededRandom"/>. Draw
/// i (i = 0, 1, … over the generator's life) starts from b = mix(k + (i + 1)·γ), with mix the SplitMix64
/// output function and γ = 0x9E3779B97F4A7C15 (so b is output i of a SplitMix64 generator seeded with
/// k): layer = b mod 1024, u = 2·f − 3 with f the double 1 + (b ≫ 12)·2⁻⁵² in [1, 2), so u lies in
/// [−1, 1) on a 2⁻⁵¹ grid. About 99.6 % of draws return x = u·x_layer at once, because |x| &lt; x_{layer+1}
/// (x_0 = v/φ(r) &gt; x_1 = r &gt; … &gt; x_1024 = 0 are the layers' right edges). The others take the wedge
/// test or the exact tail beyond r = 4.038849846109504 (and, when the wedge test fails, a whole new
/// candidate) with 64-bit words from their own SplitMix64 generator, seeded with mix(k′ + (i + 1)·γ).
/// </para>
/// <para>
/// Deterministic: every draw depends only on the keys and its index, so the same seed gives the same
/// bytes whatever the split into <see cref="Fill"/> calls or the SIMD width. The
/// vector path and its scalar twin (<see cref="FillScalar"/>) perform the same integer and IEEE
/// operations and give identical values.
/// </para>
/// </summary>
public sealed class SeededGaussianNoise : IGaussianNoise
{
    private const int Lanes = 8;
    // 1024 layers (rather than the usual 128 or 256) leave 0.4 % of draws to the scalar repair path. R and V
    // solve the layer equations for 1024 equal areas: V = R·φ(R) + ∫_R^∞ φ, and the recursion
    // x_i = φ⁻¹(V/x_{i−1} + φ(x_{i−1})) closes with x_1023·(1 − φ(x_1023)) = V (φ(x) = exp(−x²/2)).
    private const int Layers = 1024;
    private const double R = 4.038849846109504;
    private const double V = 1.2263246463530893e-3;
    private const ulong Gamma = 0x9E37_79B9_7F4A_7C15;
    private const ulong One = 0x3FF0_0000_0000_0000; // bits of 1.0

    private static readonly double[] X = CreateX();
    private static readonly double[] Density = Array.ConvertAll(X, x => Math.Exp(-0.5 * x * x));

    private readonly ulong _key;
    private readonly ulong _repairKey;
    private long _drawn;

    /// <summary>Creates the generator; takes two outputs of <paramref name="random"/> as its keys.</summary>
    public SeededGaussianNoise(SeededRandom random)
    {
        ArgumentNullException.ThrowIfNull(random);
        _key = random.NextUInt64();
        _repairKey = random.NextUInt64();
    }

    /// <inheritdoc />
    public void Fill(Span<double> destination)
    {
        FillAt(_drawn, destination, Vector512.IsHardwareAccelerated && Avx512F.IsSupported);
        _drawn += destination.Length;
    }

    /// <summary><see cref="Fill(Span{double})"/> without SIMD: the twin the vector path is tested against.</summary>
    public void FillScalar(Span<double> destination)
    {
        FillAt(_drawn, destination, vector: false);
        _drawn += destination.Length;
    }

    /// <summary>Draws <paramref name="first"/> … first + destination.Length − 1 of the stream.</summary>
    private void FillAt(long first, Span<double> destination, bool vector)
    {
        var i = 0;
        if (vector)
        {
            i = destination.Length / Lanes * Lanes;
            FillVector(first, destination[..i]);
        }

        for (; i < destination.Length; i++)
        {
            destination[i] = Draw(first + i);
        }
    }

    /// <summary>Draw <paramref name="index"/> of the stream, in scalar code.</summary>
    private double Draw(long index)
    {
        var bits = Mix(_key + (ulong)(index + 1) * Gamma);
        var u = BitConverter.UInt64BitsToDouble((bits >> 12) | One) * 2.0 - 3.0;
        var layer = (int)(bits & (Layers - 1));
        var x = u * X[layer];
        return Math.Abs(x) < X[layer + 1] ? x : Repair(index, u, layer);
    }

    /// <summary>Candidates of whole blocks of eight draws at once; the few outside their rectangle are repaired after the loop.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void FillVector(long first, Span<double> destination)
    {
        var gamma = Vector512.Create(Gamma);
        var counter = Vector512.Create(_key) + (Vector512.Create((ulong)first + 1) + Vector512.Create(0UL, 1, 2, 3, 4, 5, 6, 7)) * gamma;
        var step = Vector512.Create((ulong)Lanes) * gamma;
        var c1 = Vector512.Create(0xBF58_476D_1CE4_E5B9UL);
        var c2 = Vector512.Create(0x94D0_49BB_1331_11EBUL);
        var layerMask = Vector512.Create((ulong)(Layers - 1));
        var one = Vector512.Create(One);
        var three = Vector512.Create(3.0);
        var evens = Vector512.Create(0L, 2, 4, 6, 8, 10, 12, 14);
        var odds = Vector512.Create(1L, 3, 5, 7, 9, 11, 13, 15);
        ref var x = ref MemoryMarshal.GetArrayDataReference(X);
        // Blocks with a lane outside its rectangle, recorded without a branch: the slot is always
        // written and kept only when the count moves on.
        var pending = ArrayPool<int>.Shared.Rent(destination.Length / Lanes + 1);
        var count = 0;
        for (var b = 0; b < destination.Length; b += Lanes)
        {
            var z = counter;
            counter += step;
            z = (z ^ (z >> 30)) * c1;
            z = (z ^ (z >> 27)) * c2;
            var bits = z ^ (z >> 31);

            var u = ((bits >> 12) | one).AsDouble() * 2.0 - three;
            var layer = bits & layerMask;
            // (x_layer, x_layer+1) of each lane in one 16-byte load (layer < 1024 and X has 1025 entries),
            // then the eight widths and the eight bounds gathered from the pairs.
            var p0 = Vector128.LoadUnsafe(ref x, (nuint)layer.GetElement(0));
            var p1 = Vector128.LoadUnsafe(ref x, (nuint)layer.GetElement(1));
            var p2 = Vector128.LoadUnsafe(ref x, (nuint)layer.GetElement(2));
            var p3 = Vector128.LoadUnsafe(ref x, (nuint)layer.GetElement(3));
            var p4 = Vector128.LoadUnsafe(ref x, (nuint)layer.GetElement(4));
            var p5 = Vector128.LoadUnsafe(ref x, (nuint)layer.GetElement(5));
            var p6 = Vector128.LoadUnsafe(ref x, (nuint)layer.GetElement(6));
            var p7 = Vector128.LoadUnsafe(ref x, (nuint)layer.GetElement(7));
            var low = Vector512.Create(Vector256.Create(p0, p1), Vector256.Create(p2, p3));
            var high = Vector512.Create(Vector256.Create(p4, p5), Vector256.Create(p6, p7));
            var draw = u * Avx512F.PermuteVar8x64x2(low, evens, high);
            var inside = Vector512.LessThan(Vector512.Abs(draw), Avx512F.PermuteVar8x64x2(low, odds, high));

            // Lanes outside their rectangle get NaN, found and repaired below (a draw is never NaN otherwise).
            Vector512.ConditionalSelect(inside, draw, Vector512.Create(double.NaN)).CopyTo(destination.Slice(b, Lanes));
            pending[count] = b;
            count += Vector512.ExtractMostSignificantBits(inside) == (1UL << Lanes) - 1 ? 0 : 1;
        }

        foreach (var b in pending.AsSpan(0, count))
        {
            for (var i = b; i < b + Lanes; i++)
            {
                if (double.IsNaN(destination[i]))
                {
                    destination[i] = Draw(first + i);
                }
            }
        }

        ArrayPool<int>.Shared.Return(pending);
    }

    /// <summary>
    /// Draw <paramref name="index"/>, whose candidate (u, layer) fell outside its layer's rectangle: the
    /// tail or the wedge test, else a new candidate, with words from the draw's own repair generator.
    /// </summary>
    private double Repair(long index, double u, int layer)
    {
        var state = Mix(_repairKey + (ulong)(index + 1) * Gamma);
        while (true)
        {
            if (layer == 0)
            {
                return Tail(ref state, u < 0);
            }

            // Wedge: accept if a uniform height between φ(x_layer) and φ(x_{layer+1}) lies below φ(x), φ(x) = exp(−x²/2).
            var x = u * X[layer];
            if (Density[layer] + Uniform(ref state) * (Density[layer + 1] - Density[layer]) < Math.Exp(-0.5 * x * x))
            {
                return x;
            }

            var bits = Next(ref state);
            u = BitConverter.UInt64BitsToDouble((bits >> 12) | One) * 2.0 - 3.0;
            layer = (int)(bits & (Layers - 1));
            if (Math.Abs(u * X[layer]) < X[layer + 1])
            {
                return u * X[layer];
            }
        }
    }

    private static double Tail(ref ulong state, bool negative)
    {
        double x, y;
        do
        {
            x = Math.Log(OpenUniform(ref state)) / R;
            y = Math.Log(OpenUniform(ref state));
        }
        while (-2.0 * y < x * x);
        return negative ? x - R : R - x;
    }

    /// <summary>SplitMix64's output function (Steele, Lea and Flood 2014).</summary>
    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58_476D_1CE4_E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D0_49BB_1331_11EBUL;
        return z ^ (z >> 31);
    }

    private static ulong Next(ref ulong state)
    {
        state += Gamma;
        return Mix(state);
    }

    private static double Uniform(ref ulong state) => (Next(ref state) >> 11) * (1.0 / (1UL << 53));

    private static double OpenUniform(ref ulong state)
    {
        double u;
        do
        {
            u = Uniform(ref state);
        }
        while (u <= 0);
        return u;
    }

    private static double[] CreateX()
    {
        var x = new double[Layers + 1];
        var f = Math.Exp(-0.5 * R * R);
        x[0] = V / f;
        x[1] = R;
        x[Layers] = 0;
        for (var i = 2; i < Layers; i++)
        {
            x[i] = Math.Sqrt(-2.0 * Math.Log(V / x[i - 1] + f));
            f = Math.Exp(-0.5 * x[i] * x[i]);
        }

        return x;
    }
}
