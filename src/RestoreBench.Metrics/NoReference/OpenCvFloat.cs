using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace RestoreBench.Metrics.NoReference;

/// <summary>
/// The float32 image operations of OpenCV 4.6 (x86-64 build with AVX2 dispatch, as shipped by
/// Debian) that BRISQUE uses, reimplemented to give the same bits: 8-bit BGR→gray, scaling to
/// [0, 1], <c>resize(INTER_CUBIC)</c> to half size and <c>GaussianBlur(7x7, σ = 7/6, BORDER_REPLICATE)</c>.
/// Each method documents the arithmetic order it reproduces; the tests compare with OpenCV's output.
/// </summary>
internal static class OpenCvFloat
{
    /// <summary>
    /// <c>cvtColor(BGR2GRAY)</c> on 8-bit data: (9798 R + 19235 G + 3735 B + 2¹⁴) >> 15
    /// (BT.601 weights 0.299, 0.587, 0.114 in 15-bit fixed point), exact for all 2²⁴ colours.
    /// </summary>
    public static byte Gray(int r, int g, int b) => (byte)((r * 9798 + g * 19235 + b * 3735 + (1 << 14)) >> 15);

    /// <summary><c>convertTo(CV_32F, 1/255)</c>: the byte times (float)(1/255) in float.</summary>
    public static float ToUnit(byte value) => value * (float)(1.0 / 255.0);

    /// <summary>
    /// The float 7-tap Gaussian kernel of <c>getGaussianKernel(7, σ, CV_32F)</c>: t_i = exp(−x²/(2σ²)),
    /// x = i − 3, normalised in double as t_i · (1/Σt) and rounded to float.
    /// </summary>
    public static float[] GaussianKernel(int size, double sigma)
    {
        var t = new double[size];
        var scale = -0.5 / (sigma * sigma);
        var sum = 0.0;
        for (var i = 0; i < size; i++)
        {
            var x = i - (size - 1) * 0.5;
            t[i] = Math.Exp(scale * x * x);
            sum += t[i];
        }

        sum = 1.0 / sum;
        var k = new float[size];
        for (var i = 0; i < size; i++)
        {
            k[i] = (float)(t[i] * sum);
        }

        return k;
    }

