namespace RestoreBench.Reports.Rendering;

/// <summary>A report independent of its format: sections of blocks. Every string is plain text; renderers escape it.</summary>
internal sealed record ReportDocument(string Title, IReadOnlyList<ReportSection> Sections);

/// <summary>A titled section with an anchor id (ASCII, safe).</summary>
internal sealed record ReportSection(string Id, string Title, IReadOnlyList<Block> Blocks);

/// <summary>A piece of a section.</summary>
internal abstract record Block;

/// <summary>A sub-heading.</summary>
internal sealed record HeadingBlock(string Text) : Block;

/// <summary>A paragraph.</summary>
internal sealed record TextBlock(string Text) : Block;

/// <summary>Preformatted text (spec YAML).</summary>
internal sealed record PreBlock(string Text) : Block;

/// <summary>A bulleted list.</summary>
internal sealed record ListBlock(IReadOnlyList<string> Items) : Block;

/// <summary>A header cell spanning <paramref name="Span"/> columns.</summary>
internal sealed record HeaderCell(string Text, int Span = 1);

/// <summary>A table cell: main text, optional smaller detail (an interval), best-in-column mark, left or right alignment.</summary>
internal sealed record Cell(string Text, string? Detail = null, bool Best = false, bool Numeric = true)
{
    public static Cell Label(string text) => new(text, Numeric: false);
}

/// <summary>A table, optionally with a grouped header row above the column header.</summary>
internal sealed record TableBlock(string? Caption, IReadOnlyList<HeaderCell>? GroupHeader, IReadOnlyList<string> Header, IReadOnlyList<IReadOnlyList<Cell>> Rows) : Block;

/// <summary>A rendered plot: SVG text for inline embedding and the PNG file written beside the page.</summary>
internal sealed record PlotImage(string Svg, string PngPath, int Width, int Height);

/// <summary>A figure: a plot to render (by id, see <see cref="PlotWriter"/>) with a caption.</summary>
internal sealed record FigureBlock(string Id, PlotSpec Spec, string Caption) : Block;

/// <summary>An image panel of a visual comparison: label, PNG bytes and the file written beside the page.</summary>
internal sealed record ImagePanel(string Label, byte[] Png, string PngPath, int Width, int Height);

/// <summary>A row of image panels on the same crop.</summary>
internal sealed record ImageRowBlock(string Caption, IReadOnlyList<ImagePanel> Panels) : Block;
