using RestoreBench.Degradations.Pipeline;
using RestoreBench.Degradations.Sampling;

namespace RestoreBench.Degradations.Tests.Sampling;

public class DegradationSamplerTests
{
    [Fact]
    public void Same_seed_and_image_give_the_same_spec_and_alpha_is_exact()
    {
        var sampler = DegradationSampler.RealEsrgan(4);
        var seen = new HashSet<string>();
        for (var i = 0; i < 50; i++)
        {
            var a = sampler.Sample(7, $"img{i}");
            Assert.Equal(a, sampler.Sample(7, $"img{i}"));
            Assert.Equal(4.0, a.Alpha, 9);
            Assert.Equal(a, DegradationSpec.Parse(a.ToString()));
            seen.Add(a.ToString());
        }

        Assert.True(seen.Count > 45);
        var lq = sampler.Sample(7, "img0").Apply(Pipeline.DegradationSpecTests.Gradient(3, 70, 50), 7, "img0");
        Assert.Equal((18, 13), (lq.Height, lq.Width));
        Assert.NotEqual(sampler.Sample(7, "img0"), sampler.Sample(8, "img0"));
    }

    [Fact]
    public void Drawn_parameters_stay_within_the_ranges()
    {
        var sampler = DegradationSampler.SinglePass(2);
        for (var i = 0; i < 200; i++)
        {
            foreach (var stage in sampler.Sample(1, $"x{i}").Stages)
            {
                switch (stage)
                {
                    case GaussianBlurStage b:
                        Assert.InRange(b.SigmaX, 0.2, 3.0);
                        Assert.InRange(b.SigmaY, 0.2, 3.0);
                        break;
                    case GaussianNoiseStage n:
                        Assert.InRange(n.Sigma, 1, 30);
                        break;
                    case PoissonNoiseStage p:
                        Assert.InRange(p.Scale, 0.05, 3);
                        break;
                    case JpegStage j:
                        Assert.InRange(j.Quality, 30, 95);
                        break;
                    case DownsampleStage d:
                        Assert.Equal(2.0, d.Factor);
                        break;
                    default:
                        Assert.Fail("unexpected stage " + stage);
                        break;
                }
            }
        }
    }
}
