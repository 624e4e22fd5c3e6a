using System.CommandLine;
using System.Globalization;
using RestoreBench.Reports;
using RestoreBench.Reports.Store;

namespace RestoreBench.Cli.Commands;

/// <summary><c>restorebench report STORE</c>: the paper's tables and figures from a results store, as one HTML page or Markdown.</summary>
internal static class ReportCommand
{
    private const string Examples = """

        Examples:
          restorebench report runs/demo/results.db
          restorebench report results.db --out report --format md --select task=SR4,blur_sweep --select metric=psnr_y,ssim_y,niqe
          restorebench report results.db --pairs "esrgan:bicubic,cldm[steps=50,start_noise=1]:esrgan" --images baboon --crop 64,32,48,48

        Lists are comma-separated; commas inside [...] belong to the name. Patterns may use * (any run of characters).
        """;

    public static Command Create()
    {
        var store = new Argument<string>("STORE") { Description = "The results database (results.db) written by 'restorebench run' or 'demo'; opened read-only." };
        var output = new Option<string?>("--out", "-o") { Description = "Output folder (default: 'report' beside STORE): report.html or report.md, and figures/ with the PNG plots and crops." };
        var format = new Option<string>("--format", "-f") { Description = "html (one self-contained page) or md (Markdown with PNG plots).", DefaultValueFactory = _ => "html" };
        var select = new Option<string[]>("--select") { Description = "KEY=PATTERN[,PATTERN...] with KEY task (name or group), restorer (name or family), metric (name or 'metric (options)') or dataset; repeatable.", AllowMultipleArgumentsPerToken = false };
        var pairs = new Option<string?>("--pairs") { Description = "Restorer pairs A:B for paired comparisons (differences A − B). Default: every pair when there are at most 4 restorers." };
        var images = new Option<string?>("--images") { Description = "Image ids (file stems) for the visual comparison. Default: the first image of each task." };
        var crop = new Option<string?>("--crop") { Description = "x,y,w,h: the crop in ground-truth pixels. Default: where the restorers disagree most." };
        var bootstrap = new Option<int>("--bootstrap") { Description = "Bootstrap resamples per interval.", DefaultValueFactory = _ => 2000 };
        var seed = new Option<long>("--seed") { Description = "Seed of the bootstrap streams.", DefaultValueFactory = _ => 0 };
        var distortion = new Option<string?>("--distortion") { Description = "Distortion axis of the perception–distortion plane (default: ssim_y, ssim, psnr_y, psnr, lpips, else the first full-reference metric)." };
        var perception = new Option<string?>("--perception") { Description = "Perception axis (default: niqe, brisque, else the first no-reference metric)." };
        var command = new Command("report", "Write the paper's tables and figures (with bootstrap intervals and paired tests) from a results store, as one self-contained HTML page or as Markdown." + Examples)
        {
            store, output, format, select, pairs, images, crop, bootstrap, seed, distortion, perception,
        };
        command.SetAction((ParseResult r) => CliRun.Guard(() =>
        {
            var storePath = r.GetRequiredValue(store);
            var options = Options(r.GetValue(format)!, r.GetValue(select) ?? [], r.GetValue(pairs), r.GetValue(images), r.GetValue(crop),
                r.GetValue(bootstrap), r.GetValue(seed), r.GetValue(distortion), r.GetValue(perception));
            var outDir = r.GetValue(output) ?? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(storePath))!, "report");
            OutputFolder.Ensure(outDir);
            Console.WriteLine(Write(storePath, outDir, options));
            return ExitCodes.Ok;
        }));
        return command;
    }

    /// <summary>Writes the report, turning store and option errors into usage errors; returns the page path.</summary>
    internal static string Write(string storePath, string outDir, ReportOptions options)
    {
        try
        {
            return ReportWriter.Write(storePath, outDir, options);
        }
        catch (ResultsStoreException e)
        {
            throw new UsageException(e.Message);
        }
        catch (ArgumentException e)
        {
            throw new UsageException(CliRun.OneLine(e));
        }
    }

    internal static ReportOptions Options(string format, string[] select, string? pairs, string? images, string? crop, int bootstrap, long seed, string? distortion, string? perception)
    {
        var reportFormat = format switch
        {
            "html" => ReportFormat.Html,
            "md" or "markdown" => ReportFormat.Markdown,
            _ => throw new UsageException($"--format must be html or md, got '{format}'"),
        };
        if (bootstrap < 1)
        {
            throw new UsageException($"--bootstrap must be at least 1, got {bootstrap}");
        }

        var lists = new Dictionary<string, List<string>>(StringComparer.Ordinal)
        {
            ["task"] = [], ["restorer"] = [], ["metric"] = [], ["dataset"] = [],
        };
        foreach (var s in select)
        {
            var eq = s.IndexOf('=', StringComparison.Ordinal);
            var key = eq < 0 ? s : s[..eq];
            if (eq < 0 || !lists.TryGetValue(key, out var list))
            {
                throw new UsageException($"--select '{s}': expected KEY=PATTERN[,PATTERN] with KEY one of {string.Join(", ", lists.Keys)}");
            }

            list.AddRange(SplitList(s[(eq + 1)..]));
        }

        var pairList = new List<(string, string)>();
        foreach (var p in SplitList(pairs ?? ""))
        {
            var colon = TopLevelIndex(p, ':');
            if (colon <= 0 || colon == p.Length - 1)
            {
                throw new UsageException($"--pairs '{p}': expected A:B");
            }

            pairList.Add((p[..colon], p[(colon + 1)..]));
        }

        return new ReportOptions
        {
            Format = reportFormat,
            Tasks = lists["task"],
            Restorers = lists["restorer"],
            Metrics = lists["metric"],
            Datasets = lists["dataset"],
            Pairs = pairList,
            Images = SplitList(images ?? ""),
            Crop = crop is null ? null : ParseCrop(crop),
            BootstrapResamples = bootstrap,
            Seed = seed,
            DistortionMetric = distortion,
            PerceptionMetric = perception,
        };
    }

    /// <summary>Splits at commas outside square brackets (restorer names carry knob lists: 'cldm[steps=50,start_noise=0.5]'); empty items dropped.</summary>
    internal static List<string> SplitList(string text)
    {
        var items = new List<string>();
        var depth = 0;
        var start = 0;
        for (var i = 0; i <= text.Length; i++)
        {
            if (i == text.Length || (text[i] == ',' && depth == 0))
            {
                var item = text[start..i].Trim();
                if (item.Length > 0)
                {
                    items.Add(item);
                }

                start = i + 1;
            }
            else if (text[i] == '[')
            {
                depth++;
            }
            else if (text[i] == ']')
            {
                depth = Math.Max(0, depth - 1);
            }
        }

        return items;
    }

    private static int TopLevelIndex(string text, char c)
    {
        var depth = 0;
        for (var i = 0; i < text.Length; i++)
        {
            depth += text[i] == '[' ? 1 : text[i] == ']' ? -1 : 0;
            if (text[i] == c && depth == 0)
            {
                return i;
            }
        }

        return -1;
    }

    private static CropRect ParseCrop(string text)
    {
        var parts = text.Split(',');
        var values = new int[4];
        if (parts.Length != 4 || parts.Where((p, i) => !int.TryParse(p.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out values[i])).Any()
            || values[0] < 0 || values[1] < 0 || values[2] <= 0 || values[3] <= 0)
        {
            throw new UsageException($"--crop '{text}': expected x,y,w,h (non-negative x, y; positive w, h)");
        }

        return new CropRect(values[0], values[1], values[2], values[3]);
    }
}
