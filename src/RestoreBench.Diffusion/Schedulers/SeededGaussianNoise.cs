using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using RestoreBench.Core.Randomness;

namespace RestoreBench.Diffusion.Schedulers;

/// <summary>
/// N(0, 1) draws by the Box–Muller transform in float32 (the method and precision of PyTorch's CPU
/// <c>randn</c>) on a counter-based SplitMix64 stream, 32 draws at a time with <see cref="Vector512{T}"/>
/// (DDPM draws one latent of noise per step, so this is on every stochastic step's path).
/// <para>
/// The stream: the generator takes a key k from the given <see cref="SeededRandom"/>. Pair p
/// (p = 0, 1, …) has the 64-bit word h = mix(k + (p + 1)·γ), with mix the SplitMix64 output function and
/// γ = 0x9E3779B97F4A7C15 (so h is output p of a SplitMix64 generator seeded with k), and from it
/// u₁ = (⌊h / 2⁴⁰⌋ + 1)·2⁻²⁴ ∈ (0, 1], u₂ = (⌊h / 2⁸⌋ mod 2²⁴)·2⁻²⁴ ∈ [0, 1), r = √(−2 ln u₁) and
/// θ = 2π·u₂. Draws come in blocks of 32: draw 32m + j is r·cos θ of pair 16m + j for j &lt; 16 and
/// r·sin θ of pair 16m + j − 16 for j ≥ 16. Each draw is a float32 value (widened exactly when float64 is asked for);
/// |draw| ≤ √(24·2 ln 2) ≈ 5.77 (the smallest u₁ is 2⁻²⁴), so tails beyond 5.77σ, which have
/// probability 8·10⁻⁹, are not produced.
/// </para>
/// <para>
/// ln, sin and cos are polynomials evaluated with fused multiply-adds, not library calls: ln(1 + f) for
/// f ∈ [−1/3, 1/3] after splitting off the exponent, and sin(πg/2), cos(πg/2) for g ∈ [−1/2, 1/2] after
/// the quadrant of θ is taken from the integer u₂ (coefficients fitted for RestoreBench by weighted
/// least squares). A draw x is within 2.3·10⁻⁷·max(1, |x|) of the exact transform of its u₁, u₂
/// (measured on 4·10⁶ draws; the tests assert 4·10⁻⁷). Every step is an IEEE-754 operation with one
/// defined result, so the vector path and its scalar twin (<see cref="FillScalar"/>) give identical
/// values, on every machine and runtime version.
/// </para>
/// <para>
/// Deterministic: every draw depends only on the key and its index, so the same seed gives the same
/// bytes whatever the split into <see cref="Fill(Span{float})"/> calls or the SIMD width.
/// </para>
/// </summary>
public sealed class SeededGaussianNoise : IGaussianNoise
{
    private const int Block = 32;
    private const int Pairs = Block / 2;
    private const ulong Gamma = 0x9E37_79B9_7F4A_7C15;
    private const ulong Mix1 = 0xBF58_476D_1CE4_E5B9, Mix2 = 0x94D0_49BB_1331_11EB;
    private const float TwoToMinus24 = 1f / (1 << 24), TwoToMinus22 = 1f / (1 << 22);
    private const uint TwoThirdsBits = 0x3F2A_AAAB; // the float 2/3: mantissas are taken in [2/3, 4/3)
    private const float Ln2 = 0.6931472f;

    // ln(1 + f) = f + f²·(L0 + L1·f + … + L7·f⁷), f ∈ [−1/3, 1/3].
    private const float L0 = -0.49999937f, L1 = 0.33333197f, L2 = -0.2500782f, L3 = 0.20011166f,
        L4 = -0.16415948f, L5 = 0.13995866f, L6 = -0.15388608f, L7 = 0.14026065f;

    // sin(πg/2) = g·(S0 + S1·g² + S2·g⁴ + S3·g⁶), cos(πg/2) = 1 + g²·(C1 + C2·g² + C3·g⁴ + C4·g⁶), g ∈ [−1/2, 1/2].
    private const float S0 = 1.5707964f, S1 = -0.6459635f, S2 = 0.07968004f, S3 = -0.0046016802f;
    private const float C1 = -1.2337005f, C2 = 0.25366923f, C3 = -0.02086029f, C4 = 0.00090402382f;

    private readonly ulong _key;
    private long _drawn;

    /// <summary>Creates the generator; takes one output of <paramref name="random"/> as its key.</summary>
    public SeededGaussianNoise(SeededRandom random)
    {
        ArgumentNullException.ThrowIfNull(random);
        _key = random.NextUInt64();
    }

