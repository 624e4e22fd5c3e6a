using System.Text;
using System.Text.RegularExpressions;

namespace RestoreBench.Reports.Rendering;

/// <summary>
/// Writes a <see cref="ReportDocument"/> as one self-contained HTML page: inline CSS, plots as inline SVG,
/// images as PNG data URIs, no script, font or any other external resource. A Content-Security-Policy
/// (<c>default-src 'none'</c>) forbids scripts and remote loads even if a string escaped the escaping;
/// every text (names, file names, spec values) is HTML-escaped.
/// </summary>
internal static partial class HtmlRenderer
{
    private const string Style = """
        body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2em auto;max-width:1200px;padding:0 1em;color:#111;line-height:1.4}
        h1{font-size:1.6em}h2{border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:2em}h3{font-size:1.05em;margin-top:1.5em}
        nav ul{columns:2;list-style:none;padding:0}nav a{text-decoration:none}
        table{border-collapse:collapse;margin:.5em 0 1em;font-size:.88em;display:block;overflow-x:auto}
        th,td{border:1px solid #ddd;padding:.25em .5em;vertical-align:top}th{background:#f3f3f3;text-align:center}
        td.num{text-align:right;white-space:nowrap}td.best{font-weight:700;background:#fff3c4}
        td small{display:block;color:#555;font-weight:400}caption{caption-side:top;text-align:left;font-weight:600;padding:.3em 0}
        figure{margin:1em 0}figure.plot svg{max-width:100%;height:auto;border:1px solid #eee}figcaption{font-size:.85em;color:#333}
        .panels{display:flex;flex-wrap:wrap;gap:.6em}.panel{margin:0;text-align:center}
        .panel img{image-rendering:pixelated;image-rendering:crisp-edges;border:1px solid #ccc}
        pre{background:#f6f6f6;padding:.6em;overflow-x:auto;font-size:.85em}
        """;

    public static string Render(ReportDocument doc, IReadOnlyDictionary<FigureBlock, PlotImage> plots)
    {
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        sb.Append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; style-src 'unsafe-inline'\">\n");
        sb.Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        sb.Append("<title>").Append(Escape(doc.Title)).Append("</title>\n<style>\n").Append(Style).Append("</style>\n</head>\n<body>\n");
        sb.Append("<h1>").Append(Escape(doc.Title)).Append("</h1>\n<nav><ul>\n");
        foreach (var s in doc.Sections)
        {
            sb.Append("<li><a href=\"#").Append(Escape(s.Id)).Append("\">").Append(Escape(s.Title)).Append("</a></li>\n");
        }

        sb.Append("</ul></nav>\n");
        foreach (var s in doc.Sections)
        {
            sb.Append("<section id=\"").Append(Escape(s.Id)).Append("\">\n<h2>").Append(Escape(s.Title)).Append("</h2>\n");
            foreach (var block in s.Blocks)
            {
                Block(sb, block, plots);
            }

            sb.Append("</section>\n");
        }

