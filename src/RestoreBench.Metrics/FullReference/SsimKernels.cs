using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace RestoreBench.Metrics.FullReference;

/// <summary>Mean SSIM and mean contrast–structure term over the valid region.</summary>
/// <param name="Ssim">Mean of the SSIM map, in [-1, 1].</param>
/// <param name="ContrastStructure">Mean of the contrast–structure map cs = (2σxy + C2) / (σx² + σy² + C2), in [-1, 1] (MS-SSIM).</param>
public readonly record struct SsimMeans(double Ssim, double ContrastStructure);

/// <summary>
/// SSIM of Wang et al. (2004) on one pair of 0–255 planes, as MATLAB <c>ssim</c> with the
/// BasicSR <c>calculate_ssim</c> conventions: 11x11 Gaussian window σ = 1.5 normalised to sum 1,
/// 'valid' region only (output (H−10)x(W−10), no padding), C1 = (0.01·255)², C2 = (0.03·255)²,
/// population statistics σx² = E[x²] − E[x]², mean of the map.
/// <para>
/// The window is applied separably (rows, then columns) to x, y, x², y² and xy, streamed through a
/// ring buffer of 11 rows per column tile of <see cref="TileWidth"/> outputs. Rows are split into
/// bands run in parallel; each output row's sum goes to a per-row slot and the rows are summed in
/// order, so the result does not depend on the thread count. <see cref="ComputeVector"/> uses
/// <see cref="Vector256{T}"/> (with FMA when the CPU has it); <see cref="ComputeScalar"/> is the plain
/// twin; they agree to about 1e-15 (rounding order only).
/// </para>
/// </summary>
public static class SsimKernels
{
    /// <summary>Window side in pixels.</summary>
    public const int WindowSize = 11;

    /// <summary>Gaussian standard deviation of the window, in pixels.</summary>
    public const double Sigma = 1.5;

    /// <summary>Dynamic range L of the 0–255 planes.</summary>
    public const double DataRange = 255.0;

    /// <summary>C1 = (0.01 L)² = 6.5025.</summary>
    public const double C1 = 0.01 * DataRange * (0.01 * DataRange);

    /// <summary>C2 = (0.03 L)² = 58.5225.</summary>
    public const double C2 = 0.03 * DataRange * (0.03 * DataRange);

    /// <summary>
    /// Output columns per tile: the 5 maps x 11-row ring (≈ 450 KB) stays in a core's L2 cache, and the
    /// input is read in runs of 1024 samples (256 was 11 % slower single-threaded, 21 % with two
    /// threads, on a 2040-wide image: short runs in eight strips defeat the prefetcher). Fixed, so
    /// results do not depend on it at run time.
    /// </summary>
    public const int TileWidth = 1024;

    private const int Radius = WindowSize / 2;
    private const int Maps = 5;
    private const int MinRowsPerBand = 32;

    private static readonly double[] Window1D = CreateWindow();

    /// <summary>The normalised 1-D Gaussian, exp(−(k−5)²/(2·1.5²)) / Σ, k = 0..10; the 2-D window is its outer product.</summary>
    public static ReadOnlySpan<double> Window => Window1D;

    /// <summary>
    /// Mean SSIM and mean cs of <paramref name="x"/> against <paramref name="y"/> (same size, at
    /// least 11x11), with the vector kernel when <see cref="Vector256.IsHardwareAccelerated"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The planes differ in size or are smaller than 11x11.</exception>
    public static SsimMeans Compute(MetricPlane x, MetricPlane y, int degreeOfParallelism) =>
        Vector256.IsHardwareAccelerated ? ComputeVector(x, y, degreeOfParallelism) : ComputeScalar(x, y, degreeOfParallelism);

    /// <summary>Scalar twin of <see cref="ComputeVector"/>.</summary>
    /// <exception cref="ArgumentException">The planes differ in size or are smaller than 11x11.</exception>
    public static SsimMeans ComputeScalar(MetricPlane x, MetricPlane y, int degreeOfParallelism) =>
        Run(x, y, degreeOfParallelism, vector: false);

