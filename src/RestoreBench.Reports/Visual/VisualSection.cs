using RestoreBench.Core.Imaging;
using RestoreBench.Reports.Analysis;
using RestoreBench.Reports.Rendering;
using RestoreBench.Reports.Store;

namespace RestoreBench.Reports.Visual;

/// <summary>
/// Visual comparison (Figs. 3, 10–12): for selected images, GT, LQ and every restorer on the same crop,
/// enlarged by an integer factor with nearest-neighbour sampling so pixels stay visible. The LQ panel is
/// the <c>lq</c> restorer's output (bicubic to GT size) when present, else the degraded file enlarged by
/// nearest neighbour. Unreadable files are noted and skipped.
/// </summary>
internal static class VisualSection
{
    private const int TargetPanel = 256;

    public static ReportSection? Build(ReportData data, string figuresFolder, string pageFolder)
    {
        var blocks = new List<Block>();
        var notes = new List<string>();
        var rows = 0;
        foreach (var task in data.Tasks)
        {
            var samples = data.SamplesByTask[task.Task];
            var chosen = data.Options.Images.Count > 0
                ? samples.Where(s => data.Options.Images.Contains(s.Image, StringComparer.Ordinal)).ToList()
                : samples.Take(1).ToList();
            foreach (var sample in chosen)
            {
                if (rows >= data.Options.MaxVisualRows)
                {
                    break;
                }

                if (Row(data, sample, figuresFolder, pageFolder, notes) is { } row)
                {
                    blocks.Add(row);
                    rows++;
                }
            }
        }

        if (data.Options.Images.Count > 0)
        {
            var found = data.Tasks.SelectMany(t => data.SamplesByTask[t.Task]).Select(s => s.Image).ToHashSet(StringComparer.Ordinal);
            notes.AddRange(data.Options.Images.Where(i => !found.Contains(i)).Select(i => $"--images: no selected sample has the image id '{i}'"));
        }

        if (notes.Count > 0)
        {
            blocks.Add(new ListBlock(notes));
        }

        if (blocks.Count == 0)
        {
            return null;
        }

        blocks.Insert(0, new TextBlock("GT, LQ and every restorer on the same crop, enlarged with nearest-neighbour sampling. " +
            (data.Options.Crop is null ? "The crop is the window where the restorers disagree most (largest summed per-pixel variance of luma across the outputs)." : "The crop was given with --crop.")));
        return new ReportSection("visual", "Visual comparison", blocks);
    }

    private static ImageRowBlock? Row(ReportData data, SampleInfo sample, string figuresFolder, string pageFolder, List<string> notes)
    {
        var images = new List<(string Label, ImageTensor Image)>();
        ImageTensor? gt = null;
        if (sample.GtFile is not null && Load(data, sample.GtFile, notes) is { } g)
        {
            gt = g;
            images.Add(("GT", g));
        }

        int w = gt?.Width ?? sample.Width, h = gt?.Height ?? sample.Height;
        var lqRestorer = data.Restorers.FirstOrDefault(r => r.Kind == "lq");
        ImageTensor? lq = null;
        if (lqRestorer is not null && data.Outputs.TryGetValue((sample.SampleId, lqRestorer.Restorer), out var lqOut) && lqOut.Ok && lqOut.File is not null)
        {
            lq = Load(data, lqOut.File, notes);
        }

        if (lq is null && Load(data, sample.LqFile, notes) is { } raw)
        {
            lq = raw.Width == w && raw.Height == h ? raw : NearestResize(raw, w, h);
        }

        if (lq is not null && lq.Width == w && lq.Height == h)
        {
            images.Add(("LQ", lq));
        }

        var outputs = new List<(string Label, ImageTensor Image)>();
        foreach (var r in data.Restorers.Where(r => r.Kind != "lq"))
        {
            if (!data.Outputs.TryGetValue((sample.SampleId, r.Restorer), out var o) || !o.Ok || o.File is null)
            {
                continue;
            }

            if (Load(data, o.File, notes) is not { } image)
            {
                continue;
            }

            if (image.Width != w || image.Height != h)
            {
                notes.Add($"{o.File}: {image.Width}x{image.Height} differs from the ground truth's {w}x{h}; left out of the comparison");
                continue;
            }

            outputs.Add((r.Restorer, image));
        }

        images.AddRange(outputs);
        if (outputs.Count == 0)
        {
            return null;
        }

        var (x, y, size) = Crop(data, outputs, gt, w, h, sample, notes);
        int cw = size.W, ch = size.H;
        var zoom = Math.Max(1, TargetPanel / Math.Max(cw, ch));
        var panels = new List<ImagePanel>();
        foreach (var (label, image) in images)
        {
            var crop = Zoom(image.ToRgb().Crop(y, x, ch, cw), zoom);
            var file = Path.Combine(figuresFolder, PlotWriter.FileName($"crop-{sample.Task}-{sample.Image}-{label}\u001f{sample.SampleId}") + ".png");
            ImageFile.WritePng(crop, file);
            panels.Add(new ImagePanel(label, File.ReadAllBytes(file), Path.GetRelativePath(pageFolder, file).Replace('\\', '/'), crop.Width, crop.Height));
        }

        return new ImageRowBlock($"{sample.Task} / {sample.Image} ({sample.Dataset}): crop x={x}, y={y}, {cw}x{ch} px, ×{zoom} nearest neighbour", panels);
    }

