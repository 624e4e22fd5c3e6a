using RestoreBench.Degradations.Resize;
using RestoreBench.Core.Text;

namespace RestoreBench.Restorers.Classical;

/// <summary>
/// The catalog of classical restorers and their spec syntax
/// <c>classical:NAME(key=value,...)</c>:
/// <list type="bullet">
/// <item><c>bicubic(scale=S)</c>, <c>lanczos3(scale=S)</c>: MATLAB imresize upsampling, S = 1…16.</item>
/// <item><c>wiener(sigma=σ[,balance=0.05,ksize=K,clip=true])</c>: <see cref="WienerRestorer"/>.</item>
/// <item><c>richardson_lucy(sigma=σ[,iterations=50,filter_epsilon=0,ksize=K,clip=true])</c>: <see cref="RichardsonLucyRestorer"/>.</item>
/// </list>
/// Unknown names and parameters fail with a "did you mean" hint and the accepted values.
/// </summary>
public static class ClassicalRestorers
{
    /// <summary>The spec prefix.</summary>
    public const string Prefix = "classical:";

    private static readonly string[] ResizeParameters = ["scale"];
    private static readonly string[] WienerParameters = ["sigma", "balance", "ksize", "clip"];
    private static readonly string[] RichardsonLucyParameters = ["sigma", "iterations", "filter_epsilon", "ksize", "clip"];

    /// <summary>The method names, in documentation order.</summary>
    public static IReadOnlyList<string> Names { get; } = ["bicubic", "lanczos3", "wiener", "richardson_lucy"];

    /// <summary>The classical method name closest to <paramref name="name"/> (edit distance or abbreviation), or null.</summary>
    public static string? ClosestName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return NameSuggestion.Closest(name, Names);
    }

    /// <summary>True when <paramref name="spec"/> starts with <c>classical:</c> (case-insensitive).</summary>
    public static bool IsClassical(string spec) => spec.TrimStart().StartsWith(Prefix, StringComparison.OrdinalIgnoreCase);

    /// <summary>Creates the restorer described by <c>classical:NAME(k=v,...)</c> (the prefix is optional).</summary>
    /// <param name="spec">The spec text.</param>
    /// <param name="threads">Threads for the row-parallel kernels (0 = all cores).</param>
    /// <exception cref="FormatException">Unknown name or parameter, missing or out-of-range value.</exception>
    public static ClassicalRestorer Create(string spec, int threads = 0)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var text = spec.Trim();
        if (IsClassical(text))
        {
            text = text[Prefix.Length..];
        }

        var (name, arguments) = SpecParameters.Split(text);
        var method = name.ToLowerInvariant();
        switch (method)
        {
            case "bicubic":
            case "lanczos3":
            {
                var p = SpecParameters.Parse(method, arguments, ResizeParameters);
                var scale = p.Int("scale", null, 1, 16);
                return new ResizeRestorer(method == "bicubic" ? ResizeKernel.Bicubic : ResizeKernel.Lanczos3, scale, threads);
            }

            case "wiener":
            {
                var p = SpecParameters.Parse(method, arguments, WienerParameters);
                var psf = Psf(p);
                return new WienerRestorer(psf, p.Double("balance", WienerRestorer.DefaultBalance, 0, 1e6), p.Bool("clip", true), threads);
            }

            case "richardson_lucy":
            {
                var p = SpecParameters.Parse(method, arguments, RichardsonLucyParameters);
                var psf = Psf(p);
                return new RichardsonLucyRestorer(psf, p.Int("iterations", RichardsonLucyRestorer.DefaultIterations, 1, 10_000),
                    p.Double("filter_epsilon", 0, 0, 1), p.Bool("clip", true), threads);
            }

            default:
                throw new FormatException($"unknown classical restorer '{name}'{NameSuggestion.Hint(name, Names)} (accepted: {string.Join(", ", Names)})");
        }
    }

    private static GaussianPsf Psf(SpecParameters p)
    {
        var sigma = p.Double("sigma", null, 0, 100, positive: true);
        int? size = null;
        if (p.Has("ksize"))
        {
            size = p.Int("ksize", null, 1, 1001);
            if (size % 2 == 0)
            {
                throw new FormatException($"{p.Method}: ksize must be odd, got {size}");
            }
        }

        return new GaussianPsf(sigma, size);
    }
}
