using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using RestoreBench.Reports.Rendering;
using ScottPlot;

namespace RestoreBench.Reports;

/// <summary>One series of a plot: a restorer (or family) with its colour, points and whether they are joined by a line.</summary>
internal sealed record PlotSeries(string Name, string Color, int Variant, IReadOnlyList<double> X, IReadOnlyList<double> Y, bool Line);

/// <summary>What a plot shows. Log axes take positive values and draw them on a base-10 scale.</summary>
internal sealed record PlotSpec(string Title, string XLabel, string YLabel, IReadOnlyList<PlotSeries> Series)
{
    public bool LogX { get; init; }

    /// <summary>Points circled, joined by a wide grey line and listed as "Pareto front" in the legend (solid: Skia's SVG writer drops dash patterns).</summary>
    public (IReadOnlyList<double> X, IReadOnlyList<double> Y)? Front { get; init; }

    /// <summary>Text labels drawn next to points (e.g. restorer names in the planes).</summary>
    public IReadOnlyList<(double X, double Y, string Text, string Color)> Labels { get; init; } = [];
}

/// <summary>
/// Renders <see cref="PlotSpec"/>s with ScottPlot: SVG text (embedded in the HTML page; ScottPlot/Skia
/// escape text in SVG) and a PNG file in the figures folder. File names are a readable prefix plus a
/// hash of the spec's identity, so user-controlled names never reach the file system.
/// </summary>
internal sealed class PlotWriter(string figuresFolder, string pageFolder)
{
    public const int Width = 760;
    public const int Height = 420;
    private static readonly MarkerShape[] Shapes = [MarkerShape.FilledCircle, MarkerShape.FilledSquare, MarkerShape.FilledTriangleUp, MarkerShape.FilledDiamond];

    public PlotImage Render(string id, PlotSpec spec)
    {
        var plot = new Plot();
        plot.Font.Set("DejaVu Sans");
        foreach (var s in spec.Series)
        {
            var xs = spec.LogX ? s.X.Select(Math.Log10).ToArray() : s.X.ToArray();
            var scatter = plot.Add.Scatter(xs, s.Y.ToArray());
            scatter.Color = Color.FromHex(s.Color);
            scatter.LegendText = s.Name;
            scatter.MarkerShape = Shapes[s.Variant % Shapes.Length];
            scatter.MarkerSize = 8;
            scatter.LineWidth = s.Line ? 1.5f : 0;
        }

        if (spec.Front is { } front && front.X.Count > 0)
        {
            var xs = spec.LogX ? front.X.Select(Math.Log10).ToArray() : front.X.ToArray();
            var line = plot.Add.Scatter(xs, front.Y.ToArray());
            line.Color = Colors.Gray.WithAlpha(0.6);
            line.LineWidth = 3f;
            line.MarkerSize = 14;
            line.MarkerShape = MarkerShape.OpenCircle;
            line.LegendText = "Pareto front";
        }

        foreach (var (x, y, text, color) in spec.Labels)
        {
            var label = plot.Add.Text(text, spec.LogX ? Math.Log10(x) : x, y);
            label.LabelFontSize = 11;
            label.LabelFontColor = Color.FromHex(color);
            label.LabelOffsetX = 6;
            label.LabelOffsetY = -6;
        }

        if (spec.LogX)
        {
            plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
            {
                MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
                IntegerTicksOnly = true,
                LabelFormatter = PowerOfTen,
            };
        }

        plot.Title(spec.Title, size: 15);
        plot.XLabel(spec.XLabel, size: 13);
        plot.YLabel(spec.YLabel, size: 13);
        plot.Axes.Margins(0.08, 0.12);
        plot.ShowLegend(Edge.Right);
        plot.Legend.FontSize = 11;
        var svg = plot.GetSvgXml(Width, Height);
        var file = Path.Combine(figuresFolder, FileName(id) + ".png");
        plot.SavePng(file, Width, Height);
        return new PlotImage(svg, Path.GetRelativePath(pageFolder, file).Replace('\\', '/'), Width, Height);
    }

    /// <summary>Tick label of a log10 axis position: 1, 10, 100, then 1k, 10k, 100k, 1M, ... 1G, ... (SI prefixes, integer powers).</summary>
    internal static string PowerOfTen(double exponent)
    {
        var k = (int)Math.Round(exponent);
        if (k < 0)
        {
            return Math.Pow(10, k).ToString("G3", CultureInfo.InvariantCulture);
        }

        string[] prefixes = ["", "k", "M", "G", "T", "P"];
        var group = Math.Min(k / 3, prefixes.Length - 1);
        return (Math.Pow(10, k - 3 * group)).ToString("0", CultureInfo.InvariantCulture) + prefixes[group];
    }

    /// <summary>A safe file name: the ASCII letters, digits, '-' and '_' of <paramref name="id"/> (at most 48) and 8 hex digits of its SHA-256.</summary>
    public static string FileName(string id)
    {
        var safe = new StringBuilder();
        foreach (var ch in id)
        {
            if (safe.Length >= 48)
            {
                break;
            }

            safe.Append(char.IsAsciiLetterOrDigit(ch) || ch is '-' or '_' ? ch : '_');
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(id)))[..8];
        return $"{safe}-{hash}";
    }
}
