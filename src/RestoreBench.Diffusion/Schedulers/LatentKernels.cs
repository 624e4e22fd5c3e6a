using System.Numerics;
using System.Runtime.InteropServices;

namespace RestoreBench.Diffusion.Schedulers;

/// <summary>
/// The element-wise loops of a sampling step, with <see cref="Vector{T}"/>. Each computes exactly
/// the scalar formula in its summary, operation by operation (no fused multiply-add), so results are
/// bit-identical to a plain loop; the vectors only do several elements per instruction. The loops
/// that write a step's z_prev take two vectors per iteration (all loads before the stores, which
/// keeps them clear of 4K aliasing between same-offset buffers) and report whether the output is
/// finite, so the sampler needs no separate pass to check it.
/// </summary>
internal static class LatentKernels
{
    /// <summary>destination[i] = a·x[i] + b·y[i]; returns whether every destination value is finite.</summary>
    public static bool Combine(double a, ReadOnlySpan<double> x, double b, ReadOnlySpan<double> y, Span<double> destination)
    {
        Check(x.Length, y.Length, destination.Length);
        var (i, zeros, tail) = (0, Vector<double>.Zero, 0.0);
        if (Vector.IsHardwareAccelerated)
        {
            var (va, vb) = (new Vector<double>(a), new Vector<double>(b));
            var vx = MemoryMarshal.Cast<double, Vector<double>>(x);
            var vy = MemoryMarshal.Cast<double, Vector<double>>(y);
            var vd = MemoryMarshal.Cast<double, Vector<double>>(destination);
            var k = 0;
            for (; k + 1 < vd.Length; k += 2)
            {
                var d0 = va * vx[k] + vb * vy[k];
                var d1 = va * vx[k + 1] + vb * vy[k + 1];
                vd[k] = d0;
                vd[k + 1] = d1;
                zeros += (d0 - d0) + (d1 - d1);
            }

            i = k * Vector<double>.Count;
        }

        for (; i < destination.Length; i++)
        {
            var d = a * x[i] + b * y[i];
            destination[i] = d;
            tail += d - d;
        }

        return AllZero(zeros, tail);
    }

    /// <summary>destination[i] = (x[i] − b·y[i])·c.</summary>
    public static void ScaledDifference(ReadOnlySpan<double> x, double b, ReadOnlySpan<double> y, double c, Span<double> destination)
    {
        Check(x.Length, y.Length, destination.Length);
        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var (vb, vc) = (new Vector<double>(b), new Vector<double>(c));
            var vx = MemoryMarshal.Cast<double, Vector<double>>(x);
            var vy = MemoryMarshal.Cast<double, Vector<double>>(y);
            var vd = MemoryMarshal.Cast<double, Vector<double>>(destination);
            for (var k = 0; k < vd.Length; k++)
            {
                vd[k] = (vx[k] - vb * vy[k]) * vc;
            }

            i = vd.Length * Vector<double>.Count;
        }

