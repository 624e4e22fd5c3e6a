using RestoreBench.Core.Randomness;
using RestoreBench.Core.Imaging;

namespace RestoreBench.Reports.Tests;

/// <summary>Results stores for the tests: small ones with real PNG files, a hostile one, and the large one of the performance target.</summary>
internal static class TestStores
{
    public const string Xss = "<img src=x onerror=alert(1)>";

    /// <summary>
    /// A small store with every section's data: SR4 plus a 3-member blur sweep, 4 images of 48x48, restorers
    /// lq, bicubic, esrgan, two CLDM variants (steps 10/50) and a TAEF2 VAE on GT and on the stage-1 output;
    /// psnr_y (one +∞), ssim_y, lpips, niqe (one undefined), DINOv2 alignment vs GT and vs LQ; one failed output.
    /// Scores are closed-form functions of (task, image, restorer) so the expected tables are known.
    /// </summary>
    public static string Small(string folder, string imageName = "img", string restorerPrefix = "", string spec = "tasks: [SR4, blur_sweep]\nseed: 7\n")
    {
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, "results.db");
        using var b = new TestStoreBuilder(path);
        b.Run("00000000-0000-0000-0000-000000000001", spec, """{"cpu":"Test CPU","cores":2,"os":"Debian 12","dotnet":"10.0","onnxruntime":"1.31.1","execution_provider":"cpu"}""",
            """["blur_sweep[sigma=4]: 1 image failed for cldm[steps=10]"]""");
        b.Metric("psnr_y", "full_reference", "higher", "PSNR on Y");
        b.Metric("ssim_y", "full_reference", "higher", "SSIM on Y");
        b.Metric("lpips", "full_reference", "lower", "LPIPS");
        b.Metric("niqe", "no_reference", "lower", "NIQE");
        b.Metric("align_dinov2", "alignment", "lower", "DINOv2 distance");
        b.Task("SR4", "SR4", "down(scale=4)");
        var sigmas = new[] { 1.0, 2.0, 4.0 };
        foreach (var s in sigmas)
        {
            b.Task($"blur_sweep[sigma={s:0}]", "blur_sweep", $"blur(sigma={s:0})", "sigma", s);
        }

        var restorers = new (string Name, string Kind, string Family, string Knobs, long? Params, double Quality)[]
        {
            ("lq", "lq", "lq", "{}", 0, 0.0),
            (restorerPrefix + "bicubic", "classical", "bicubic", "{}", 0, 0.2),
            (restorerPrefix + "esrgan", "onnx", "esrgan", "{}", 16_700_000, 0.6),
            ("cldm[steps=10]", "cldm", "cldm", """{"sampler":"ddpm","steps":10,"start_noise":1}""", 900_000_000, 0.5),
            ("cldm[steps=50]", "cldm", "cldm", """{"sampler":"ddpm","steps":50,"start_noise":1}""", 900_000_000, 0.7),
            ("cldm[steps=50,start_noise=0.5]", "cldm", "cldm", """{"sampler":"ddpm","steps":50,"start_noise":0.5}""", 900_000_000, 0.65),
            ("cldm[one_step,t=200]", "cldm", "cldm", """{"mode":"one_step","t":200}""", 900_000_000, 0.6),
            ("cldm[one_step,t=800]", "cldm", "cldm", """{"mode":"one_step","t":800}""", 900_000_000, 0.4),
            ("taef2[input=gt]", "vae", "taef2", """{"input":"gt"}""", 2_400_000, 0.9),
            ("taef2[input=reg]", "vae", "taef2", """{"input":"reg"}""", 2_400_000, 0.55),
        };
        foreach (var r in restorers)
        {
            b.Restorer(r.Name, r.Kind, r.Family, r.Knobs, r.Params);
        }