    /// <inheritdoc />
    public void Fill(Span<float> destination)
    {
        // Without 256-bit SIMD the Vector512 operations would be emulated element by element.
        FillAt(_drawn, destination, Vector256.IsHardwareAccelerated);
        _drawn += destination.Length;
    }

    /// <inheritdoc />
    public void Fill(Span<double> destination)
    {
        Span<float> chunk = stackalloc float[1024];
        for (var at = 0; at < destination.Length; at += chunk.Length)
        {
            var part = chunk[..Math.Min(chunk.Length, destination.Length - at)];
            Fill(part);
            LatentKernels.ToDouble(part, destination.Slice(at, part.Length));
        }
    }

    /// <summary><see cref="Fill(Span{float})"/> without SIMD: the twin the vector path is tested against.</summary>
    public void FillScalar(Span<float> destination)
    {
        FillAt(_drawn, destination, vector: false);
        _drawn += destination.Length;
    }

    /// <summary>Draws <paramref name="first"/> … first + destination.Length − 1 of the stream.</summary>
    private void FillAt(long first, Span<float> destination, bool vector)
    {
        var head = (int)Math.Min(destination.Length, (Block - first % Block) % Block);
        var blocks = (destination.Length - head) / Block;
        for (var i = 0; i < head; i++)
        {
            destination[i] = Draw(first + i);
        }

        var whole = destination.Slice(head, blocks * Block);
        var firstPair = (first + head) / Block * Pairs;
        if (vector)
        {
            FillBlocksVector(firstPair, whole);
        }
        else
        {
            FillBlocksScalar(firstPair, whole);
        }

        for (var i = head + whole.Length; i < destination.Length; i++)
        {
            destination[i] = Draw(first + i);
        }
    }

    /// <summary>Draw <paramref name="index"/> of the stream.</summary>
    private float Draw(long index)
    {
        var (cos, sin) = Pair(index / Block * Pairs + index % Pairs);
        return index % Block < Pairs ? cos : sin;
    }

    /// <summary>Whole blocks in scalar code, each pair computed once.</summary>
    private void FillBlocksScalar(long firstPair, Span<float> destination)
    {
        for (var b = 0; b < destination.Length; b += Block)
        {
            for (var j = 0; j < Pairs; j++)
            {
                (destination[b + j], destination[b + Pairs + j]) = Pair(firstPair + b / 2 + j);
            }
        }
    }

    /// <summary>(r·cos θ, r·sin θ) of pair <paramref name="pair"/>, in the operations of <see cref="FillBlocksVector"/>.</summary>
    private (float Cos, float Sin) Pair(long pair)
    {
        var h = Mix(_key + (ulong)(pair + 1) * Gamma);
        var r = Radius((uint)(h >> 32));
        var k = (uint)h >> 8;
        var quadrant = (k + (1u << 21)) >> 22;
        var g = (int)(k - (quadrant << 22)) * TwoToMinus22;
        var g2 = g * g;
        var s = MathF.FusedMultiplyAdd(MathF.FusedMultiplyAdd(MathF.FusedMultiplyAdd(S3, g2, S2), g2, S1), g2, S0) * g;
        var c = MathF.FusedMultiplyAdd(MathF.FusedMultiplyAdd(MathF.FusedMultiplyAdd(MathF.FusedMultiplyAdd(C4, g2, C3), g2, C2), g2, C1), g2, 1f);
        // Rotate (cos, sin) of g·π/2 by quadrant·π/2: swap for odd quadrants, negate cos in quadrants 1 and 2, sin in 2 and 3.
        var odd = (quadrant & 1) != 0;
        var cos = BitConverter.SingleToUInt32Bits(odd ? s : c) ^ (((quadrant + 1) << 30) & 0x8000_0000u);
        var sin = BitConverter.SingleToUInt32Bits(odd ? c : s) ^ ((quadrant << 30) & 0x8000_0000u);
        return (r * BitConverter.UInt32BitsToSingle(cos), r * BitConverter.UInt32BitsToSingle(sin));
    }

    /// <summary>r = √(−2 ln u₁) from the high 32 bits of a pair's word.</summary>
    private static float Radius(uint high)
    {
        var u1 = (int)((high >> 8) + 1) * TwoToMinus24;
        var bits = BitConverter.SingleToUInt32Bits(u1);
        var e = (int)(bits - TwoThirdsBits) >> 23;
        var f = BitConverter.UInt32BitsToSingle(bits - (uint)(e << 23)) - 1f;
        var q = MathF.FusedMultiplyAdd(L7, f, L6);
        q = MathF.FusedMultiplyAdd(q, f, L5);
        q = MathF.FusedMultiplyAdd(q, f, L4);
        q = MathF.FusedMultiplyAdd(q, f, L3);
        q = MathF.FusedMultiplyAdd(q, f, L2);
        q = MathF.FusedMultiplyAdd(q, f, L1);
        q = MathF.FusedMultiplyAdd(q, f, L0);
        var ln = MathF.FusedMultiplyAdd(e, Ln2, MathF.FusedMultiplyAdd(q, f * f, f));
        return MathF.Sqrt(ln * -2f);
    }

