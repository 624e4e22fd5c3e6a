using System.CommandLine;
using System.Globalization;
using System.Text;
using RestoreBench.Metrics;
using RestoreBench.Metrics.Catalog;

namespace RestoreBench.Cli.Commands;

/// <summary><c>restorebench metrics</c>: the catalog with direction, range and the reference each metric matches.</summary>
internal static class MetricsCommand
{
    public static Command Create()
    {
        var command = new Command("metrics", "List the metrics: name, kind, direction, range and the reference implementation each one matches.\n\nExample:\n  restorebench metrics");
        command.SetAction((ParseResult _) =>
        {
            var sb = new StringBuilder();
            foreach (var name in MetricCatalog.Default.Names)
            {
                var d = MetricCatalog.Default.Describe(name);
                var arrow = d.Direction == MetricDirection.HigherIsBetter ? "higher is better" : "lower is better";
                sb.AppendLine(CultureInfo.InvariantCulture, $"{name,-12} {d.Kind,-22} {arrow,-17} {d.RangeText}");
                sb.AppendLine(CultureInfo.InvariantCulture, $"{"",-12} matches: {d.Reference}");
            }

            Console.Write(sb.ToString());
            return 0;
        });
        return command;
    }
}