        var tasks = new List<(string Task, double Level)> { ("SR4", 0.5) };
        tasks.AddRange(sigmas.Select(s => ($"blur_sweep[sigma={s:0}]", s / 4)));
        const int size = 48;
        for (var ti = 0; ti < tasks.Count; ti++)
        {
            var (task, level) = tasks[ti];
            var dir = Path.Combine(folder, "t" + ti);
            Directory.CreateDirectory(dir);
            for (var i = 0; i < 4; i++)
            {
                var image = i == 0 ? imageName : $"photo{i}";
                var id = $"s{ti}_{i}";
                var gt = Pattern(size, i);
                var gtFile = Path.Combine(dir, $"{image}.png");
                ImageFile.WritePng(gt, gtFile);
                var lq = Degrade(gt, level);
                var lqFile = Path.Combine(dir, $"{image}.lq.png");
                ImageFile.WritePng(lq, lqFile);
                var gamma = (1 - level * 0.5 - 0.02 * i) / (ti == 0 ? 4 : 1);
                b.Sample(id, image, task, Path.GetRelativePath(folder, gtFile), Path.GetRelativePath(folder, lqFile), size, size, ti == 0 ? 4 : 1, level * 0.5 + 0.02 * i, gamma);
                foreach (var r in restorers)
                {
                    if (r.Name == "cldm[steps=10]" && task == "blur_sweep[sigma=4]" && i == 3)
                    {
                        b.Output(id, r.Name, null, null, "onnxruntime: out of memory");
                        continue;
                    }

                    var outFile = Path.Combine(dir, $"{image}.{SafeName(r.Name)}.png");
                    ImageFile.WritePng(Blend(gt, lq, r.Quality), outFile);
                    b.Output(id, r.Name, Path.GetRelativePath(folder, outFile), 5 + r.Params / 1e6 + i);
                    var q = r.Quality * (1 - 0.3 * level) + 0.01 * i;
                    b.Score(id, r.Name, "psnr_y", r.Name == "taef2[input=gt]" && i == 0 && ti == 0 ? double.PositiveInfinity : 20 + 10 * q + 0.1 * i + 10 * Jitter(r.Name, i, 0));
                    b.Score(id, r.Name, "ssim_y", 0.5 + 0.4 * q - 0.005 * i + 0.002 * i * i * r.Quality + Jitter(r.Name, i, 1));
                    b.Score(id, r.Name, "lpips", 0.6 - 0.5 * q + 0.003 * i + Jitter(r.Name, i, 2));
                    if (r.Name == "lq" && i == 2)
                    {
                        b.Score(id, r.Name, "niqe", null, error: "image smaller than 96x96 after border crop");
                    }
                    else
                    {
                        b.Score(id, r.Name, "niqe", 9 - (r.Kind == "cldm" ? 6 : 4) * q + 0.05 * i + 10 * Jitter(r.Name, i, 3));
                    }

                    b.Score(id, r.Name, "align_dinov2", 0.8 - 0.5 * q + 0.01 * i + Jitter(r.Name, i, 4), "mode=gt");
                    b.Score(id, r.Name, "align_dinov2", 0.5 - 0.3 * q + 0.02 * i * level + Jitter(r.Name, i, 5), "mode=lq");
                }
            }
        }