        sb.Append("</body>\n</html>\n");
        return sb.ToString();
    }

    /// <summary>HTML-escapes text for element content and double- or single-quoted attributes.</summary>
    public static string Escape(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var ch in text)
        {
            sb.Append(ch switch
            {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '"' => "&quot;",
                '\'' => "&#39;",
                _ => ch.ToString(),
            });
        }

        return sb.ToString();
    }

    private static void Block(StringBuilder sb, Block block, IReadOnlyDictionary<FigureBlock, PlotImage> plots)
    {
        switch (block)
        {
            case HeadingBlock h:
                sb.Append("<h3>").Append(Escape(h.Text)).Append("</h3>\n");
                break;
            case TextBlock t:
                sb.Append("<p>").Append(Escape(t.Text)).Append("</p>\n");
                break;
            case PreBlock p:
                sb.Append("<pre>").Append(Escape(p.Text)).Append("</pre>\n");
                break;
            case ListBlock l:
                sb.Append("<ul>\n");
                foreach (var item in l.Items)
                {
                    sb.Append("<li>").Append(Escape(item)).Append("</li>\n");
                }

                sb.Append("</ul>\n");
                break;
            case TableBlock table:
                Table(sb, table);
                break;
            case FigureBlock f:
                var plot = plots[f];
                sb.Append("<figure class=\"plot\">\n").Append(InlineSvg(plot.Svg, Path.GetFileNameWithoutExtension(plot.PngPath))).Append("\n<figcaption>")
                    .Append(Escape(f.Caption)).Append("</figcaption>\n</figure>\n");
                break;
            case ImageRowBlock row:
                sb.Append("<figure>\n<div class=\"panels\">\n");
                foreach (var p in row.Panels)
                {
                    sb.Append("<figure class=\"panel\"><img alt=\"").Append(Escape(p.Label)).Append("\" width=\"").Append(p.Width).Append("\" height=\"").Append(p.Height)
                        .Append("\" src=\"data:image/png;base64,").Append(Convert.ToBase64String(p.Png)).Append("\"><figcaption>").Append(Escape(p.Label)).Append("</figcaption></figure>\n");
                }

                sb.Append("</div>\n<figcaption>").Append(Escape(row.Caption)).Append("</figcaption>\n</figure>\n");
                break;
            default:
                throw new InvalidOperationException($"Unknown block type {block.GetType().Name}.");
        }
    }

    private static void Table(StringBuilder sb, TableBlock table)
    {
        sb.Append("<table>\n");
        if (table.Caption is not null)
        {
            sb.Append("<caption>").Append(Escape(table.Caption)).Append("</caption>\n");
        }

        sb.Append("<thead>\n");
        if (table.GroupHeader is not null)
        {
            sb.Append("<tr>");
            foreach (var g in table.GroupHeader)
            {
                sb.Append("<th colspan=\"").Append(g.Span).Append("\">").Append(Escape(g.Text)).Append("</th>");
            }

            sb.Append("</tr>\n");
        }

        sb.Append("<tr>");
        foreach (var h in table.Header)
        {
            sb.Append("<th>").Append(Escape(h)).Append("</th>");
        }

        sb.Append("</tr>\n</thead>\n<tbody>\n");
        foreach (var row in table.Rows)
        {
            sb.Append("<tr>");
            foreach (var c in row)
            {
                var cls = (c.Numeric ? "num" : "") + (c.Best ? " best" : "");
                sb.Append(cls.Length > 0 ? $"<td class=\"{cls.Trim()}\">" : "<td>").Append(Escape(c.Text));
                if (c.Detail is not null)
                {
                    sb.Append("<small>").Append(Escape(c.Detail)).Append("</small>");
                }

                sb.Append("</td>");
            }

            sb.Append("</tr>\n");
        }

        sb.Append("</tbody>\n</table>\n");
    }

    /// <summary>
    /// The SVG element of ScottPlot's output (the XML declaration dropped); its text is already XML-escaped by
    /// Skia's SVG writer. Skia numbers clip-path ids with a process-wide counter, so they are renamed
    /// <c>{prefix}-c{n}</c> in order of appearance: unique within the page and the same on every run.
    /// </summary>
    private static string InlineSvg(string svg, string prefix)
    {
        var start = svg.IndexOf("<svg", StringComparison.Ordinal);
        if (start < 0)
        {
            throw new InvalidOperationException("The plot renderer returned no <svg> element.");
        }

        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        return SvgId().Replace(svg[start..].Trim(), m =>
        {
            if (!names.TryGetValue(m.Groups[2].Value, out var name))
            {
                name = $"{prefix}-c{names.Count}";
                names[m.Groups[2].Value] = name;
            }

            return m.Groups[1].Value + name;
        });
    }

    [GeneratedRegex(@"(id=""|url\(#)(cl_[0-9a-f]+)")]
    private static partial Regex SvgId();
}
