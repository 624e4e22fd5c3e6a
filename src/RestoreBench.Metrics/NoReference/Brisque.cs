using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Numerics.Tensors;
using MathNet.Numerics;
using RestoreBench.Core.Imaging;

namespace RestoreBench.Metrics.NoReference;

/// <summary>
/// BRISQUE, the Blind/Referenceless Image Spatial Quality Evaluator (Mittal, Moorthy, Bovik, IEEE
/// TIP 2012), in the variant of OpenCV 4.x <c>quality::QualityBRISQUE</c> with its LIVE model
/// (<c>brisque_model_live.yml</c>, <c>brisque_range_live.yml</c>, embedded). Lower is better; the
/// score is clamped to [0, 100] as OpenCV does. This is not the LIVE MATLAB release: see
/// docs/metrics.md for the differences.
/// </summary>
/// <remarks>
/// Pipeline (OpenCV's, in float32 with the same operation order; matches OpenCV 4.6 within 0.003):
/// 8-bit gray (<c>cvtColor</c> fixed point) scaled to [0, 1]; at two scales (the image, then the
/// image resized to half with <c>INTER_CUBIC</c>) MSCN coefficients with a 7x7 Gaussian
/// (σ = 7/6, replicate borders) and σ + 1/255 in the denominator; 2 features from an AGGD fit of the
/// MSCN values and 4 from each of the four neighbour products (zero outside the image); features
/// scaled to [−1, 1] by the range file; RBF ε-SVR prediction.
/// </remarks>
public sealed class Brisque : INoReferenceMetric
{
    /// <summary>Name of the metric in the catalog and in JSON output.</summary>
    public const string MetricName = "brisque";

    /// <summary>Descriptor of <c>brisque</c>.</summary>
    public static MetricDescriptor BrisqueDescriptor { get; } = new(
        MetricName, MetricKind.NoReference, MetricDirection.LowerIsBetter,
        "[0, 100] (clamped as OpenCV does)", 0.0, 100.0, "",
        Reference,
        "Blind/Referenceless Image Spatial Quality Evaluator: SVR on natural-scene statistics, OpenCV's variant.");

    /// <inheritdoc/>
    public MetricDescriptor Descriptor => BrisqueDescriptor;

    /// <summary>Smallest accepted side: 14 px, so that the second scale is at least 7x7 (the window).</summary>
    public const int MinimumSide = 14;

    /// <summary>Number of features (18 per scale).</summary>
    public const int FeatureCount = 36;

    /// <summary>What the values match, for the metric catalog.</summary>
    public const string Reference = "OpenCV 4.x quality::QualityBRISQUE with brisque_model_live.yml / brisque_range_live.yml (Mittal et al., IEEE TIP 2012); not the LIVE MATLAB release";

    private static readonly float[] Kernel = OpenCvFloat.GaussianKernel(7, 7.0 / 6.0);
    private static readonly Lazy<ShapeSearch> Search = new(() => new ShapeSearch());

    /// <summary>Creates BRISQUE with the embedded OpenCV LIVE model.</summary>
    public Brisque()
    {
        Settings = new Dictionary<string, string>
        {
            ["variant"] = "opencv-quality-brisque",
            ["model"] = "brisque_model_live.yml (OpenCV 4.6, LIVE R2)",
            ["range"] = "brisque_range_live.yml",
            ["input"] = "8-bit gray (cvtColor BGR2GRAY fixed point)",
            ["clamp"] = "[0, 100]",
        }.AsReadOnly();
    }

    /// <summary>The settings as text, for JSON output.</summary>
    public IReadOnlyDictionary<string, string> Settings { get; }

    /// <summary>
    /// BRISQUE score of one image (RGB or gray, samples in [0, 1]; quantized to 8 bits first,
    /// rounding half away from zero, as OpenCV receives 8-bit images). In [0, 100], lower is better.
    /// </summary>
    /// <exception cref="ArgumentException">A side is shorter than <see cref="MinimumSide"/> pixels, or the features are undefined (e.g. a constant image).</exception>
    public double Compute(ImageTensor image)
    {
        var features = ComputeFeatures(image);
        var model = BrisqueModel.Live;
        Span<float> scaled = stackalloc float[FeatureCount];
        model.Scale(features, scaled);
        var score = model.Predict(scaled);
        if (float.IsNaN(score))
        {
            throw new ArgumentException("BRISQUE is undefined for this image: its features are not finite (constant or nearly constant image).", nameof(image));
        }

        return Math.Min(Math.Max(score, 0f), 100f);
    }