        return path;
    }

    /// <summary>
    /// The performance target: <paramref name="images"/> images × <paramref name="tasks"/> tasks (half of them a sigma sweep)
    /// × <paramref name="restorers"/> restorers × <paramref name="metrics"/> metrics. Only the first image of each task has files.
    /// </summary>
    public static string Large(string folder, int images = 100, int tasks = 10, int restorers = 8, int metrics = 8)
    {
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, "results.db");
        using var b = new TestStoreBuilder(path);
        b.Run("00000000-0000-0000-0000-000000000002", "large: true\n", """{"cpu":"x","cores":2}""");
        var metricNames = new List<string>();
        for (var m = 0; m < metrics; m++)
        {
            var (name, kind, direction) = m switch
            {
                0 => ("psnr_y", "full_reference", "higher"),
                1 => ("ssim_y", "full_reference", "higher"),
                2 => ("lpips", "full_reference", "lower"),
                3 => ("niqe", "no_reference", "lower"),
                4 => ("brisque", "no_reference", "lower"),
                _ => ($"metric{m}", "full_reference", "higher"),
            };
            b.Metric(name, kind, direction);
            metricNames.Add(name);
        }

        var rs = Enumerable.Range(0, restorers).Select(r => r == 0 ? "lq" : $"model{r}").ToList();
        for (var r = 0; r < restorers; r++)
        {
            b.Restorer(rs[r], r == 0 ? "lq" : "onnx", rs[r], "{}", r == 0 ? 0 : 1000L << r);
        }

        var random = new RestoreBench.Core.Randomness.SeededRandom(1);
        const int size = 32;
        for (var t = 0; t < tasks; t++)
        {
            var sweep = t >= tasks / 2;
            var task = sweep ? $"blur[sigma={t}]" : $"SR{t + 2}";
            b.Task(task, sweep ? "blur" : task, sweep ? $"blur(sigma={t})" : $"down(scale={t + 2})", sweep ? "sigma" : null, sweep ? t : null);
            for (var i = 0; i < images; i++)
            {
                var id = $"{t}-{i}";
                string gtFile = $"gt/{t}-{i}.png", lqFile = $"lq/{t}-{i}.png";
                if (i == 0)
                {
                    Directory.CreateDirectory(Path.Combine(folder, "gt"));
                    Directory.CreateDirectory(Path.Combine(folder, "lq"));
                    ImageFile.WritePng(Pattern(size, t), Path.Combine(folder, gtFile));
                    ImageFile.WritePng(Degrade(Pattern(size, t), 0.5), Path.Combine(folder, lqFile));
                }

                var gamma = 0.9 / (1 + t) - 0.001 * i;
                b.Sample(id, $"img{i:000}", task, gtFile, lqFile, size, size, 1 + t, 0.1, gamma);
                for (var r = 0; r < restorers; r++)
                {
                    string? file = null;
                    if (i == 0)
                    {
                        file = $"out/{t}-{r}.png";
                        Directory.CreateDirectory(Path.Combine(folder, "out"));
                        ImageFile.WritePng(Blend(Pattern(size, t), Degrade(Pattern(size, t), 0.5), r / (double)restorers), Path.Combine(folder, file));
                    }

                    b.Output(id, rs[r], file, 1 + 10 * r + random.NextInt(100) / 10.0);
                    for (var m = 0; m < metrics; m++)
                    {
                        b.Score(id, rs[r], metricNames[m], 10 + r - 0.3 * t + random.NextInt(1000) / 500.0);
                    }
                }
            }
        }

        return path;
    }

    /// <summary>A small deterministic per-(restorer, image, metric) offset in [−0.005, 0.005], so paired differences vary between images.</summary>
    public static double Jitter(string restorer, int image, int metric)
    {
        var h = 0;
        foreach (var c in restorer)
        {
            h = (h * 31 + c) % 1009;
        }

        return ((h * (image + 3) + 7 * metric * (image + 1)) % 11 - 5) / 1000.0;
    }

    /// <summary>A file-name-safe form of a restorer name (letters and digits kept, anything else '_').</summary>
    public static string SafeName(string name) => string.Concat(name.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_'));

    /// <summary>A smooth colour pattern with some texture, different per <paramref name="variant"/>.</summary>
    public static ImageTensor Pattern(int size, int variant)
    {
        var image = new ImageTensor(3, size, size);
        for (var c = 0; c < 3; c++)
        {
            var p = image.Plane(c);
            for (var y = 0; y < size; y++)
            {
                for (var x = 0; x < size; x++)
                {
                    p[y * size + x] = 0.5 + 0.35 * Math.Sin(0.4 * x + 0.23 * y + variant + 2 * c) * Math.Cos(0.11 * x * (variant + 1) - 0.3 * y);
                }
            }
        }

        return image;
    }

    /// <summary>A box-blurred copy mixed with the original by <paramref name="level"/> (a stand-in for a degradation).</summary>
    public static ImageTensor Degrade(ImageTensor gt, double level)
    {
        var result = gt.Clone();
        int h = gt.Height, w = gt.Width;
        for (var c = 0; c < gt.Channels; c++)
        {
            var src = gt.ReadPlane(c);
            var dst = result.Plane(c);
            for (var y = 0; y < h; y++)
            {
                for (var x = 0; x < w; x++)
                {
                    double sum = 0;
                    var n = 0;
                    for (var dy = -2; dy <= 2; dy++)
                    {
                        for (var dx = -2; dx <= 2; dx++)
                        {
                            int yy = Math.Clamp(y + dy, 0, h - 1), xx = Math.Clamp(x + dx, 0, w - 1);
                            sum += src[yy * w + xx];
                            n++;
                        }
                    }

                    dst[y * w + x] = (1 - level) * src[y * w + x] + level * sum / n;
                }
            }
        }

        return result;
    }

    /// <summary>(1 − q)·lq + q·gt plus a restorer-specific ripple in the image centre, so restorers disagree there.</summary>
    public static ImageTensor Blend(ImageTensor gt, ImageTensor lq, double q)
    {
        var result = gt.Clone();
        int h = gt.Height, w = gt.Width;
        for (var c = 0; c < gt.Channels; c++)
        {
            var g = gt.ReadPlane(c);
            var l = lq.ReadPlane(c);
            var dst = result.Plane(c);
            for (var i = 0; i < dst.Length; i++)
            {
                int y = i / w, x = i % w;
                var centre = Math.Abs(y - h / 2) < h / 5 && Math.Abs(x - w / 2) < w / 5 ? 0.25 * Math.Sin(x * (1 + 3 * q)) * (1 - q) : 0;
                dst[i] = Math.Clamp((1 - q) * l[i] + q * g[i] + centre, 0, 1);
            }
        }

        return result;
    }
}