    /// <summary>
    /// <c>GaussianBlur(src, 7x7, σ, BORDER_REPLICATE)</c> on a float plane, as OpenCV's separable
    /// filter computes it with FMA: the row pass is s = fma(p[x+i], k[i], s) for i = 0..6 from
    /// s = 0 (edge samples repeated); the column pass uses the kernel's symmetry,
    /// s = r[y]·k[3], then s = fma(r[y−j] + r[y+j], k[3−j], s) for j = 1, 2, 3 (edge rows repeated).
    /// </summary>
    public static float[] GaussianBlur7(ReadOnlySpan<float> src, int height, int width, ReadOnlySpan<float> k, bool allowSimd = true)
    {
        const int radius = 3;
        var simd = allowSimd && Vector256.IsHardwareAccelerated;
        if (k.Length != 7)
        {
            throw new ArgumentException("The kernel must have 7 taps.", nameof(k));
        }

        var rows = new float[height * width];
        var padded = new float[width + 2 * radius];
        Vector256<float> w0 = Vector256.Create(k[0]), w1 = Vector256.Create(k[1]), w2 = Vector256.Create(k[2]), w3 = Vector256.Create(k[3]),
            w4 = Vector256.Create(k[4]), w5 = Vector256.Create(k[5]), w6 = Vector256.Create(k[6]);
        for (var y = 0; y < height; y++)
        {
            var line = src.Slice(y * width, width);
            line.CopyTo(padded.AsSpan(radius));
            for (var i = 0; i < radius; i++)
            {
                padded[i] = line[0];
                padded[radius + width + i] = line[width - 1];
            }

            var dst = rows.AsSpan(y * width, width);
            var x = 0;
            if (simd)
            {
                ref var p = ref MemoryMarshal.GetArrayDataReference(padded);
                ref var d = ref MemoryMarshal.GetReference(dst);
                for (; x + 8 <= width; x += 8)
                {
                    var o = (nuint)x;
                    var s = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref p, o), w0, Vector256<float>.Zero);
                    s = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref p, o + 1), w1, s);
                    s = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref p, o + 2), w2, s);
                    s = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref p, o + 3), w3, s);
                    s = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref p, o + 4), w4, s);
                    s = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref p, o + 5), w5, s);
                    s = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref p, o + 6), w6, s);
                    s.StoreUnsafe(ref d, o);
                }
            }

            for (; x < width; x++)
            {
                var s = 0f;
                for (var i = 0; i < 7; i++)
                {
                    s = MathF.FusedMultiplyAdd(padded[x + i], k[i], s);
                }

                dst[x] = s;
            }
        }

        var output = new float[height * width];
        for (var y = 0; y < height; y++)
        {
            ReadOnlySpan<float> c = rows.AsSpan(y * width, width);
            var u1 = Row(rows, y - 1, height, width);
            var d1 = Row(rows, y + 1, height, width);
            var u2 = Row(rows, y - 2, height, width);
            var d2 = Row(rows, y + 2, height, width);
            var u3 = Row(rows, y - 3, height, width);
            var d3 = Row(rows, y + 3, height, width);
            var dst = output.AsSpan(y * width, width);
            var x = 0;
            if (simd)
            {
                var k0 = Vector256.Create(k[0]);
                var k1 = Vector256.Create(k[1]);
                var k2 = Vector256.Create(k[2]);
                var k3 = Vector256.Create(k[3]);
                ref var rc = ref MemoryMarshal.GetReference(c);
                ref var ru1 = ref MemoryMarshal.GetReference(u1);
                ref var rd1 = ref MemoryMarshal.GetReference(d1);
                ref var ru2 = ref MemoryMarshal.GetReference(u2);
                ref var rd2 = ref MemoryMarshal.GetReference(d2);
                ref var ru3 = ref MemoryMarshal.GetReference(u3);
                ref var rd3 = ref MemoryMarshal.GetReference(d3);
                ref var rdst = ref MemoryMarshal.GetReference(dst);
                for (; x + 8 <= width; x += 8)
                {
                    var o = (nuint)x;
                    var s = Vector256.LoadUnsafe(ref rc, o) * k3;
                    s = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref ru1, o) + Vector256.LoadUnsafe(ref rd1, o), k2, s);
                    s = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref ru2, o) + Vector256.LoadUnsafe(ref rd2, o), k1, s);
                    s = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref ru3, o) + Vector256.LoadUnsafe(ref rd3, o), k0, s);
                    s.StoreUnsafe(ref rdst, o);
                }
            }

            for (; x < width; x++)
            {
                var s = c[x] * k[3];
                s = MathF.FusedMultiplyAdd(u1[x] + d1[x], k[2], s);
                s = MathF.FusedMultiplyAdd(u2[x] + d2[x], k[1], s);
                s = MathF.FusedMultiplyAdd(u3[x] + d3[x], k[0], s);
                dst[x] = s;
            }
        }

        return output;
    }

    /// <summary>
    /// <c>resize(src, Size(W/2, H/2), 0, 0, INTER_CUBIC)</c> on a float plane (sizes rounded down),
    /// bicubic with a = −0.75, half-pixel centres, edge samples repeated, no antialiasing.
    /// Coefficients: f = (float)((d + 0.5)·s − 0.5) with s = in/out, t = f − floor(f), OpenCV's
    /// cubic polynomials in float. Horizontal pass first: ((x₀a₀ + x₁a₁) + x₂a₂) + x₃a₃ in float.
    /// Vertical pass as OpenCV's SSE code: ((r₃b₃ + r₂b₂) + r₁b₁) + r₀b₀ for the columns handled four
    /// at a time, ((r₀b₀ + r₁b₁) + r₂b₂) + r₃b₃ for the remaining (width mod 4) columns. No FMA.
    /// </summary>
    public static float[] ResizeCubicHalf(ReadOnlySpan<float> src, int height, int width, out int outHeight, out int outWidth)
    {
        outHeight = height / 2;
        outWidth = width / 2;
        if (outHeight < 1 || outWidth < 1)
        {
            throw new ArgumentException($"Cannot halve a {height}x{width} plane.", nameof(src));
        }

        var (xIndex, xCoeff) = CubicTable(width, outWidth);
        var (yIndex, yCoeff) = CubicTable(height, outHeight);
        var ow = outWidth;
        var horizontal = new float[height * ow];
        for (var y = 0; y < height; y++)
        {
            var line = src.Slice(y * width, width);
            var dst = horizontal.AsSpan(y * ow, ow);
            for (var d = 0; d < ow; d++)
            {
                var o = 4 * d;
                var s = line[xIndex[o]] * xCoeff[o];
                s += line[xIndex[o + 1]] * xCoeff[o + 1];
                s += line[xIndex[o + 2]] * xCoeff[o + 2];
                s += line[xIndex[o + 3]] * xCoeff[o + 3];
                dst[d] = s;
            }
        }

        var output = new float[outHeight * ow];
        var vectorWidth = ow - ow % 4;
        for (var d = 0; d < outHeight; d++)
        {
            var o = 4 * d;
            var r0 = horizontal.AsSpan(yIndex[o] * ow, ow);
            var r1 = horizontal.AsSpan(yIndex[o + 1] * ow, ow);
            var r2 = horizontal.AsSpan(yIndex[o + 2] * ow, ow);
            var r3 = horizontal.AsSpan(yIndex[o + 3] * ow, ow);
            float b0 = yCoeff[o], b1 = yCoeff[o + 1], b2 = yCoeff[o + 2], b3 = yCoeff[o + 3];
            var dst = output.AsSpan(d * ow, ow);
            for (var x = 0; x < vectorWidth; x++)
            {
                var s = r3[x] * b3;
                s += r2[x] * b2;
                s += r1[x] * b1;
                s += r0[x] * b0;
                dst[x] = s;
            }

            for (var x = vectorWidth; x < ow; x++)
            {
                var s = r0[x] * b0;
                s += r1[x] * b1;
                s += r2[x] * b2;
                s += r3[x] * b3;
                dst[x] = s;
            }
        }

        return output;
    }

    /// <summary>Source indices (clamped) and cubic coefficients, four per output sample.</summary>
    private static (int[] Index, float[] Coeff) CubicTable(int inLength, int outLength)
    {
        var scale = 1.0 / ((double)outLength / inLength);
        var index = new int[4 * outLength];
        var coeff = new float[4 * outLength];
        Span<float> c = stackalloc float[4];
        for (var d = 0; d < outLength; d++)
        {
            var f = (float)((d + 0.5) * scale - 0.5);
            var s = (int)MathF.Floor(f);
            f -= s;
            Cubic(f, c);
            for (var k = 0; k < 4; k++)
            {
                index[4 * d + k] = Math.Clamp(s - 1 + k, 0, inLength - 1);
                coeff[4 * d + k] = c[k];
            }
        }

        return (index, coeff);
    }

    /// <summary>OpenCV's <c>interpolateCubic</c> (a = −0.75) in float.</summary>
    private static void Cubic(float x, Span<float> c)
    {
        const float a = -0.75f;
        c[0] = ((a * (x + 1) - 5 * a) * (x + 1) + 8 * a) * (x + 1) - 4 * a;
        c[1] = ((a + 2) * x - (a + 3)) * x * x + 1;
        c[2] = ((a + 2) * (1 - x) - (a + 3)) * (1 - x) * (1 - x) + 1;
        c[3] = 1f - c[0] - c[1] - c[2];
    }

    private static ReadOnlySpan<float> Row(float[] rows, int y, int height, int width) =>
        rows.AsSpan(Math.Clamp(y, 0, height - 1) * width, width);
}