        for (; i < destination.Length; i++)
        {
            destination[i] = (x[i] - b * y[i]) * c;
        }
    }

    /// <summary>destination[i] = (a·x[i] + b·y[i]) + s·n[i] (n: float32 normal draws, widened exactly); returns whether every destination value is finite.</summary>
    public static bool CombineAdd(double a, ReadOnlySpan<double> x, double b, ReadOnlySpan<double> y, double s, ReadOnlySpan<float> n, Span<double> destination)
    {
        Check(x.Length, y.Length, destination.Length);
        Check(n.Length, n.Length, destination.Length);
        var (i, zeros, tail) = (0, Vector<double>.Zero, 0.0);
        if (Vector.IsHardwareAccelerated)
        {
            var (va, vb, vs) = (new Vector<double>(a), new Vector<double>(b), new Vector<double>(s));
            var vx = MemoryMarshal.Cast<double, Vector<double>>(x);
            var vy = MemoryMarshal.Cast<double, Vector<double>>(y);
            var vn = MemoryMarshal.Cast<float, Vector<float>>(n);
            var vd = MemoryMarshal.Cast<double, Vector<double>>(destination);
            var k = 0;
            for (; k + 1 < vd.Length; k += 2)
            {
                Vector.Widen(vn[k >> 1], out var n0, out var n1);
                var d0 = va * vx[k] + vb * vy[k] + vs * n0;
                var d1 = va * vx[k + 1] + vb * vy[k + 1] + vs * n1;
                vd[k] = d0;
                vd[k + 1] = d1;
                zeros += (d0 - d0) + (d1 - d1);
            }

            i = k * Vector<double>.Count;
        }

        for (; i < destination.Length; i++)
        {
            var d = a * x[i] + b * y[i] + s * n[i];
            destination[i] = d;
            tail += d - d;
        }

        return AllZero(zeros, tail);
    }

    /// <summary>
    /// The DDPM step from an ε-prediction in one pass: x0[i] = (z[i] − b·ε[i])·c, then
    /// destination[i] = (p·x0[i] + q·z[i]) + s·n[i] (n as in <see cref="CombineAdd"/>; <see cref="ScaledDifference"/> followed by
    /// <see cref="CombineAdd"/>, with the same results); returns whether every destination value is finite.
    /// <paramref name="x0"/> may be empty: ẑ_0 is then not stored.
    /// </summary>
    public static bool EpsilonStep(ReadOnlySpan<double> epsilon, ReadOnlySpan<double> z, double b, double c, double p, double q, double s, ReadOnlySpan<float> n, Span<double> x0, Span<double> destination)
    {
        var keep = !x0.IsEmpty;
        Check(epsilon.Length, z.Length, destination.Length);
        Check(n.Length, keep ? x0.Length : n.Length, destination.Length);
        var (i, zeros, tail) = (0, Vector<double>.Zero, 0.0);
        if (Vector.IsHardwareAccelerated)
        {
            var (vb, vc, vp, vq, vs) = (new Vector<double>(b), new Vector<double>(c), new Vector<double>(p), new Vector<double>(q), new Vector<double>(s));
            var ve = MemoryMarshal.Cast<double, Vector<double>>(epsilon);
            var vz = MemoryMarshal.Cast<double, Vector<double>>(z);
            var vn = MemoryMarshal.Cast<float, Vector<float>>(n);
            var vx = MemoryMarshal.Cast<double, Vector<double>>(x0);
            var vd = MemoryMarshal.Cast<double, Vector<double>>(destination);
            var k = 0;
            for (; k + 1 < vd.Length; k += 2)
            {
                var (z0, z1) = (vz[k], vz[k + 1]);
                Vector.Widen(vn[k >> 1], out var n0, out var n1);
                var x_0 = (z0 - vb * ve[k]) * vc;
                var x_1 = (z1 - vb * ve[k + 1]) * vc;
                var d0 = vp * x_0 + vq * z0 + vs * n0;
                var d1 = vp * x_1 + vq * z1 + vs * n1;
                if (keep)
                {
                    vx[k] = x_0;
                    vx[k + 1] = x_1;
                }

                vd[k] = d0;
                vd[k + 1] = d1;
                zeros += (d0 - d0) + (d1 - d1);
            }

            i = k * Vector<double>.Count;
        }

        for (; i < destination.Length; i++)
        {
            var x = (z[i] - b * epsilon[i]) * c;
            if (keep)
            {
                x0[i] = x;
            }

            var d = p * x + q * z[i] + s * n[i];
            destination[i] = d;
            tail += d - d;
        }

        return AllZero(zeros, tail);
    }

    /// <summary>Classifier-free guidance in place: conditional[i] = unconditional[i] + w·(conditional[i] − unconditional[i]).</summary>
    public static void Guide(ReadOnlySpan<double> unconditional, double w, Span<double> conditional)
    {
        Check(unconditional.Length, unconditional.Length, conditional.Length);
        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var vw = new Vector<double>(w);
            var vu = MemoryMarshal.Cast<double, Vector<double>>(unconditional);
            var vc = MemoryMarshal.Cast<double, Vector<double>>(conditional);
            for (var k = 0; k < vc.Length; k++)
            {
                vc[k] = vu[k] + vw * (vc[k] - vu[k]);
            }

            i = vc.Length * Vector<double>.Count;
        }

        for (; i < conditional.Length; i++)
        {
            conditional[i] = unconditional[i] + w * (conditional[i] - unconditional[i]);
        }
    }

    /// <summary>destination[i] = (float)source[i] (round to nearest even).</summary>
    public static void ToSingle(ReadOnlySpan<double> source, Span<float> destination)
    {
        Check(source.Length, source.Length, destination.Length);
        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var vs = MemoryMarshal.Cast<double, Vector<double>>(source);
            var vd = MemoryMarshal.Cast<float, Vector<float>>(destination);
            for (var k = 0; k < vd.Length && 2 * k + 1 < vs.Length; k++)
            {
                vd[k] = Vector.Narrow(vs[2 * k], vs[2 * k + 1]);
                i += Vector<float>.Count;
            }
        }

        for (; i < destination.Length; i++)
        {
            destination[i] = (float)source[i];
        }
    }

    /// <summary>destination[i] = source[i] (exact).</summary>
    public static void ToDouble(ReadOnlySpan<float> source, Span<double> destination)
    {
        Check(source.Length, source.Length, destination.Length);
        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var vs = MemoryMarshal.Cast<float, Vector<float>>(source);
            var vd = MemoryMarshal.Cast<double, Vector<double>>(destination);
            for (var k = 0; k < vs.Length && 2 * k + 1 < vd.Length; k++)
            {
                Vector.Widen(vs[k], out vd[2 * k], out vd[2 * k + 1]);
                i += Vector<float>.Count;
            }
        }

        for (; i < destination.Length; i++)
        {
            destination[i] = source[i];
        }
    }

    /// <summary>Index of the first NaN or infinity, or −1.</summary>
    public static int FirstNonFinite(ReadOnlySpan<double> values)
    {
        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            // x − x is 0 for every finite x and NaN for NaN and ±∞; NaN compares unequal to 0.
            var vv = MemoryMarshal.Cast<double, Vector<double>>(values);
            var k = 0;
            while (k < vv.Length && Vector.EqualsAll(vv[k] - vv[k], Vector<double>.Zero))
            {
                k++;
            }

            i = k * Vector<double>.Count;
        }

        for (; i < values.Length; i++)
        {
            if (!double.IsFinite(values[i]))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>
    /// The finiteness test of the loops above: they add up d − d over their outputs, which is 0 for
    /// every finite d and NaN for NaN and ±∞ (and NaN stays NaN in a sum).
    /// </summary>
    private static bool AllZero(Vector<double> zeros, double tail) => Vector.EqualsAll(zeros, Vector<double>.Zero) && tail == 0;

    private static void Check(int a, int b, int destination)
    {
        if (a != destination || b != destination)
        {
            throw new ArgumentException($"latent lengths differ ({a}, {b}, {destination})");
        }
    }
}
