using System.Globalization;
using MathNet.Numerics.LinearAlgebra;
using RestoreBench.Core.Imaging;
using RestoreBench.Degradations.Resize;

namespace RestoreBench.Metrics.NoReference;

/// <summary>Which single plane NIQE is computed on.</summary>
public enum NiqeChannel
{
    /// <summary>
    /// BasicSR <c>calculate_niqe(convert_to='y')</c>: BT.601 luma on the 0–255 scale,
    /// Y = (65.481 R + 128.553 G + 24.966 B) / 255 + 16 with R, G, B as 0–255 code values,
    /// rounded half to even (<c>np.round</c>). A gray image is used as is (0–255, rounded).
    /// </summary>
    Y,

    /// <summary>
    /// MATLAB <c>rgb2gray</c> of the 8-bit image, as the original NIQE MATLAB code is usually run:
    /// 0.298936021293775 R + 0.587043074451121 G + 0.114020904255103 B on 0–255 code values,
    /// rounded half away from zero (<c>uint8</c>). A gray image is used as is (0–255, rounded).
    /// </summary>
    Gray,
}

/// <summary>Options of <see cref="Niqe"/>.</summary>
/// <param name="Channel">Input plane: <see cref="NiqeChannel.Y"/> (default, BasicSR) or <see cref="NiqeChannel.Gray"/> (MATLAB <c>rgb2gray</c>).</param>
/// <param name="CropBorder">Pixels removed from every side before anything else (BasicSR <c>crop_border</c>); default 0.</param>
/// <param name="BlockSize">Side of the square blocks at the first scale (the second scale uses half); default 96 as in the published model. At least 8.</param>
public sealed record NiqeOptions(NiqeChannel Channel = NiqeChannel.Y, int CropBorder = 0, int BlockSize = 96);

/// <summary>
/// NIQE, the Natural Image Quality Evaluator (Mittal, Soundararajan, Bovik, IEEE SPL 2013), with the
/// published pristine model, following the MATLAB release as ported by BasicSR
/// (<c>basicsr/metrics/niqe.py</c>), in float64 throughout. Lower is better; the value is a
/// non-negative distance (typically 2–12 for photographs), not bounded above.
/// </summary>
/// <remarks>
/// Pipeline: input plane (see <see cref="NiqeChannel"/>) rounded to integers; crop to a multiple
/// of the block size (top-left kept); at two scales, MSCN coefficients with a 7x7 Gaussian window
/// (σ = 7/6, replicate borders) and σ + 1 in the denominator; per block (column-major block order)
/// 18 features: the GGD shape and mean scale of the MSCN values and, for the four circularly
/// shifted products (horizontal, vertical, two diagonals), the AGGD shape, mean, left and right
/// scales, with the shape found on the grid 0.2:0.001:10. The second scale is the first scale
/// plane resized by MATLAB <c>imresize(·, 0.5)</c> (bicubic, antialiased, no rounding). The
/// distance to the pristine model is sqrt((μ_p − μ_d) pinv((Σ_p + Σ_d)/2) (μ_p − μ_d)ᵀ), with a
/// NaN-ignoring mean of the block features and their covariance (N − 1) over the blocks without NaN.
/// Matches the reference values of <c>niqe_y</c> (BasicSR convention, float64) to ~1e-13; see
/// docs/metrics.md for the flat-region caveat.
/// </remarks>
public sealed class Niqe : INoReferenceMetric
{
    /// <summary>Name of the metric in the catalog and in JSON output.</summary>
    public const string MetricName = "niqe";

    /// <summary>What the values match, for the metric catalog.</summary>
    public const string Reference = "NIQE (Mittal et al., IEEE SPL 2013), MATLAB release convention as ported by BasicSR calculate_niqe, float64, published pristine model";

    /// <summary>Descriptor of <c>niqe</c>.</summary>
    public static MetricDescriptor NiqeDescriptor { get; } = new(
        MetricName, MetricKind.NoReference, MetricDirection.LowerIsBetter,
        "[0, +inf); ~3 for pristine photos", 0.0, double.PositiveInfinity, "",
        Reference,
        "Naturalness Image Quality Evaluator: distance of the image's natural-scene statistics to a pristine model.");

    /// <inheritdoc/>
    public MetricDescriptor Descriptor => NiqeDescriptor;