    /// <summary>
    /// The 36 BRISQUE features as OpenCV's <c>QualityBRISQUE::computeFeatures</c> returns them
    /// (unscaled, float32): per scale [α, σ²] of the MSCN AGGD fit, then [α, mean, σ_l², σ_r²] for the
    /// horizontal, vertical, main-diagonal and anti-diagonal neighbour products.
    /// </summary>
    /// <exception cref="ArgumentException">A side is shorter than <see cref="MinimumSide"/> pixels.</exception>
    public static float[] ComputeFeatures(ImageTensor image) => ComputeFeatures(image, allowSimd: true);

    /// <summary><see cref="ComputeFeatures(ImageTensor)"/>, optionally without SIMD (for the equivalence test).</summary>
    internal static float[] ComputeFeatures(ImageTensor image, bool allowSimd)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (image.Height < MinimumSide || image.Width < MinimumSide)
        {
            throw new ArgumentException($"Image too small for BRISQUE: {image.Height}x{image.Width}; each side needs at least {MinimumSide} px (the second scale must hold the 7x7 window).", nameof(image));
        }

        var height = image.Height;
        var width = image.Width;
        var gray = GrayUnit(image);
        var features = new float[FeatureCount];
        Scale(gray, height, width, features.AsSpan(0, 18), allowSimd);
        var half = OpenCvFloat.ResizeCubicHalf(gray, height, width, out var h2, out var w2);
        Scale(half, h2, w2, features.AsSpan(18, 18), allowSimd);
        return features;
    }

    /// <summary>8-bit gray in [0, 1] as float: OpenCV <c>cvtColor(BGR2GRAY)</c> then <c>convertTo(CV_32F, 1/255)</c>.</summary>
    private static float[] GrayUnit(ImageTensor image)
    {
        var n = image.PlaneSize;
        var gray = new float[n];
        if (!image.IsRgb)
        {
            var g = image.ReadPlane(0);
            for (var i = 0; i < n; i++)
            {
                gray[i] = OpenCvFloat.ToUnit((byte)Byte(g[i]));
            }

            return gray;
        }

        var r = image.ReadPlane(0);
        var gr = image.ReadPlane(1);
        var b = image.ReadPlane(2);
        for (var i = 0; i < n; i++)
        {
            gray[i] = OpenCvFloat.ToUnit(OpenCvFloat.Gray(Byte(r[i]), Byte(gr[i]), Byte(b[i])));
        }

        return gray;
    }

    /// <summary>The 8-bit code value of a [0, 1] sample (exact for 8-bit images; otherwise rounded half away from zero).</summary>
    private static int Byte(double sample)
    {
        var v = sample * 255.0;
        var t = (int)v;
        return t == v && (uint)t <= 255 ? t : Rounding.Quantize(sample, 255, RoundingMode.HalfAwayFromZero);
    }

    /// <summary>The 18 features of one scale.</summary>
    private static void Scale(float[] image, int height, int width, Span<float> f, bool allowSimd)
    {
        var mscn = Mscn(image, height, width, allowSimd);
        var search = Search.Value;

        var sums = default(FloatAggdSums);
        FloatAggd.AddValues(mscn, ref sums, allowSimd);
        var (alpha, left, right) = search.Fit(sums, height * width);
        f[0] = (float)alpha;
        f[1] = (float)(left * left + right * right) / 2;

        // (row, column) offsets of the neighbour: H, V, D1, D2 as OpenCV's {0,1},{1,0},{1,1},{-1,1}.
        ReadOnlySpan<(int Dy, int Dx)> shifts = [(0, 1), (1, 0), (1, 1), (-1, 1)];
        for (var s = 0; s < shifts.Length; s++)
        {
            var (dy, dx) = shifts[s];
            var pair = default(FloatAggdSums);
            for (var y = Math.Max(0, -dy); y < height - Math.Max(0, dy); y++)
            {
                var row = mscn.AsSpan(y * width, width - dx);
                var neighbour = mscn.AsSpan((y + dy) * width + dx, width - dx);
                FloatAggd.AddProducts(row, neighbour, ref pair, allowSimd);
            }

            // Products with the zero padding outside the image count as samples (zeros).
            (alpha, left, right) = search.Fit(pair, height * width);
            var constant = Math.Sqrt(SpecialFunctions.Gamma(1 / alpha)) / Math.Sqrt(SpecialFunctions.Gamma(3 / alpha));
            var mean = (right - left) * (SpecialFunctions.Gamma(2 / alpha) / SpecialFunctions.Gamma(1 / alpha)) * constant;
            f[2 + 4 * s] = (float)alpha;
            f[3 + 4 * s] = (float)mean;
            f[4 + 4 * s] = (float)(left * left);
            f[5 + 4 * s] = (float)(right * right);
        }
    }

    /// <summary>
    /// MSCN in float as OpenCV computes it: μ = G∗I, σ = sqrt(G∗(I·I) − μ·μ) + 1/255 (NaN where the
    /// difference is negative), (I − μ)/σ. NaN values are treated as zeros by the fits, as OpenCV's
    /// <c>max</c>/<c>min</c>/<c>patchNaNs</c> do.
    /// </summary>
    internal static float[] Mscn(float[] image, int height, int width, bool allowSimd = true)
    {
        var n = height * width;
        var squares = new float[n];
        TensorPrimitives.Multiply(image, image, squares);
        var mu = OpenCvFloat.GaussianBlur7(image, height, width, Kernel, allowSimd);
        var sigma = OpenCvFloat.GaussianBlur7(squares, height, width, Kernel, allowSimd);
        const float epsilon = (float)(1.0 / 255);
        var result = squares;
        var i = 0;
        if (allowSimd && Vector256.IsHardwareAccelerated)
        {
            ref var pi = ref MemoryMarshal.GetArrayDataReference(image);
            ref var pm = ref MemoryMarshal.GetArrayDataReference(mu);
            ref var ps = ref MemoryMarshal.GetArrayDataReference(sigma);
            ref var pr = ref MemoryMarshal.GetArrayDataReference(result);
            var eps = Vector256.Create(epsilon);
            for (; i + 8 <= n; i += 8)
            {
                var m = Vector256.LoadUnsafe(ref pm, (nuint)i);
                var s = Vector256.Sqrt(Vector256.LoadUnsafe(ref ps, (nuint)i) - m * m) + eps;
                ((Vector256.LoadUnsafe(ref pi, (nuint)i) - m) / s).StoreUnsafe(ref pr, (nuint)i);
            }
        }

        for (; i < n; i++)
        {
            var m = mu[i];
            var s = MathF.Sqrt(sigma[i] - m * m) + epsilon;
            result[i] = (image[i] - m) / s;
        }

        return result;
    }

    /// <summary>
    /// OpenCV's AGGD shape search: γ runs from 0.2 in steps of 0.001 accumulated in double while
    /// γ &lt; 10, and the search stops at the first γ whose |r(γ) − r̂| is larger than the previous one;
    /// the previous γ is the fit. r(γ) = Γ(2/γ)² / (Γ(1/γ) Γ(3/γ)).
    /// </summary>
    private sealed class ShapeSearch
    {
        private readonly double[] _shape;
        private readonly double[] _ratio;

        public ShapeSearch()
        {
            var shape = new List<double>(9801);
            var ratio = new List<double>(9801);
            for (var g = 0.2; g < 10; g += 0.001)
            {
                var g2 = SpecialFunctions.Gamma(2 / g);
                shape.Add(g);
                ratio.Add(g2 * g2 / (SpecialFunctions.Gamma(1 / g) * SpecialFunctions.Gamma(3 / g)));
            }

            _shape = shape.ToArray();
            _ratio = ratio.ToArray();
        }

        /// <summary>The fit (γ, σ_l, σ_r) from the sums; <paramref name="total"/> counts every sample, zeros and NaN included.</summary>
        public (double Alpha, double Left, double Right) Fit(in FloatAggdSums sums, long total)
        {
            var left = Math.Sqrt(sums.NegativeSquares / sums.NegativeCount);
            var right = Math.Sqrt(sums.PositiveSquares / sums.PositiveCount);
            var gammaHat = left / right;
            var rHat = Math.Pow(sums.Absolute / total, 2) / ((sums.NegativeSquares + sums.PositiveSquares) / total);
            var rHatNorm = rHat * (Math.Pow(gammaHat, 3) + 1) * (gammaHat + 1) / Math.Pow(Math.Pow(gammaHat, 2) + 1, 2);
            var previousShape = 0.0;
            var previousDiff = 1e10;
            for (var i = 0; i < _shape.Length; i++)
            {
                var diff = Math.Abs(_ratio[i] - rHatNorm);
                if (diff > previousDiff)
                {
                    break;
                }

                previousDiff = diff;
                previousShape = _shape[i];
            }

            return (previousShape, left, right);
        }
    }
}

