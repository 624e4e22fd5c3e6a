using System.Text;

namespace RestoreBench.Reports.Rendering;

/// <summary>
/// Writes a <see cref="ReportDocument"/> as Markdown (GitHub flavour): tables with the best value in bold,
/// plots and crops as links to the PNG files written beside the page. Text is escaped so that names
/// cannot open HTML, links, emphasis or table cells.
/// </summary>
internal static class MarkdownRenderer
{
    public static string Render(ReportDocument doc, IReadOnlyDictionary<FigureBlock, PlotImage> plots)
    {
        var sb = new StringBuilder();
        sb.Append("# ").Append(Escape(doc.Title)).Append("\n\n");
        foreach (var s in doc.Sections)
        {
            sb.Append("- [").Append(Escape(s.Title)).Append("](#").Append(s.Id).Append(")\n");
        }

        foreach (var s in doc.Sections)
        {
            sb.Append("\n<a id=\"").Append(s.Id).Append("\"></a>\n\n## ").Append(Escape(s.Title)).Append("\n\n");
            foreach (var block in s.Blocks)
            {
                Block(sb, block, plots);
            }
        }

        return sb.ToString();
    }

    /// <summary>Escapes Markdown punctuation (backslash first), HTML-significant characters and line breaks.</summary>
    public static string Escape(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var ch in text)
        {
            switch (ch)
            {
                case '<': sb.Append("&lt;"); break;
                case '>': sb.Append("&gt;"); break;
                case '&': sb.Append("&amp;"); break;
                case '\r': break;
                case '\n': sb.Append(' '); break;
                case '\\' or '`' or '*' or '_' or '[' or ']' or '|' or '#' or '!' or '~':
                    sb.Append('\\').Append(ch);
                    break;
                default: sb.Append(ch); break;
            }
        }

        return sb.ToString();
    }

    private static void Block(StringBuilder sb, Block block, IReadOnlyDictionary<FigureBlock, PlotImage> plots)
    {
        switch (block)
        {
            case HeadingBlock h:
                sb.Append("### ").Append(Escape(h.Text)).Append("\n\n");
                break;
            case TextBlock t:
                sb.Append(Escape(t.Text)).Append("\n\n");
                break;
            case PreBlock p:
                // CommonMark: a fence longer than any backtick run inside cannot be closed by the text.
                var longest = 0;
                for (int i = 0, run = 0; i < p.Text.Length; i++)
                {
                    run = p.Text[i] == '`' ? run + 1 : 0;
                    longest = Math.Max(longest, run);
                }

                var fence = new string('`', Math.Max(3, longest + 1));
                sb.Append(fence).Append('\n').Append(p.Text.TrimEnd('\n', '\r')).Append('\n').Append(fence).Append("\n\n");
                break;
            case ListBlock l:
                foreach (var item in l.Items)
                {
                    sb.Append("- ").Append(Escape(item)).Append('\n');
                }

                sb.Append('\n');
                break;
            case TableBlock table:
                Table(sb, table);
                break;
            case FigureBlock f:
                sb.Append("![").Append(Escape(f.Caption)).Append("](").Append(plots[f].PngPath).Append(")\n\n*").Append(Escape(f.Caption)).Append("*\n\n");
                break;
            case ImageRowBlock row:
                sb.Append(Escape(row.Caption)).Append("\n\n| ").Append(string.Join(" | ", row.Panels.Select(p => Escape(p.Label)))).Append(" |\n|")
                    .Append(string.Concat(row.Panels.Select(_ => "---|"))).Append("\n| ")
                    .Append(string.Join(" | ", row.Panels.Select(p => $"![{Escape(p.Label)}]({p.PngPath})"))).Append(" |\n\n");
                break;
            default:
                throw new InvalidOperationException($"Unknown block type {block.GetType().Name}.");
        }
    }

    private static void Table(StringBuilder sb, TableBlock table)
    {
        if (table.Caption is not null)
        {
            sb.Append("**").Append(Escape(table.Caption)).Append("**\n\n");
        }

        var header = table.Header.ToList();
        if (table.GroupHeader is not null)
        {
            // Markdown has no column spans: the group name prefixes each of its columns.
            var expanded = new List<string>();
            foreach (var g in table.GroupHeader)
            {
                for (var i = 0; i < g.Span; i++)
                {
                    expanded.Add(g.Text);
                }
            }

            for (var i = 0; i < header.Count && i < expanded.Count; i++)
            {
                header[i] = expanded[i].Length == 0 ? header[i] : $"{expanded[i]}: {header[i]}";
            }
        }

        sb.Append("| ").Append(string.Join(" | ", header.Select(Escape))).Append(" |\n|");
        for (var i = 0; i < header.Count; i++)
        {
            var numeric = table.Rows.Count > 0 && i < table.Rows[0].Count && table.Rows[0][i].Numeric;
            sb.Append(numeric ? "---:|" : "---|");
        }

        sb.Append('\n');
        foreach (var row in table.Rows)
        {
            sb.Append("| ").Append(string.Join(" | ", row.Select(c =>
            {
                var text = Escape(c.Text);
                text = c.Best ? $"**{text}**" : text;
                return c.Detail is null ? text : $"{text} {Escape(c.Detail)}";
            }))).Append(" |\n");
        }

        sb.Append('\n');
    }
}