    /// <summary>Whole blocks, 16 pairs per iteration: the operations of <see cref="Pair"/> and <see cref="Radius"/> lane by lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void FillBlocksVector(long firstPair, Span<float> destination)
    {
        var gamma = Vector512.Create(Gamma);
        var lanes = Vector512.Create(1UL, 2, 3, 4, 5, 6, 7, 8);
        var key = Vector512.Create(_key);
        var one = Vector512<uint>.One;
        var sign = Vector512.Create(0x8000_0000u);
        ref var d = ref MemoryMarshal.GetReference(destination);
        var pair = (ulong)firstPair;
        for (nuint b = 0; b < (nuint)destination.Length; b += Block, pair += Pairs)
        {
            var low8 = Mix(key + (Vector512.Create(pair) + lanes) * gamma);
            var high8 = Mix(key + (Vector512.Create(pair + 8) + lanes) * gamma);
            var hi = Vector512.Narrow(low8 >> 32, high8 >> 32);
            var lo = Vector512.Narrow(low8, high8);

            var u1 = Vector512.ConvertToSingle(((hi >> 8) + one).AsInt32()) * Vector512.Create(TwoToMinus24);
            var bits = u1.AsUInt32();
            var e = (bits - Vector512.Create(TwoThirdsBits)).AsInt32() >> 23;
            var f = (bits - (e << 23).AsUInt32()).AsSingle() - Vector512<float>.One;
            var q = Vector512.FusedMultiplyAdd(Vector512.Create(L7), f, Vector512.Create(L6));
            q = Vector512.FusedMultiplyAdd(q, f, Vector512.Create(L5));
            q = Vector512.FusedMultiplyAdd(q, f, Vector512.Create(L4));
            q = Vector512.FusedMultiplyAdd(q, f, Vector512.Create(L3));
            q = Vector512.FusedMultiplyAdd(q, f, Vector512.Create(L2));
            q = Vector512.FusedMultiplyAdd(q, f, Vector512.Create(L1));
            q = Vector512.FusedMultiplyAdd(q, f, Vector512.Create(L0));
            var ln = Vector512.FusedMultiplyAdd(Vector512.ConvertToSingle(e), Vector512.Create(Ln2), Vector512.FusedMultiplyAdd(q, f * f, f));
            var r = Vector512.Sqrt(ln * Vector512.Create(-2f));

            var k = lo >> 8;
            var quadrant = (k + Vector512.Create(1u << 21)) >> 22;
            var g = Vector512.ConvertToSingle((k - (quadrant << 22)).AsInt32()) * Vector512.Create(TwoToMinus22);
            var g2 = g * g;
            var s = Vector512.FusedMultiplyAdd(Vector512.Create(S3), g2, Vector512.Create(S2));
            s = Vector512.FusedMultiplyAdd(s, g2, Vector512.Create(S1));
            s = Vector512.FusedMultiplyAdd(s, g2, Vector512.Create(S0)) * g;
            var c = Vector512.FusedMultiplyAdd(Vector512.Create(C4), g2, Vector512.Create(C3));
            c = Vector512.FusedMultiplyAdd(c, g2, Vector512.Create(C2));
            c = Vector512.FusedMultiplyAdd(c, g2, Vector512.Create(C1));
            c = Vector512.FusedMultiplyAdd(c, g2, Vector512<float>.One);
            var odd = Vector512.Equals(quadrant & one, one).AsSingle();
            var cos = r * (Vector512.ConditionalSelect(odd, s, c).AsUInt32() ^ (((quadrant + one) << 30) & sign)).AsSingle();
            var sin = r * (Vector512.ConditionalSelect(odd, c, s).AsUInt32() ^ ((quadrant << 30) & sign)).AsSingle();

            cos.StoreUnsafe(ref d, b);
            sin.StoreUnsafe(ref d, b + Pairs);
        }
    }

    /// <summary>SplitMix64's output function (Steele, Lea and Flood 2014).</summary>
    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * Mix1;
        z = (z ^ (z >> 27)) * Mix2;
        return z ^ (z >> 31);
    }

    private static Vector512<ulong> Mix(Vector512<ulong> z)
    {
        z = (z ^ (z >> 30)) * Vector512.Create(Mix1);
        z = (z ^ (z >> 27)) * Vector512.Create(Mix2);
        return z ^ (z >> 31);
    }
}
