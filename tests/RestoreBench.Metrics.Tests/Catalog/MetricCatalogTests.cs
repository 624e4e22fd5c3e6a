using RestoreBench.Core.Imaging;
using RestoreBench.Metrics.Catalog;
using RestoreBench.Metrics.FullReference;

namespace RestoreBench.Metrics.Tests.Catalog;

public class MetricCatalogTests
{
    [Fact]
    public void Default_catalog_holds_the_distortion_metrics()
    {
        var names = MetricCatalog.Default.Names;
        foreach (var name in new[] { "psnr", "psnr_y", "ssim", "ssim_y", "ms_ssim" })
        {
            Assert.Contains(name, names);
            var descriptor = MetricCatalog.Default.Describe(name);
            Assert.Equal(name, descriptor.Name);
            Assert.Equal(MetricKind.FullReference, descriptor.Kind);
            Assert.Equal(MetricDirection.HigherIsBetter, descriptor.Direction);
            Assert.False(string.IsNullOrWhiteSpace(descriptor.Reference));
            Assert.Equal(name, MetricCatalog.Default.CreateFullReference(name).Descriptor.Name);
        }

        Assert.Equal("dB", MetricCatalog.Default.Describe("psnr").Unit);
        Assert.Equal(double.PositiveInfinity, MetricCatalog.Default.Describe("psnr_y").Maximum);
    }

    [Fact]
    public void Unknown_name_suggests_the_closest_and_lists_the_known_names()
    {
        var e = Assert.Throws<UnknownMetricException>(() => MetricCatalog.Default.Create("ssmi"));
        Assert.Equal("ssim", e.Suggestion);
        Assert.StartsWith("unknown metric 'ssmi'; did you mean 'ssim'? Known: ", e.Message, StringComparison.Ordinal);
        Assert.Contains("brisque, lpips, lr_psnr, lr_ssim, ms_ssim, ms_ssim_rgb, niqe, psnr, psnr_y, ssim, ssim_y", e.Message, StringComparison.Ordinal);

        var far = Assert.Throws<UnknownMetricException>(() => MetricCatalog.Default.Describe("dinov2_distance"));
        Assert.Null(far.Suggestion);
        Assert.DoesNotContain("did you mean", far.Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<ArgumentException>(far);
    }

    [Fact]
    public void Options_reach_the_metric()
    {
        var metric = MetricCatalog.Default.CreateFullReference("ssim_y", new MetricOptions { CropBorder = 4, DegreeOfParallelism = 1 });
        Assert.Equal("4", metric.Settings["crop_border"]);
        var ssim = Assert.IsType<Ssim>(metric);
        Assert.Equal(MetricChannels.Y, ssim.Channels);
        Assert.Equal("0", MetricCatalog.Default.CreateFullReference("psnr").Settings["crop_border"]);
    }

    [Fact]
    public void Default_is_read_only_and_CreateDefault_is_extensible()
    {
        var descriptor = new MetricDescriptor("align_test", MetricKind.Alignment, MetricDirection.HigherIsBetter,
            "[0, +inf) dB", 0, double.PositiveInfinity, "dB", "test", "test");
        Assert.Throws<InvalidOperationException>(() => MetricCatalog.Default.Register(descriptor, _ => new object()));

        var catalog = MetricCatalog.CreateDefault();
        var made = new object();
        catalog.Register(descriptor, o => (made, o.CropBorder));
        Assert.Contains("align_test", catalog.Names);
        Assert.Equal((made, 2), catalog.Create("align_test", new MetricOptions { CropBorder = 2 }));
        Assert.DoesNotContain("align_test", MetricCatalog.Default.Names);
        var e = Assert.Throws<ArgumentException>(() => catalog.CreateFullReference("align_test"));
        Assert.Contains("Alignment", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Registration_rejects_duplicates_bad_names_and_wrong_products()
    {
        var catalog = new MetricCatalog();
        catalog.Register(Psnr.RgbDescriptor, _ => new Psnr());
        Assert.Throws<ArgumentException>(() => catalog.Register(Psnr.RgbDescriptor, _ => new Psnr()));
        Assert.Throws<ArgumentException>(() => catalog.Register(Psnr.RgbDescriptor with { Name = "PSNR-Y" }, _ => new Psnr()));

        catalog.Register(Ssim.RgbDescriptor, _ => new Psnr());
        Assert.Throws<InvalidOperationException>(() => catalog.Create("ssim"));
        catalog.Register(Psnr.YDescriptor with { Name = "niqe", Kind = MetricKind.NoReference }, _ => new Psnr());
        Assert.Throws<InvalidOperationException>(() => catalog.Create("niqe"));
        Assert.Throws<ArgumentException>(() => catalog.CreateNoReference("psnr"));
    }

    [Fact]
    public void No_reference_metrics_can_be_registered()
    {
        var catalog = MetricCatalog.CreateDefault();
        catalog.Register(MeanLevel.Descriptor, _ => new MeanLevel());
        var metric = catalog.CreateNoReference("mean_level");
        var image = new ImageTensor(1, 2, 2);
        image.Data.Fill(0.5);
        Assert.Equal(0.5, metric.Compute(image));
    }

    private sealed class MeanLevel : INoReferenceMetric
    {
        public static MetricDescriptor Descriptor { get; } = new("mean_level", MetricKind.NoReference, MetricDirection.HigherIsBetter,
            "[0, 1]", 0, 1, "", "test", "mean sample");

        MetricDescriptor INoReferenceMetric.Descriptor => Descriptor;

        public IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>();

        public double Compute(ImageTensor image)
        {
            var sum = 0.0;
            foreach (var v in image.Data)
            {
                sum += v;
            }

            return sum / image.Data.Length;
        }
    }
}