    /// <summary>Smallest accepted <see cref="NiqeOptions.BlockSize"/>.</summary>
    public const int MinimumBlockSize = 8;

    private const int FeaturesPerScale = 18;
    private const int FeatureCount = 2 * FeaturesPerScale;

    /// <summary>Creates NIQE with the default options (Y channel, no crop, 96x96 blocks).</summary>
    public Niqe()
        : this(new NiqeOptions())
    {
    }

    /// <summary>Creates NIQE with the given options.</summary>
    /// <exception cref="ArgumentException">An option is out of range (the message names it and the accepted values).</exception>
    public Niqe(NiqeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Channel is not (NiqeChannel.Y or NiqeChannel.Gray))
        {
            throw new ArgumentException($"NIQE option 'channel' = {options.Channel} is not supported (accepted: y, gray).", nameof(options));
        }

        if (options.CropBorder < 0)
        {
            throw new ArgumentException($"NIQE option 'crop_border' = {options.CropBorder} is negative (accepted: integers >= 0).", nameof(options));
        }

        if (options.BlockSize < MinimumBlockSize)
        {
            throw new ArgumentException($"NIQE option 'block_size' = {options.BlockSize} is too small (accepted: integers >= {MinimumBlockSize}; the published model uses 96).", nameof(options));
        }

