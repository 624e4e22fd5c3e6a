using BenchmarkDotNet.Running;
using RestoreBench.Benchmarks;
using RestoreBench.Metrics;
using RestoreBench.Metrics.FullReference;

// `--write-images DIR` writes the benchmark images as PNG for benchmarks/reference/skimage_bench.py,
// prints SSIM/PSNR values to compare with the ones that script prints, and exits.
// Anything else goes to BenchmarkDotNet, e.g. `-- --filter '*'`.
if (args.Length >= 1 && args[0] == "--write-images")
{
    if (args.Length != 2)
    {
        Console.Error.WriteLine("usage: --write-images DIR");
        return 2;
    }

    BenchmarkImages.Write(args[1]);
    Console.WriteLine($"Wrote reference.png and restored.png ({BenchmarkImages.Width}x{BenchmarkImages.Height}) to {Path.GetFullPath(args[1])}");
    var (restored, reference) = (BenchmarkImages.Restored, BenchmarkImages.Reference);
    Console.WriteLine(FormattableString.Invariant(
        $"values: ssim_y {new Ssim(MetricChannels.Y).Compute(restored, reference):F12}  psnr_y {new Psnr(MetricChannels.Y).Compute(restored, reference):F10}  ssim_rgb {new Ssim(MetricChannels.Rgb).Compute(restored, reference):F12}"));
    return 0;
}

// `--write-report-demo DIR` builds the small test store of the report tests in DIR/store and writes its
// HTML and Markdown reports to DIR/html and DIR/md (the real output shown in docs/reports.md).
if (args.Length >= 1 && args[0] == "--write-report-demo")
{
    if (args.Length != 2)
    {
        Console.Error.WriteLine("usage: --write-report-demo DIR");
        return 2;
    }

    var store = RestoreBench.Reports.Tests.TestStores.Small(Path.Combine(args[1], "store"));
    var options = new RestoreBench.Reports.ReportOptions { Pairs = [("esrgan", "bicubic"), ("cldm[steps=50]", "esrgan")] };
    Console.WriteLine(RestoreBench.Reports.ReportWriter.Write(store, Path.Combine(args[1], "html"), options));
    Console.WriteLine(RestoreBench.Reports.ReportWriter.Write(store, Path.Combine(args[1], "md"), options with { Format = RestoreBench.Reports.ReportFormat.Markdown }));
    return 0;
}

BenchmarkSwitcher.FromAssembly(typeof(BenchmarkImages).Assembly).Run(args);
return 0;