    private static (int X, int Y, (int W, int H) Size) Crop(ReportData data, List<(string Label, ImageTensor Image)> outputs, ImageTensor? gt, int w, int h, SampleInfo sample, List<string> notes)
    {
        if (data.Options.Crop is { } c)
        {
            if (c.X >= 0 && c.Y >= 0 && c.Width > 0 && c.Height > 0 && c.X + c.Width <= w && c.Y + c.Height <= h)
            {
                return (c.X, c.Y, (c.Width, c.Height));
            }

            notes.Add($"--crop {c.X},{c.Y},{c.Width},{c.Height} lies outside {sample.Image} ({w}x{h}); the automatic crop is used there");
        }

        var size = CropSelector.DefaultSize(w, h);
        var lumas = outputs.Select(o => Luma(o.Image)).ToList();
        var (x, y) = CropSelector.Select(lumas, gt is null ? null : Luma(gt), w, h, size);
        return (x, y, (size, size));
    }

    private static double[] Luma(ImageTensor image)
    {
        var rgb = image.ToRgb();
        var r = rgb.ReadPlane(0);
        var g = rgb.ReadPlane(1);
        var b = rgb.ReadPlane(2);
        var luma = new double[rgb.PlaneSize];
        for (var i = 0; i < luma.Length; i++)
        {
            luma[i] = 0.299 * r[i] + 0.587 * g[i] + 0.114 * b[i];
        }

        return luma;
    }

    private static ImageTensor? Load(ReportData data, string storedPath, List<string> notes)
    {
        var path = data.Store.Resolve(storedPath);
        try
        {
            return ImageFile.Read(path).Image;
        }
        catch (ImageFileException e)
        {
            notes.Add(e.Message.ReplaceLineEndings(" "));
            return null;
        }
    }

    /// <summary>Nearest-neighbour enlargement by an integer factor.</summary>
    internal static ImageTensor Zoom(ImageTensor image, int factor) => NearestResize(image, image.Width * factor, image.Height * factor);

    /// <summary>Nearest-neighbour resize: output pixel (x, y) takes input pixel (floor(x·W/w), floor(y·H/h)).</summary>
    internal static ImageTensor NearestResize(ImageTensor image, int width, int height)
    {
        var result = new ImageTensor(image.Channels, height, width);
        for (var c = 0; c < image.Channels; c++)
        {
            var src = image.ReadPlane(c);
            var dst = result.Plane(c);
            for (var y = 0; y < height; y++)
            {
                var sy = (int)((long)y * image.Height / height);
                for (var x = 0; x < width; x++)
                {
                    dst[y * width + x] = src[sy * image.Width + (int)((long)x * image.Width / width)];
                }
            }
        }

        return result;
    }
}
