namespace RestoreBench.Metrics;

/// <summary>What a metric is: name, kind, direction, range, unit and the reference implementation it matches.</summary>
/// <param name="Name">Catalog name, lower case with underscores (e.g. <c>ssim_y</c>).</param>
/// <param name="Kind">What the metric compares.</param>
/// <param name="Direction">Whether higher or lower values are better.</param>
/// <param name="RangeText">The value range as text for reports, e.g. <c>[0, +inf) dB</c>.</param>
/// <param name="Minimum">Smallest possible value (may be <see cref="double.NegativeInfinity"/>).</param>
/// <param name="Maximum">Largest possible value (may be <see cref="double.PositiveInfinity"/>).</param>
/// <param name="Unit">Unit of the value (<c>dB</c>), or an empty string for unitless metrics.</param>
/// <param name="Reference">The implementation whose values this metric reproduces, e.g. <c>BasicSR calculate_ssim / MATLAB ssim (Wang et al. 2004)</c>.</param>
/// <param name="Description">One sentence on what is computed.</param>
public sealed record MetricDescriptor(
    string Name,
    MetricKind Kind,
    MetricDirection Direction,
    string RangeText,
    double Minimum,
    double Maximum,
    string Unit,
    string Reference,
    string Description);
