using System.Text;
using RestoreBench.Reports.Analysis;
using RestoreBench.Reports.Rendering;
using RestoreBench.Reports.Store;
using RestoreBench.Reports.Visual;

namespace RestoreBench.Reports;

/// <summary>
/// Writes the report of a results store: the paper's tables and figures (Tables 1–2, Figs. 1–4, 6–12)
/// with bootstrap intervals and paired tests, as one self-contained HTML page (<c>report.html</c>) or as
/// Markdown (<c>report.md</c>), with the plot and crop PNGs in <c>figures/</c> beside it. Sections
/// without data are left out. The output is deterministic: same store and options, same bytes.
/// </summary>
public static class ReportWriter
{
    /// <summary>Writes the report and returns the page's full path.</summary>
    /// <param name="storePath">The results database (<c>results.db</c>), opened read-only.</param>
    /// <param name="outDir">Output folder (created when missing).</param>
    /// <param name="options">Selection, statistics and format.</param>
    /// <exception cref="ResultsStoreException">The store cannot be read (one-line message naming the file).</exception>
    /// <exception cref="ArgumentException">An option names something the selection lacks (a pair's restorer, a plane metric).</exception>
    public static string Write(string storePath, string outDir, ReportOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrEmpty(outDir);
        if (options.BootstrapResamples < 1 || options.ConfidenceLevel is <= 0 or >= 1 || options.GammaBins < 1 || options.MaxVisualRows < 0)
        {
            throw new ArgumentException("Bootstrap resamples must be ≥ 1, the confidence level in (0, 1), γ bins ≥ 1 and visual rows ≥ 0.");
        }

        var store = ResultsStore.Open(storePath);
        var data = new ReportData(store, options);
        var pageFolder = Path.GetFullPath(outDir);
        var figures = Path.Combine(pageFolder, "figures");
        Directory.CreateDirectory(figures);

        var sections = new List<ReportSection?>
        {
            SummarySection.Build(data),
            PairedSection.Build(data),
            PlaneSections.PerceptionDistortion(data),
            DegradationSection.Build(data),
            PlaneSections.Alignment(data),
            ResourcesSection.Build(data),
            DiffusionSections.Vae(data),
            DiffusionSections.Ablation(data),
            VisualSection.Build(data, figures, pageFolder),
            MetadataSection.Build(data),
        };
        var title = options.Title ?? "RestoreBench report: " + Path.GetFileName(store.StorePath);
        var doc = new ReportDocument(title, [.. sections.OfType<ReportSection>()]);
        var plots = RenderPlots(doc, figures, pageFolder);
        var page = Path.Combine(pageFolder, options.Format == ReportFormat.Html ? "report.html" : "report.md");
        var text = options.Format == ReportFormat.Html ? HtmlRenderer.Render(doc, plots) : MarkdownRenderer.Render(doc, plots);
        File.WriteAllText(page, text, new UTF8Encoding(false));
        return page;
    }

    private static Dictionary<FigureBlock, PlotImage> RenderPlots(ReportDocument doc, string figures, string pageFolder)
    {
        var blocks = doc.Sections.SelectMany(s => s.Blocks).OfType<FigureBlock>().ToList();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var unique = new List<(FigureBlock Block, string Id)>();
        foreach (var b in blocks)
        {
            var id = b.Id;
            for (var i = 2; !ids.Add(id); i++)
            {
                id = $"{b.Id}-{i}";
            }

            unique.Add((b, id));
        }

        var images = new PlotImage[unique.Count];
        var writer = new PlotWriter(figures, pageFolder);
        Parallel.For(0, unique.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount },
            i => images[i] = writer.Render(unique[i].Id, unique[i].Block.Spec));
        var result = new Dictionary<FigureBlock, PlotImage>(ReferenceEqualityComparer.Instance);
        for (var i = 0; i < unique.Count; i++)
        {
            result[unique[i].Block] = images[i];
        }

        return result;
    }
}