    /// <summary><see cref="Vector256{T}"/> kernel (falls back to scalar arithmetic lane by lane where the hardware lacks it).</summary>
    /// <exception cref="ArgumentException">The planes differ in size or are smaller than 11x11.</exception>
    public static SsimMeans ComputeVector(MetricPlane x, MetricPlane y, int degreeOfParallelism) =>
        Run(x, y, degreeOfParallelism, vector: true);

    private static double[] CreateWindow()
    {
        var g = new double[WindowSize];
        var sum = 0.0;
        for (var k = 0; k < WindowSize; k++)
        {
            var d = k - Radius;
            g[k] = Math.Exp(-(d * d) / (2.0 * Sigma * Sigma));
            sum += g[k];
        }

        for (var k = 0; k < WindowSize; k++)
        {
            g[k] /= sum;
        }

        return g;
    }

    private static SsimMeans Run(MetricPlane x, MetricPlane y, int degree, bool vector)
    {
        MetricParallelism.Validate(degree);
        if (x.Height != y.Height || x.Width != y.Width)
        {
            throw new ArgumentException($"SSIM planes differ in size: {x.Height}x{x.Width} and {y.Height}x{y.Width}.", nameof(y));
        }

        if (x.Height < WindowSize || x.Width < WindowSize)
        {
            throw new ArgumentException($"SSIM needs at least {WindowSize}x{WindowSize} pixels (valid region of an {WindowSize}x{WindowSize} window), got {x.Height}x{x.Width}.", nameof(x));
        }

        int outH = x.Height - 2 * Radius, outW = x.Width - 2 * Radius;
        var rowSsim = new double[outH];
        var rowCs = new double[outH];
        MetricParallelism.ForBands(outH, degree, MinRowsPerBand, (first, end) =>
            ProcessBand(x, y, first, end, outW, rowSsim, rowCs, vector));

        double count = (double)outH * outW;
        return new SsimMeans(MetricParallelism.SumInOrder(rowSsim) / count, MetricParallelism.SumInOrder(rowCs) / count);
    }

