using System.Numerics;
using System.Runtime.InteropServices;

namespace RestoreBench.Diffusion.Schedulers;

/// <summary>
/// The element-wise loops of a sampling step, with <see cref="Vector{T}"/>. Each computes exactly
/// the scalar formula in its summary, operation by operation (no fused multiply-add), so results are
/// bit-identical to a plain loop; the vectors only do several elements per instruction.
/// </summary>
internal static class LatentKernels
{
    /// <summary>destination[i] = a·x[i] + b·y[i].</summary>
    public static void Combine(double a, ReadOnlySpan<double> x, double b, ReadOnlySpan<double> y, Span<double> destination)
    {
        Check(x.Length, y.Length, destination.Length);
        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var (va, vb) = (new Vector<double>(a), new Vector<double>(b));
            var vx = MemoryMarshal.Cast<double, Vector<double>>(x);
            var vy = MemoryMarshal.Cast<double, Vector<double>>(y);
            var vd = MemoryMarshal.Cast<double, Vector<double>>(destination);
            for (var k = 0; k < vd.Length; k++)
            {
                vd[k] = va * vx[k] + vb * vy[k];
            }

            i = vd.Length * Vector<double>.Count;
        }

        for (; i < destination.Length; i++)
        {
            destination[i] = a * x[i] + b * y[i];
        }
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

    /// <summary>destination[i] = (a·x[i] + b·y[i]) + s·n[i].</summary>
    public static void CombineAdd(double a, ReadOnlySpan<double> x, double b, ReadOnlySpan<double> y, double s, ReadOnlySpan<double> n, Span<double> destination)
    {
        Check(x.Length, y.Length, destination.Length);
        Check(n.Length, n.Length, destination.Length);
        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var (va, vb, vs) = (new Vector<double>(a), new Vector<double>(b), new Vector<double>(s));
            var vx = MemoryMarshal.Cast<double, Vector<double>>(x);
            var vy = MemoryMarshal.Cast<double, Vector<double>>(y);
            var vn = MemoryMarshal.Cast<double, Vector<double>>(n);
            var vd = MemoryMarshal.Cast<double, Vector<double>>(destination);
            for (var k = 0; k < vd.Length; k++)
            {
                vd[k] = va * vx[k] + vb * vy[k] + vs * vn[k];
            }

            i = vd.Length * Vector<double>.Count;
        }

        for (; i < destination.Length; i++)
        {
            destination[i] = a * x[i] + b * y[i] + s * n[i];
        }
    }

    /// <summary>
    /// The DDPM step from an ε-prediction in one pass: x0[i] = (z[i] − b·ε[i])·c, then
    /// destination[i] = (p·x0[i] + q·z[i]) + s·n[i] (<see cref="ScaledDifference"/> followed by
    /// <see cref="CombineAdd"/>, with the same results).
    /// </summary>
    public static void EpsilonStep(ReadOnlySpan<double> epsilon, ReadOnlySpan<double> z, double b, double c, double p, double q, double s, ReadOnlySpan<double> n, Span<double> x0, Span<double> destination)
    {
        Check(epsilon.Length, z.Length, destination.Length);
        Check(n.Length, x0.Length, destination.Length);
        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var (vb, vc, vp, vq, vs) = (new Vector<double>(b), new Vector<double>(c), new Vector<double>(p), new Vector<double>(q), new Vector<double>(s));
            var ve = MemoryMarshal.Cast<double, Vector<double>>(epsilon);
            var vz = MemoryMarshal.Cast<double, Vector<double>>(z);
            var vn = MemoryMarshal.Cast<double, Vector<double>>(n);
            var vx = MemoryMarshal.Cast<double, Vector<double>>(x0);
            var vd = MemoryMarshal.Cast<double, Vector<double>>(destination);
            for (var k = 0; k < vd.Length; k++)
            {
                var x = (vz[k] - vb * ve[k]) * vc;
                vx[k] = x;
                vd[k] = vp * x + vq * vz[k] + vs * vn[k];
            }

            i = vd.Length * Vector<double>.Count;
        }

        for (; i < destination.Length; i++)
        {
            var x = (z[i] - b * epsilon[i]) * c;
            x0[i] = x;
            destination[i] = p * x + q * z[i] + s * n[i];
        }
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

    private static void Check(int a, int b, int destination)
    {
        if (a != destination || b != destination)
        {
            throw new ArgumentException($"latent lengths differ ({a}, {b}, {destination})");
        }
    }
}