/// <summary>AGGD sums over float samples, accumulated in double (OpenCV <c>cv::sum</c> of float squares).</summary>
internal struct FloatAggdSums
{
    public double NegativeSquares;
    public double PositiveSquares;
    public double Absolute;
    public long NegativeCount;
    public long PositiveCount;
}

/// <summary>
/// Accumulates <see cref="FloatAggdSums"/>: squares are rounded to float (OpenCV multiplies the
/// float matrices) and summed in double; NaN samples count as zeros. Eight lanes combined in a
/// fixed order, so the SIMD path and the scalar fallback are bit-identical.
/// </summary>
internal static class FloatAggd
{
    private const int Lanes = 8;

    public static void AddValues(ReadOnlySpan<float> a, ref FloatAggdSums sums, bool allowSimd = true) => Add(a, a, false, ref sums, allowSimd);

    public static void AddProducts(ReadOnlySpan<float> a, ReadOnlySpan<float> b, ref FloatAggdSums sums, bool allowSimd = true) => Add(a, b, true, ref sums, allowSimd);

    private static void Add(ReadOnlySpan<float> a, ReadOnlySpan<float> b, bool product, ref FloatAggdSums sums, bool allowSimd)
    {
        var n = a.Length;
        var full = n - n % Lanes;
        Span<double> negSq = stackalloc double[Lanes];
        Span<double> posSq = stackalloc double[Lanes];
        Span<double> abs = stackalloc double[Lanes];
        long negCount = 0;
        long posCount = 0;
        if (allowSimd && Vector256.IsHardwareAccelerated)
        {
            // Per-lane int counts: at most one per iteration, so no overflow below 2^34 samples.
            ref var ra = ref MemoryMarshal.GetReference(a);
            ref var rb = ref MemoryMarshal.GetReference(b);
            var negSqLo = Vector256<double>.Zero;
            var negSqHi = Vector256<double>.Zero;
            var posSqLo = Vector256<double>.Zero;
            var posSqHi = Vector256<double>.Zero;
            var absLo = Vector256<double>.Zero;
            var absHi = Vector256<double>.Zero;
            var negCountV = Vector256<int>.Zero;
            var posCountV = Vector256<int>.Zero;
            for (var i = 0; i < full; i += Lanes)
            {
                var v = Vector256.LoadUnsafe(ref ra, (nuint)i);
                if (product)
                {
                    v *= Vector256.LoadUnsafe(ref rb, (nuint)i);
                }

                var neg = Vector256.LessThan(v, Vector256<float>.Zero);
                var pos = Vector256.GreaterThan(v, Vector256<float>.Zero);
                var sq = v * v;
                var (nLo, nHi) = Vector256.Widen(sq & neg);
                var (pLo, pHi) = Vector256.Widen(sq & pos);
                var (aLo, aHi) = Vector256.Widen(Vector256.Abs(v) & (neg | pos));
                negSqLo += nLo;
                negSqHi += nHi;
                posSqLo += pLo;
                posSqHi += pHi;
                absLo += aLo;
                absHi += aHi;
                negCountV -= neg.AsInt32();
                posCountV -= pos.AsInt32();
            }

            negSqLo.CopyTo(negSq);
            negSqHi.CopyTo(negSq[4..]);
            posSqLo.CopyTo(posSq);
            posSqHi.CopyTo(posSq[4..]);
            absLo.CopyTo(abs);
            absHi.CopyTo(abs[4..]);
            negCount = Vector256.Sum(negCountV);
            posCount = Vector256.Sum(posCountV);
        }
        else
        {
            negSq.Clear();
            posSq.Clear();
            abs.Clear();
            for (var i = 0; i < full; i += Lanes)
            {
                for (var l = 0; l < Lanes; l++)
                {
                    var v = product ? a[i + l] * b[i + l] : a[i + l];
                    var sq = v * v;
                    negSq[l] += v < 0 ? sq : 0.0;
                    posSq[l] += v > 0 ? sq : 0.0;
                    abs[l] += v < 0 || v > 0 ? Math.Abs(v) : 0.0;
                    negCount += v < 0 ? 1 : 0;
                    posCount += v > 0 ? 1 : 0;
                }
            }
        }

        sums.NegativeSquares += Combine(negSq);
        sums.PositiveSquares += Combine(posSq);
        sums.Absolute += Combine(abs);
        sums.NegativeCount += negCount;
        sums.PositiveCount += posCount;
        for (var i = full; i < n; i++)
        {
            var v = product ? a[i] * b[i] : a[i];
            if (v < 0)
            {
                sums.NegativeSquares += v * v;
                sums.NegativeCount++;
                sums.Absolute -= v;
            }
            else if (v > 0)
            {
                sums.PositiveSquares += v * v;
                sums.PositiveCount++;
                sums.Absolute += v;
            }
        }
    }

    private static double Combine(ReadOnlySpan<double> lanes) =>
        ((lanes[0] + lanes[1]) + (lanes[2] + lanes[3])) + ((lanes[4] + lanes[5]) + (lanes[6] + lanes[7]));
}
