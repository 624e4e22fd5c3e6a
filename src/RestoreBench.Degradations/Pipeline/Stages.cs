using RestoreBench.Core.Imaging;
using RestoreBench.Core.Randomness;
using RestoreBench.Degradations.Blur;
using RestoreBench.Degradations.Noise;
using RestoreBench.Degradations.Resize;

namespace RestoreBench.Degradations.Pipeline;

/// <summary>
/// Gaussian blur D(·; δ): isotropic (σx = σy) separable, or anisotropic with rotation θ (degrees).
/// Kernel size defaults to 2·ceil(3·max(σx, σy)) + 1; border symmetric by default.
/// Spec: <c>blur(sigma=S)</c> or <c>blur(sigma_x=A,sigma_y=B,theta=T)</c>, optional <c>ksize=K</c>, <c>border=symmetric|replicate|reflect101|zero</c>.
/// </summary>
public sealed record GaussianBlurStage(double SigmaX, double SigmaY, double ThetaDegrees = 0, int? KernelSize = null, BorderMode Border = BorderMode.Symmetric) : DegradationStage
{
    /// <inheritdoc/>
    public override string Op => "blur";

    /// <inheritdoc/>
    public override bool IsLinearOperator => true;

    /// <summary>True when σx = σy: the kernel is separable and rotation has no effect.</summary>
    public bool IsIsotropic => SigmaX == SigmaY;

    /// <summary>The kernel size in use.</summary>
    public int Size => KernelSize ?? GaussianKernel.DefaultSize(Math.Max(SigmaX, SigmaY));