    private static void ProcessBand(MetricPlane x, MetricPlane y, int first, int end, int outW, double[] rowSsim, double[] rowCs, bool vector)
    {
        const int inCap = TileWidth + 2 * Radius;
        const int mapStride = WindowSize * TileWidth;

        // Pooled buffers need no clearing: every ring slot and vertical row is written before it is read.
        var pool = ArrayPool<double>.Shared;
        var input = pool.Rent(Maps * inCap);
        var ring = pool.Rent(Maps * mapStride);
        var vertical = pool.Rent(Maps * TileWidth);
        try
        {
            ProcessBandTiles(x, y, first, end, outW, rowSsim, rowCs, vector, input, ring, vertical);
        }
        finally
        {
            pool.Return(vertical);
            pool.Return(ring);
            pool.Return(input);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ProcessBandTiles(
        MetricPlane x, MetricPlane y, int first, int end, int outW, double[] rowSsim, double[] rowCs, bool vector,
        double[] input, double[] ring, double[] vertical)
    {
        const int inCap = TileWidth + 2 * Radius;
        const int mapStride = WindowSize * TileWidth;
        var offsets = new int[WindowSize];
        var g = Window1D;

        for (var c0 = 0; c0 < outW; c0 += TileWidth)
        {
            var tw = Math.Min(TileWidth, outW - c0);
            var inW = tw + 2 * Radius;
            var inX = input.AsSpan(0, inW);
            var inY = input.AsSpan(inCap, inW);
            var inXX = input.AsSpan(2 * inCap, inW);
            var inYY = input.AsSpan(3 * inCap, inW);
            var inXY = input.AsSpan(4 * inCap, inW);
            var inputRows = end - first + 2 * Radius;
            for (var i = 0; i < inputRows; i++)
            {
                // Horizontal pass of input row (first + i) for the 5 maps x, y, x², y², xy into ring slot i mod 11.
                x.ReadRow(first + i, c0, inX);
                y.ReadRow(first + i, c0, inY);
                var slot = i % WindowSize;
                if (vector)
                {
                    ProductsVector(inX, inY, inXX, inYY, inXY);
                }
                else
                {
                    ProductsScalar(inX, inY, inXX, inYY, inXY);
                }

                for (var m = 0; m < Maps; m++)
                {
                    var src = input.AsSpan(m * inCap, inW);
                    var dst = ring.AsSpan(m * mapStride + slot * TileWidth, tw);
                    if (vector)
                    {
                        HorizontalVector(src, dst, g);
                    }
                    else
                    {
                        HorizontalScalar(src, dst, g);
                    }
                }

                if (i < 2 * Radius)
                {
                    continue;
                }

                // Vertical pass for output row (first + i - 10): input rows i-10 .. i sit in slots (i-10+k) mod 11.
                for (var k = 0; k < WindowSize; k++)
                {
                    offsets[k] = (i - 2 * Radius + k) % WindowSize * TileWidth;
                }

                for (var m = 0; m < Maps; m++)
                {
                    var maps = ring.AsSpan(m * mapStride, mapStride);
                    var dst = vertical.AsSpan(m * TileWidth, tw);
                    if (vector)
                    {
                        VerticalVector(maps, offsets, dst, g);
                    }
                    else
                    {
                        VerticalScalar(maps, offsets, dst, g);
                    }
                }

                var v = vertical.AsSpan();
                var (s, cs) = vector
                    ? SsimRowVector(v[..tw], v.Slice(TileWidth, tw), v.Slice(2 * TileWidth, tw), v.Slice(3 * TileWidth, tw), v.Slice(4 * TileWidth, tw))
                    : SsimRowScalar(v[..tw], v.Slice(TileWidth, tw), v.Slice(2 * TileWidth, tw), v.Slice(3 * TileWidth, tw), v.Slice(4 * TileWidth, tw));
                var o = first + i - 2 * Radius;
                rowSsim[o] += s;
                rowCs[o] += cs;
            }
        }
    }

    // Both twins use the symmetry of the window, g[k] = g[10-k] exactly:
    // Σ g[k] v[k] = g5 v5 + g0 (v0 + v10) + g1 (v1 + v9) + g2 (v2 + v8) + g3 (v3 + v7) + g4 (v4 + v6).

    // ---------------- scalar twin ----------------

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ProductsScalar(ReadOnlySpan<double> x, ReadOnlySpan<double> y, Span<double> xx, Span<double> yy, Span<double> xy)
    {
        for (var j = 0; j < x.Length; j++)
        {
            xx[j] = x[j] * x[j];
            yy[j] = y[j] * y[j];
            xy[j] = x[j] * y[j];
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void HorizontalScalar(ReadOnlySpan<double> s, Span<double> destination, double[] g)
    {
        for (var j = 0; j < destination.Length; j++)
        {
            destination[j] = Symmetric(g, s[j], s[j + 1], s[j + 2], s[j + 3], s[j + 4], s[j + 5], s[j + 6], s[j + 7], s[j + 8], s[j + 9], s[j + 10]);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void VerticalScalar(ReadOnlySpan<double> r, int[] o, Span<double> destination, double[] g)
    {
        for (var j = 0; j < destination.Length; j++)
        {
            destination[j] = Symmetric(
                g, r[o[0] + j], r[o[1] + j], r[o[2] + j], r[o[3] + j], r[o[4] + j], r[o[5] + j],
                r[o[6] + j], r[o[7] + j], r[o[8] + j], r[o[9] + j], r[o[10] + j]);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double Symmetric(double[] g, double v0, double v1, double v2, double v3, double v4, double v5, double v6, double v7, double v8, double v9, double v10)
    {
        var acc = g[5] * v5;
        acc += g[0] * (v0 + v10);
        acc += g[1] * (v1 + v9);
        acc += g[2] * (v2 + v8);
        acc += g[3] * (v3 + v7);
        acc += g[4] * (v4 + v6);
        return acc;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static (double Ssim, double Cs) SsimRowScalar(ReadOnlySpan<double> mx, ReadOnlySpan<double> my, ReadOnlySpan<double> exx, ReadOnlySpan<double> eyy, ReadOnlySpan<double> exy)
    {
        double sumS = 0, sumC = 0;
        for (var j = 0; j < mx.Length; j++)
        {
            var (s, c) = SsimScalar(mx[j], my[j], exx[j], eyy[j], exy[j]);
            sumS += s;
            sumC += c;
        }

        return (sumS, sumC);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (double Ssim, double Cs) SsimScalar(double mx, double my, double exx, double eyy, double exy)
    {
        double mxx = mx * mx, myy = my * my, mxy = mx * my;
        double vx = exx - mxx, vy = eyy - myy, cov = exy - mxy;
        var csNum = 2.0 * cov + C2;
        var csDen = vx + vy + C2;
        var lNum = 2.0 * mxy + C1;
        var lDen = mxx + myy + C1;
        return (lNum * csNum / (lDen * csDen), csNum / csDen);
    }

    // ---------------- Vector256 kernel ----------------

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> MulAdd(Vector256<double> a, Vector256<double> b, Vector256<double> c) =>
        Fma.IsSupported ? Fma.MultiplyAdd(a, b, c) : a * b + c;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ProductsVector(ReadOnlySpan<double> x, ReadOnlySpan<double> y, Span<double> xx, Span<double> yy, Span<double> xy)
    {
        var n = x.Length;
        var j = 0;
        ref var rx = ref MemoryMarshal.GetReference(x);
        ref var ry = ref MemoryMarshal.GetReference(y);
        ref var rxx = ref MemoryMarshal.GetReference(xx);
        ref var ryy = ref MemoryMarshal.GetReference(yy);
        ref var rxy = ref MemoryMarshal.GetReference(xy);
        for (; j <= n - Vector256<double>.Count; j += Vector256<double>.Count)
        {
            var vx = Vector256.LoadUnsafe(ref rx, (nuint)j);
            var vy = Vector256.LoadUnsafe(ref ry, (nuint)j);
            (vx * vx).StoreUnsafe(ref rxx, (nuint)j);
            (vy * vy).StoreUnsafe(ref ryy, (nuint)j);
            (vx * vy).StoreUnsafe(ref rxy, (nuint)j);
        }

        for (; j < n; j++)
        {
            xx[j] = x[j] * x[j];
            yy[j] = y[j] * y[j];
            xy[j] = x[j] * y[j];
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void HorizontalVector(ReadOnlySpan<double> source, Span<double> destination, double[] g)
    {
        var n = destination.Length;
        var j = 0;
        ref var rs = ref MemoryMarshal.GetReference(source);
        ref var rd = ref MemoryMarshal.GetReference(destination);
        var g0 = Vector256.Create(g[0]);
        var g1 = Vector256.Create(g[1]);
        var g2 = Vector256.Create(g[2]);
        var g3 = Vector256.Create(g[3]);
        var g4 = Vector256.Create(g[4]);
        var g5 = Vector256.Create(g[5]);
        for (; j <= n - Vector256<double>.Count; j += Vector256<double>.Count)
        {
            var p = (nuint)j;
            var acc = g5 * Vector256.LoadUnsafe(ref rs, p + 5);
            acc = MulAdd(g0, Vector256.LoadUnsafe(ref rs, p) + Vector256.LoadUnsafe(ref rs, p + 10), acc);
            acc = MulAdd(g1, Vector256.LoadUnsafe(ref rs, p + 1) + Vector256.LoadUnsafe(ref rs, p + 9), acc);
            acc = MulAdd(g2, Vector256.LoadUnsafe(ref rs, p + 2) + Vector256.LoadUnsafe(ref rs, p + 8), acc);
            acc = MulAdd(g3, Vector256.LoadUnsafe(ref rs, p + 3) + Vector256.LoadUnsafe(ref rs, p + 7), acc);
            acc = MulAdd(g4, Vector256.LoadUnsafe(ref rs, p + 4) + Vector256.LoadUnsafe(ref rs, p + 6), acc);
            acc.StoreUnsafe(ref rd, p);
        }

        for (; j < n; j++)
        {
            destination[j] = Symmetric(
                g, source[j], source[j + 1], source[j + 2], source[j + 3], source[j + 4], source[j + 5],
                source[j + 6], source[j + 7], source[j + 8], source[j + 9], source[j + 10]);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void VerticalVector(ReadOnlySpan<double> rows, int[] o, Span<double> destination, double[] g)
    {
        var n = destination.Length;
        ref var r = ref MemoryMarshal.GetReference(rows);
        ref var rd = ref MemoryMarshal.GetReference(destination);
        var g0 = Vector256.Create(g[0]);
        var g1 = Vector256.Create(g[1]);
        var g2 = Vector256.Create(g[2]);
        var g3 = Vector256.Create(g[3]);
        var g4 = Vector256.Create(g[4]);
        var g5 = Vector256.Create(g[5]);
        nuint o0 = (nuint)o[0], o1 = (nuint)o[1], o2 = (nuint)o[2], o3 = (nuint)o[3], o4 = (nuint)o[4], o5 = (nuint)o[5];
        nuint o6 = (nuint)o[6], o7 = (nuint)o[7], o8 = (nuint)o[8], o9 = (nuint)o[9], o10 = (nuint)o[10];
        var j = 0;
        for (; j <= n - Vector256<double>.Count; j += Vector256<double>.Count)
        {
            var p = (nuint)j;
            var acc = g5 * Vector256.LoadUnsafe(ref r, o5 + p);
            acc = MulAdd(g0, Vector256.LoadUnsafe(ref r, o0 + p) + Vector256.LoadUnsafe(ref r, o10 + p), acc);
            acc = MulAdd(g1, Vector256.LoadUnsafe(ref r, o1 + p) + Vector256.LoadUnsafe(ref r, o9 + p), acc);
            acc = MulAdd(g2, Vector256.LoadUnsafe(ref r, o2 + p) + Vector256.LoadUnsafe(ref r, o8 + p), acc);
            acc = MulAdd(g3, Vector256.LoadUnsafe(ref r, o3 + p) + Vector256.LoadUnsafe(ref r, o7 + p), acc);
            acc = MulAdd(g4, Vector256.LoadUnsafe(ref r, o4 + p) + Vector256.LoadUnsafe(ref r, o6 + p), acc);
            acc.StoreUnsafe(ref rd, p);
        }

        for (; j < n; j++)
        {
            destination[j] = Symmetric(
                g, rows[o[0] + j], rows[o[1] + j], rows[o[2] + j], rows[o[3] + j], rows[o[4] + j], rows[o[5] + j],
                rows[o[6] + j], rows[o[7] + j], rows[o[8] + j], rows[o[9] + j], rows[o[10] + j]);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static (double Ssim, double Cs) SsimRowVector(ReadOnlySpan<double> mxRow, ReadOnlySpan<double> myRow, ReadOnlySpan<double> exxRow, ReadOnlySpan<double> eyyRow, ReadOnlySpan<double> exyRow)
    {
        var n = mxRow.Length;
        ref var rmx = ref MemoryMarshal.GetReference(mxRow);
        ref var rmy = ref MemoryMarshal.GetReference(myRow);
        ref var rxx = ref MemoryMarshal.GetReference(exxRow);
        ref var ryy = ref MemoryMarshal.GetReference(eyyRow);
        ref var rxy = ref MemoryMarshal.GetReference(exyRow);
        var c1 = Vector256.Create(C1);
        var c2 = Vector256.Create(C2);
        var two = Vector256.Create(2.0);
        var accS = Vector256<double>.Zero;
        var accC = Vector256<double>.Zero;
        var j = 0;
        for (; j <= n - Vector256<double>.Count; j += Vector256<double>.Count)
        {
            var p = (nuint)j;
            var mx = Vector256.LoadUnsafe(ref rmx, p);
            var my = Vector256.LoadUnsafe(ref rmy, p);
            var mxx = mx * mx;
            var myy = my * my;
            var mxy = mx * my;
            var csNum = MulAdd(two, Vector256.LoadUnsafe(ref rxy, p) - mxy, c2);
            var csDen = Vector256.LoadUnsafe(ref rxx, p) - mxx + (Vector256.LoadUnsafe(ref ryy, p) - myy) + c2;
            var lNum = MulAdd(two, mxy, c1);
            var lDen = mxx + myy + c1;
            accS += lNum * csNum / (lDen * csDen);
            accC += csNum / csDen;
        }

        double sumS = accS[0] + accS[1] + accS[2] + accS[3];
        double sumC = accC[0] + accC[1] + accC[2] + accC[3];
        for (; j < n; j++)
        {
            var (s, c) = SsimScalar(mxRow[j], myRow[j], exxRow[j], eyyRow[j], exyRow[j]);
            sumS += s;
            sumC += c;
        }

        return (sumS, sumC);
    }
}
