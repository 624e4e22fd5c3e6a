using System.Globalization;
using System.Text;
using RestoreBench.Metrics.Evaluation;

namespace RestoreBench.Cli;

/// <summary>The plain-text metric table printed by eval and demo.</summary>
internal static class SummaryTable
{
    public static string Render(EvaluationReport report, string? title = null)
    {
        var sb = new StringBuilder();
        if (title is not null)
        {
            sb.AppendLine(title);
        }

        sb.AppendLine(string.Create(CultureInfo.InvariantCulture, $"{"metric",-12} {"mean",12} {"std",10} {"n",5}"));
        foreach (var (metric, s) in report.Summary)
        {
            var extra = s.Infinite > 0 ? $"  (+{s.Infinite} infinite, excluded)" : "";
            sb.AppendLine(string.Create(CultureInfo.InvariantCulture, $"{metric,-12} {Format(s.Mean),12} {Format(s.Std),10} {s.N,5}{extra}"));
        }

        if (report.PerceptionDistortion is { } p)
        {
            sb.AppendLine(string.Create(CultureInfo.InvariantCulture, $"perception-distortion: {p.DistortionMetric} = {Format(p.Distortion)}, {p.PerceptionMetric} = {Format(p.Perception)}"));
        }

        return sb.ToString();
    }

    private static string Format(double v) =>
        double.IsNaN(v) ? "n/a" : Math.Abs(v) < 10 ? v.ToString("0.0000", CultureInfo.InvariantCulture) : v.ToString("0.000", CultureInfo.InvariantCulture);
}