    /// <inheritdoc/>
    public override IReadOnlyList<KeyValuePair<string, string>> Parameters
    {
        get
        {
            var list = new List<KeyValuePair<string, string>>();
            if (IsIsotropic)
            {
                list.Add(new("sigma", StageParameters.Format(SigmaX)));
            }
            else
            {
                list.Add(new("sigma_x", StageParameters.Format(SigmaX)));
                list.Add(new("sigma_y", StageParameters.Format(SigmaY)));
                list.Add(new("theta", StageParameters.Format(ThetaDegrees)));
            }

            if (KernelSize is { } k)
            {
                list.Add(new("ksize", k.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            }

            if (Border != BorderMode.Symmetric)
            {
                list.Add(new("border", Borders.Name(Border)));
            }

            return list;
        }
    }

    /// <inheritdoc/>
    public override ImageTensor Apply(ImageTensor image, SeededRandom random)
    {
        if (IsIsotropic)
        {
            var k = GaussianKernel.OneDimensional(SigmaX, Size);
            return Convolution.Separable(image, k, k, Border);
        }

        return Convolution.Full(image, GaussianKernel.TwoDimensional(SigmaX, SigmaY, ThetaDegrees, Size), Size, Border);
    }

    internal static GaussianBlurStage Create(StageParameters p)
    {
        var sigma = p.Double("sigma");
        var sx = p.Double("sigma_x");
        var sy = p.Double("sigma_y");
        var theta = p.Double("theta") ?? 0;
        var ksize = p.Int("ksize");
        var border = p.Text("border") is { } b ? Borders.Parse(b) : BorderMode.Symmetric;
        p.RejectUnknown("sigma", "sigma_x", "sigma_y", "theta", "ksize", "border");
        if (sigma is not null && (sx is not null || sy is not null))
        {
            throw new FormatException("blur: give either sigma, or sigma_x and sigma_y, not both");
        }

        var x = sigma ?? sx ?? throw new FormatException("blur: missing parameter 'sigma' (or 'sigma_x' and 'sigma_y')");
        var y = sigma ?? sy ?? throw new FormatException("blur: missing parameter 'sigma_y'");
        if (x <= 0 || y <= 0)
        {
            throw new FormatException("blur: sigma must be positive");
        }

        if (ksize is { } size && (size < 1 || size % 2 == 0))
        {
            throw new FormatException($"blur: ksize must be a positive odd integer, got {size}");
        }

        return new GaussianBlurStage(x, y, x == y ? 0 : theta, ksize, border);
    }
}

/// <summary>
/// Downsampling ↓α by a factor (MATLAB <c>imresize(I, 1/factor)</c>, bicubic with antialiasing by default;
/// output ceil(H/factor) x ceil(W/factor)). A factor below 1 upsamples.
/// Spec: <c>down(scale=F)</c>, optional <c>kernel=bicubic|bilinear|nearest|lanczos3</c>, <c>antialias=true|false</c>.
/// </summary>
public sealed record DownsampleStage(double Factor, ResizeKernel Kernel = ResizeKernel.Bicubic, bool Antialias = true) : DegradationStage
{
    /// <inheritdoc/>
    public override string Op => "down";

    /// <inheritdoc/>
    public override bool IsLinearOperator => true;

    /// <inheritdoc/>
    public override double DownscaleFactor => Factor;

    /// <inheritdoc/>
    public override IReadOnlyList<KeyValuePair<string, string>> Parameters
    {
        get
        {
            var list = new List<KeyValuePair<string, string>> { new("scale", StageParameters.Format(Factor)) };
            if (Kernel != ResizeKernel.Bicubic)
            {
                list.Add(new("kernel", ResizeKernels.Name(Kernel)));
            }

            if (!Antialias)
            {
                list.Add(new("antialias", "false"));
            }

            return list;
        }
    }

    /// <inheritdoc/>
    public override ImageTensor Apply(ImageTensor image, SeededRandom random) =>
        Resizer.Resize(image, 1.0 / Factor, Kernel, Antialias);

    internal static DownsampleStage Create(StageParameters p)
    {
        var factor = p.RequireDouble("scale");
        var kernel = p.Text("kernel") is { } k ? ResizeKernels.Parse(k) : ResizeKernel.Bicubic;
        var antialias = p.Bool("antialias") ?? true;
        p.RejectUnknown("scale", "kernel", "antialias");
        if (factor <= 0)
        {
            throw new FormatException($"down: scale must be positive, got {StageParameters.Format(factor)}");
        }

        return new DownsampleStage(factor, kernel, antialias);
    }
}

/// <summary>
/// Resampling to exactly 1/factor of the pipeline input: output ceil(H₀/factor) x ceil(W₀/factor),
/// whatever resampling came before (Real-ESRGAN's final resize). MATLAB <c>imresize</c> to that size,
/// bicubic with antialiasing by default. Spec: <c>fit(scale=F)</c>, optional <c>kernel=...</c>.
/// </summary>
public sealed record FitStage(double Factor, ResizeKernel Kernel = ResizeKernel.Bicubic) : DegradationStage
{
    /// <inheritdoc/>
    public override string Op => "fit";

    /// <inheritdoc/>
    public override bool IsLinearOperator => true;

    /// <inheritdoc/>
    public override IReadOnlyList<KeyValuePair<string, string>> Parameters =>
        Kernel == ResizeKernel.Bicubic
            ? [new("scale", StageParameters.Format(Factor))]
            : [new("scale", StageParameters.Format(Factor)), new("kernel", ResizeKernels.Name(Kernel))];

    /// <summary>Outside a pipeline the image itself is the pipeline input.</summary>
    public override ImageTensor Apply(ImageTensor image, SeededRandom random) => Apply(image, random, image.Height, image.Width);

    /// <inheritdoc/>
    public override ImageTensor Apply(ImageTensor image, SeededRandom random, int sourceHeight, int sourceWidth) =>
        Resizer.ResizeTo(image, Resizer.OutputLength(sourceHeight, 1.0 / Factor), Resizer.OutputLength(sourceWidth, 1.0 / Factor), Kernel);

    internal static FitStage Create(StageParameters p)
    {
        var factor = p.RequireDouble("scale");
        var kernel = p.Text("kernel") is { } k ? ResizeKernels.Parse(k) : ResizeKernel.Bicubic;
        p.RejectUnknown("scale", "kernel");
        if (factor <= 0)
        {
            throw new FormatException($"fit: scale must be positive, got {StageParameters.Format(factor)}");
        }

        return new FitStage(factor, kernel);
    }
}

/// <summary>
/// Additive white Gaussian noise β·N: σ on the 0–255 scale, independent per channel, or one draw
/// shared by all channels (<c>gray=true</c>); the result is clipped to [0, 1].
/// Spec: <c>noise(sigma=S)</c>, optional <c>gray=true</c>.
/// </summary>
public sealed record GaussianNoiseStage(double Sigma, bool Gray = false) : DegradationStage
{
    /// <inheritdoc/>
    public override string Op => "noise";

    /// <inheritdoc/>
    public override IReadOnlyList<KeyValuePair<string, string>> Parameters =>
        Gray ? [new("sigma", StageParameters.Format(Sigma)), new("gray", "true")] : [new("sigma", StageParameters.Format(Sigma))];

    /// <inheritdoc/>
    public override ImageTensor Apply(ImageTensor image, SeededRandom random)
    {
        var s = Sigma / 255.0;
        return AdditiveNoise.Add(image, Gray, random, (_, r) => s * r.NextGaussian());
    }

    internal static GaussianNoiseStage Create(StageParameters p)
    {
        var sigma = p.RequireDouble("sigma");
        var gray = p.Bool("gray") ?? false;
        p.RejectUnknown("sigma", "gray");
        if (sigma < 0)
        {
            throw new FormatException($"noise: sigma must be non-negative, got {StageParameters.Format(sigma)}");
        }

        return new GaussianNoiseStage(sigma, gray);
    }
}

/// <summary>
/// Poisson (shot) noise on the 8-bit photon scale: x' = x + scale·(P(255·x)/255 − x), P ~ Poisson,
/// per channel or shared (<c>gray=true</c>, drawn on the channel mean), clipped to [0, 1].
/// Spec: <c>poisson(scale=S)</c>, optional <c>gray=true</c>.
/// </summary>
public sealed record PoissonNoiseStage(double Scale, bool Gray = false) : DegradationStage
{
    /// <inheritdoc/>
    public override string Op => "poisson";

    /// <inheritdoc/>
    public override IReadOnlyList<KeyValuePair<string, string>> Parameters =>
        Gray ? [new("scale", StageParameters.Format(Scale)), new("gray", "true")] : [new("scale", StageParameters.Format(Scale))];

    /// <inheritdoc/>
    public override ImageTensor Apply(ImageTensor image, SeededRandom random) =>
        AdditiveNoise.Add(image, Gray, random, (x, r) =>
        {
            var clipped = Math.Clamp(x, 0, 1);
            return Scale * (PoissonSampler.Next(r, 255.0 * clipped) / 255.0 - clipped);
        });

    internal static PoissonNoiseStage Create(StageParameters p)
    {
        var scale = p.RequireDouble("scale");
        var gray = p.Bool("gray") ?? false;
        p.RejectUnknown("scale", "gray");
        if (scale < 0)
        {
            throw new FormatException($"poisson: scale must be non-negative, got {StageParameters.Format(scale)}");
        }

        return new PoissonNoiseStage(scale, gray);
    }
}

/// <summary>
/// JPEG compression at a quality (1–100), encoded and decoded in memory with libjpeg-turbo (see
/// <see cref="JpegCodec"/>). The output is on the 8-bit grid. Spec: <c>jpeg(quality=Q)</c>.
/// </summary>
public sealed record JpegStage(int Quality) : DegradationStage
{
    /// <inheritdoc/>
    public override string Op => "jpeg";

    /// <inheritdoc/>
    public override IReadOnlyList<KeyValuePair<string, string>> Parameters =>
        [new("quality", Quality.ToString(System.Globalization.CultureInfo.InvariantCulture))];

    /// <inheritdoc/>
    public override ImageTensor Apply(ImageTensor image, SeededRandom random) => JpegCodec.RoundTrip(image, Quality);

    internal static JpegStage Create(StageParameters p)
    {
        var quality = p.Int("quality") ?? throw new FormatException("jpeg: missing parameter 'quality'");
        p.RejectUnknown("quality");
        if (quality is < 1 or > 100)
        {
            throw new FormatException($"jpeg: quality must be within 1..100, got {quality}");
        }

        return new JpegStage(quality);
    }
}
