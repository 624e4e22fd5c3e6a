using System.Text.Json;

namespace RestoreBench.Metrics.NoReference;

/// <summary>
/// The NIQE pristine multivariate Gaussian (mean and covariance of the 36 features over pristine
/// images) and the 7x7 Gaussian window, read once from the embedded <c>niqe_pris_params.json</c>
/// (original NIQE release, redistributed by BasicSR; see NoReference/Models/NOTICE.md).
/// </summary>
internal sealed class NiqePristineModel
{
    public const int FeatureCount = 36;
    public const int WindowSize = 7;
    private const string ResourceName = "RestoreBench.Metrics.NoReference.niqe_pris_params.json";

    private static readonly Lazy<NiqePristineModel> Shared = new(Load);

    private NiqePristineModel(double[] mean, double[] covariance, double[] window)
    {
        Mean = mean;
        Covariance = covariance;
        Window = window;
    }

    public static NiqePristineModel Instance => Shared.Value;

    /// <summary>Mean of the 36 features (<c>mu_pris_param</c>).</summary>
    public double[] Mean { get; }

    /// <summary>36x36 covariance, row-major (<c>cov_pris_param</c>).</summary>
    public double[] Covariance { get; }

    /// <summary>7x7 Gaussian window (sigma 7/6, sums to 1), row-major.</summary>
    public double[] Window { get; }

    private static NiqePristineModel Load()
    {
        using var stream = typeof(NiqePristineModel).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"Embedded resource '{ResourceName}' is missing from {typeof(NiqePristineModel).Assembly.GetName().Name}.");
        using var doc = JsonDocument.Parse(stream);
        var root = doc.RootElement;
        var mean = ReadVector(root.GetProperty("mu_pris_param"), FeatureCount, "mu_pris_param");
        var covariance = ReadMatrix(root.GetProperty("cov_pris_param"), FeatureCount, "cov_pris_param");
        var window = ReadMatrix(root.GetProperty("gaussian_window"), WindowSize, "gaussian_window");
        return new NiqePristineModel(mean, covariance, window);
    }

    private static double[] ReadVector(JsonElement element, int length, string name)
    {
        if (element.GetArrayLength() != length)
        {
            throw new InvalidDataException($"NIQE model: '{name}' has {element.GetArrayLength()} values, expected {length}.");
        }

        var result = new double[length];
        var i = 0;
        foreach (var v in element.EnumerateArray())
        {
            result[i++] = v.GetDouble();
        }

        return result;
    }

    private static double[] ReadMatrix(JsonElement element, int size, string name)
    {
        if (element.GetArrayLength() != size)
        {
            throw new InvalidDataException($"NIQE model: '{name}' has {element.GetArrayLength()} rows, expected {size}.");
        }

        var result = new double[size * size];
        var r = 0;
        foreach (var row in element.EnumerateArray())
        {
            ReadVector(row, size, name).CopyTo(result, r * size);
            r++;
        }

        return result;
    }
}