        Options = options;
        Settings = new Dictionary<string, string>
        {
            ["channel"] = ChannelName(options.Channel),
            ["crop_border"] = options.CropBorder.ToString(CultureInfo.InvariantCulture),
            ["block_size"] = options.BlockSize.ToString(CultureInfo.InvariantCulture),
            ["convention"] = "basicsr-matlab-float64",
            ["model"] = "niqe_pris_params (NIQE release, via BasicSR)",
        }.AsReadOnly();
    }

    /// <summary>The options.</summary>
    public NiqeOptions Options { get; }

    /// <summary>The options as text, for JSON output: channel, crop_border, block_size, convention, model.</summary>
    public IReadOnlyDictionary<string, string> Settings { get; }

    /// <summary>Canonical lower-case name of a channel option (<c>y</c>, <c>gray</c>).</summary>
    public static string ChannelName(NiqeChannel channel) => channel switch
    {
        NiqeChannel.Y => "y",
        NiqeChannel.Gray => "gray",
        _ => throw new ArgumentOutOfRangeException(nameof(channel), channel, "Accepted: y, gray."),
    };

    /// <summary>Parses <c>y</c> or <c>gray</c> (case-insensitive).</summary>
    /// <exception cref="FormatException">Any other text.</exception>
    public static NiqeChannel ParseChannel(string name) => name?.ToLowerInvariant() switch
    {
        "y" => NiqeChannel.Y,
        "gray" or "grey" => NiqeChannel.Gray,
        _ => throw new FormatException($"unknown NIQE channel '{name}' (accepted: y, gray)"),
    };

    /// <summary>
    /// NIQE of one image (RGB or gray, samples in [0, 1]). Lower is better; ≥ 0, unbounded above.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// The image (after <see cref="NiqeOptions.CropBorder"/>) holds fewer than two blocks
    /// (one block of BlockSize² at the first scale, (BlockSize/2)² at the second, and the covariance
    /// needs two), or it is constant or has too little texture for NIQE to be defined.
    /// </exception>
    public double Compute(ImageTensor image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var crop = Options.CropBorder;
        var bs = Options.BlockSize;
        var height = image.Height - 2 * crop;
        var width = image.Width - 2 * crop;
        var blocksH = height > 0 ? height / bs : 0;
        var blocksW = width > 0 ? width / bs : 0;
        if (blocksH < 1 || blocksW < 1)
        {
            throw new ArgumentException(
                $"Image too small for NIQE: {image.Height}x{image.Width}" + (crop > 0 ? $" ({height}x{width} after crop_border {crop})" : "") +
                $" holds no {bs}x{bs} block (and no {bs / 2}x{bs / 2} block at the second scale).", nameof(image));
        }

        if (blocksH * blocksW < 2)
        {
            throw new ArgumentException(
                $"Image too small for NIQE: {image.Height}x{image.Width}" + (crop > 0 ? $" ({height}x{width} after crop_border {crop})" : "") +
                $" holds a single {bs}x{bs} block; the feature covariance needs at least two blocks.", nameof(image));
        }

        var h = blocksH * bs;
        var w = blocksW * bs;
        var plane = InputPlane(image, Options.Channel, crop, h, w);
        if (IsConstant(plane))
        {
            throw new ArgumentException($"NIQE is undefined for a constant image (every {ChannelName(Options.Channel)} value is {plane[0]}): the local variance is zero everywhere.", nameof(image));
        }

        return FromPlane(plane, h, w, bs);
    }

    /// <summary>
    /// The rounded 0–255 input plane of NIQE for <paramref name="channel"/>, cropped by
    /// <paramref name="crop"/> on every side and then to <paramref name="height"/> x <paramref name="width"/> (top-left).
    /// </summary>
    internal static double[] InputPlane(ImageTensor image, NiqeChannel channel, int crop, int height, int width)
    {
        var plane = new double[height * width];
        var stride = image.Width;
        if (!image.IsRgb)
        {
            var g = image.ReadPlane(0);
            for (var y = 0; y < height; y++)
            {
                var row = (y + crop) * stride + crop;
                for (var x = 0; x < width; x++)
                {
                    plane[y * width + x] = Math.Round(g[row + x] * 255.0, MidpointRounding.ToEven);
                }
            }

            return plane;
        }

        var r = image.ReadPlane(0);
        var gr = image.ReadPlane(1);
        var b = image.ReadPlane(2);
        for (var y = 0; y < height; y++)
        {
            var row = (y + crop) * stride + crop;
            for (var x = 0; x < width; x++)
            {
                // Samples are code/255 (exact round trip for 8- and 16-bit), so these are code values.
                var rv = r[row + x] * 255.0;
                var gv = gr[row + x] * 255.0;
                var bv = b[row + x] * 255.0;
                plane[y * width + x] = channel switch
                {
                    NiqeChannel.Y => Math.Round((65.481 * rv + 128.553 * gv + 24.966 * bv) / 255.0 + 16.0, MidpointRounding.ToEven),
                    NiqeChannel.Gray => Math.Round(0.298936021293775 * rv + 0.587043074451121 * gv + 0.114020904255103 * bv, MidpointRounding.AwayFromZero),
                    _ => throw new ArgumentOutOfRangeException(nameof(channel), channel, "Accepted: y, gray."),
                };
            }
        }

        return plane;
    }

    /// <summary>NIQE of a rounded 0–255 plane whose sides are multiples of <paramref name="blockSize"/>.</summary>
    internal static double FromPlane(double[] plane, int height, int width, int blockSize, bool allowSimd = true)
    {
        var model = NiqePristineModel.Instance;
        var blocksH = height / blockSize;
        var blocksW = width / blockSize;
        var blocks = blocksH * blocksW;
        var features = new double[blocks * FeatureCount];

        var mscn = NiqeMscn.Compute(plane, height, width, model.Window, allowSimd);
        BlockFeatures(mscn, width, blocksH, blocksW, blockSize, 1, features, 0, allowSimd);

        var half = Resizer.ResizePlane(plane, height, width, 0.5);
        var h2 = Resizer.OutputLength(height, 0.5);
        var w2 = Resizer.OutputLength(width, 0.5);
        var mscn2 = NiqeMscn.Compute(half, h2, w2, model.Window, allowSimd);
        BlockFeatures(mscn2, w2, blocksH, blocksW, blockSize, 2, features, FeaturesPerScale, allowSimd);

        return Distance(features, blocks, model);
    }

    /// <summary>
    /// Fills 18 features per block at one scale into columns [<paramref name="column"/>, +18) of the
    /// block-feature matrix (one row per block, blocks in column-major order as BasicSR).
    /// Block (i, j) covers rows [i·bs/scale, (i+1)·bs/scale) and columns [j·bs/scale, (j+1)·bs/scale) (floor division).
    /// </summary>
    private static void BlockFeatures(double[] mscn, int width, int blocksH, int blocksW, int blockSize, int scale, double[] features, int column, bool allowSimd)
    {
        var row = 0;
        for (var bx = 0; bx < blocksW; bx++)
        {
            var c0 = bx * blockSize / scale;
            var c1 = (bx + 1) * blockSize / scale;
            for (var by = 0; by < blocksH; by++)
            {
                var r0 = by * blockSize / scale;
                var r1 = (by + 1) * blockSize / scale;
                var target = features.AsSpan(row * FeatureCount + column, FeaturesPerScale);
                BlockFeatures(mscn, width, r0, r1 - r0, c0, c1 - c0, target, allowSimd);
                row++;
            }
        }
    }

    /// <summary>The 18 features of one block: [α, (β_l+β_r)/2] of the MSCN values, then [α, mean, β_l, β_r] for the H, V, D1, D2 products.</summary>
    private static void BlockFeatures(double[] mscn, int stride, int r0, int bh, int c0, int bw, Span<double> f, bool allowSimd)
    {
        var plain = default(AggdSums);
        var horizontal = default(AggdSums);
        var vertical = default(AggdSums);
        var diagonal = default(AggdSums);
        var antiDiagonal = default(AggdSums);
        var data = mscn.AsSpan();
        for (var i = 0; i < bh; i++)
        {
            // np.roll(block, shift) inside the block: the previous row of row 0 is the last row.
            var cur = data.Slice((r0 + i) * stride + c0, bw);
            var prev = data.Slice((r0 + (i == 0 ? bh - 1 : i - 1)) * stride + c0, bw);
            AggdAccumulator.AddValues(cur, ref plain, allowSimd);

            // shift (0, 1): x[i, j] · x[i, j−1], wrapping j = 0 to the last column.
            AggdAccumulator.AddProducts(cur[1..], cur[..^1], ref horizontal, allowSimd);
            AggdAccumulator.AddOne(cur[0] * cur[bw - 1], ref horizontal);

            // shift (1, 0): x[i, j] · x[i−1, j].
            AggdAccumulator.AddProducts(cur, prev, ref vertical, allowSimd);

            // shift (1, 1): x[i, j] · x[i−1, j−1].
            AggdAccumulator.AddProducts(cur[1..], prev[..^1], ref diagonal, allowSimd);
            AggdAccumulator.AddOne(cur[0] * prev[bw - 1], ref diagonal);

            // shift (1, −1): x[i, j] · x[i−1, j+1].
            AggdAccumulator.AddProducts(cur[..^1], prev[1..], ref antiDiagonal, allowSimd);
            AggdAccumulator.AddOne(cur[bw - 1] * prev[0], ref antiDiagonal);
        }

        var (alpha, betaL, betaR) = Fit(plain);
        f[0] = alpha;
        f[1] = (betaL + betaR) / 2;
        Products(horizontal, f.Slice(2, 4));
        Products(vertical, f.Slice(6, 4));
        Products(diagonal, f.Slice(10, 4));
        Products(antiDiagonal, f.Slice(14, 4));
    }

    private static void Products(in AggdSums sums, Span<double> f)
    {
        var (alpha, betaL, betaR) = Fit(sums, out var index);
        f[0] = alpha;
        f[1] = (betaR - betaL) * NiqeShapeGrid.MeanFactor(index);
        f[2] = betaL;
        f[3] = betaR;
    }

    private static (double Alpha, double BetaL, double BetaR) Fit(in AggdSums sums) => Fit(sums, out _);

    /// <summary>BasicSR <c>estimate_aggd_param</c>: moment matching of the AGGD shape on the grid.</summary>
    private static (double Alpha, double BetaL, double BetaR) Fit(in AggdSums sums, out int index)
    {
        var leftStd = sums.LeftSigma;
        var rightStd = sums.RightSigma;
        var gammaHat = leftStd / rightStd;
        var meanAbs = sums.Absolute / sums.Total;
        var meanSquare = (sums.NegativeSquares + sums.PositiveSquares) / sums.Total;
        var rHat = Math.Pow(meanAbs, 2) / meanSquare;
        var rHatNorm = rHat * (Math.Pow(gammaHat, 3) + 1) * (gammaHat + 1) / Math.Pow(Math.Pow(gammaHat, 2) + 1, 2);
        index = NiqeShapeGrid.ArgMin(rHatNorm);
        var scale = NiqeShapeGrid.ScaleFactor(index);
        return (NiqeShapeGrid.Shape(index), leftStd * scale, rightStd * scale);
    }

    /// <summary>The MVG distance between the pristine model and the block features.</summary>
    private static double Distance(double[] features, int blocks, NiqePristineModel model)
    {
        const int n = FeatureCount;

        // np.nanmean over blocks, per feature.
        var meanDist = new double[n];
        var counts = new int[n];
        for (var b = 0; b < blocks; b++)
        {
            for (var c = 0; c < n; c++)
            {
                var v = features[b * n + c];
                if (!double.IsNaN(v))
                {
                    meanDist[c] += v;
                    counts[c]++;
                }
            }
        }

        for (var c = 0; c < n; c++)
        {
            meanDist[c] = counts[c] > 0 ? meanDist[c] / counts[c] : double.NaN;
            if (double.IsNaN(meanDist[c]))
            {
                throw new ArgumentException($"NIQE is undefined for this image: feature {c} is NaN in every block (blocks without texture).");
            }
        }

        // np.cov(rows without NaN, rowvar=False): covariance with N − 1.
        var valid = new List<int>(blocks);
        for (var b = 0; b < blocks; b++)
        {
            var ok = true;
            for (var c = 0; c < n && ok; c++)
            {
                ok = !double.IsNaN(features[b * n + c]);
            }

            if (ok)
            {
                valid.Add(b);
            }
        }

        if (valid.Count < 2)
        {
            throw new ArgumentException($"NIQE is undefined for this image: only {valid.Count} of {blocks} blocks have finite features (flat blocks), and the covariance needs two.");
        }

        var meanValid = new double[n];
        foreach (var b in valid)
        {
            for (var c = 0; c < n; c++)
            {
                meanValid[c] += features[b * n + c];
            }
        }

        for (var c = 0; c < n; c++)
        {
            meanValid[c] /= valid.Count;
        }

        var centred = new double[valid.Count * n];
        for (var k = 0; k < valid.Count; k++)
        {
            for (var c = 0; c < n; c++)
            {
                centred[k * n + c] = features[valid[k] * n + c] - meanValid[c];
            }
        }

        var factor = 1.0 / (valid.Count - 1);
        var averaged = new double[n, n];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < n; j++)
            {
                var s = 0.0;
                for (var k = 0; k < valid.Count; k++)
                {
                    s += centred[k * n + i] * centred[k * n + j];
                }

                averaged[i, j] = (model.Covariance[i * n + j] + s * factor) / 2;
            }
        }

        var inverse = PseudoInverse(averaged);
        var d = new double[n];
        for (var c = 0; c < n; c++)
        {
            d[c] = model.Mean[c] - meanDist[c];
        }

        // (d · pinv) · dᵀ, as np.matmul(np.matmul(d, inv), d.T).
        var quality = 0.0;
        for (var j = 0; j < n; j++)
        {
            var t = 0.0;
            for (var i = 0; i < n; i++)
            {
                t += d[i] * inverse[i, j];
            }

            quality += t * d[j];
        }

        var result = Math.Sqrt(quality);
        if (!double.IsFinite(result))
        {
            throw new ArgumentException($"NIQE is undefined for this image (the distance is {result}); the image is too flat.");
        }

        return result;
    }

    /// <summary>
    /// Moore–Penrose pseudo-inverse with numpy's <c>pinv</c> semantics: singular values at most
    /// rcond·max(s) with rcond = 1e-15 are treated as zero.
    /// </summary>
    internal static double[,] PseudoInverse(double[,] a)
    {
        var m = Matrix<double>.Build.DenseOfArray(a);
        var svd = m.Svd(computeVectors: true);
        var s = svd.S;
        var cutoff = 1e-15 * s.Maximum();
        var rows = a.GetLength(0);
        var cols = a.GetLength(1);
        var u = svd.U;
        var vt = svd.VT;
        var result = new double[cols, rows];
        for (var k = 0; k < s.Count; k++)
        {
            if (!(s[k] > cutoff))
            {
                continue;
            }

            var inv = 1.0 / s[k];
            for (var i = 0; i < cols; i++)
            {
                var vik = vt[k, i] * inv;
                for (var j = 0; j < rows; j++)
                {
                    result[i, j] += vik * u[j, k];
                }
            }
        }

        return result;
    }

    private static bool IsConstant(double[] plane)
    {
        var first = plane[0];
        for (var i = 1; i < plane.Length; i++)
        {
            if (plane[i] != first)
            {
                return false;
            }
        }

        return true;
    }
}
