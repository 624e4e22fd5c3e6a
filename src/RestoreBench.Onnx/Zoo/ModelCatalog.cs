using RestoreBench.Core.Text;

namespace RestoreBench.Onnx.Zoo;

/// <summary>
/// The pretrained networks RestoreBench can obtain: the UpscalerJS ESRGAN packages (1.0.0: idealo RDN
/// "slim"/"medium" and RRDN "thick" networks at ×2, ×3, ×4, ×8) and the idealo/DIV2K networks of
/// <c>@upscalerjs/models</c> 0.9.0, and the MAXIM restoration networks of <c>@upscalerjs/maxim-*</c> 0.1.0
/// (TensorFlow.js graph models: deblurring, denoising, deraining, dehazing, enhancement, retouching). Every entry pins the package version and tarball hash. Registered
/// explicitly here, in one place.
/// </summary>
public static class ModelCatalog
{
    /// <summary>Task name of the super-resolution entries.</summary>
    public const string SuperResolution = "super-resolution";

    /// <summary>Task name of the MAXIM deblurring entry.</summary>
    public const string Deblurring = "deblurring";

    /// <summary>Task name of the MAXIM denoising entry.</summary>
    public const string Denoising = "denoising";

    /// <summary>Task name of the MAXIM deraining entry.</summary>
    public const string Deraining = "deraining";

    /// <summary>Task name of the MAXIM dehazing entries.</summary>
    public const string Dehazing = "dehazing";

    /// <summary>Task name of the MAXIM low-light enhancement entry.</summary>
    public const string Enhancement = "low-light";

    /// <summary>Task name of the MAXIM retouching entry.</summary>
    public const string Retouching = "retouching";

    /// <summary>Side multiple that MAXIM inputs need (the package's <c>divisibilityFactor</c>).</summary>
    public const int MaximSideMultiple = 64;

    private const string TfjsLayers = "tfjs-layers";
    private const string TfjsGraph = "tfjs-graph";

    private static readonly NpmPackage Slim = new("@upscalerjs/esrgan-slim", "1.0.0",
        "sha512-DXtwn5SE71+pZKluN/hGeLaZv6ZylyFQYSvMqU08kKCEA5Y9Q1cIIk4EvPTPZw8VqGi2C6F02c8OjhtId4BK2w==");

    private static readonly NpmPackage Medium = new("@upscalerjs/esrgan-medium", "1.0.0",
        "sha512-Z8JnR87sgetPABKevasXST3FdnXhaoTu9zpXnu3KLaHYpYStVt0FD1VZS9c6jhSGMBC0H929gN9RbWl+MeisKA==");

    private static readonly NpmPackage Thick = new("@upscalerjs/esrgan-thick", "1.0.0",
        "sha512-Xt7LAEa1WYVdU8teye1A2J3T2ylb3ihlU/x01x1ieM7zZh5FzTll6fwmeUC82mkztWloGZM65KdSEWOmhlXOdw==");

    private static readonly NpmPackage Models = new("@upscalerjs/models", "0.9.0",
        "sha512-R71fAmtSGWJ/BboVj1XADfT946SV+H0Ex5QMttK0cX2wfFGSRDqYR5uOkMZRtcnl3z4xvigNOwSX1a8BnCR8DA==");

    private const string MitKevinScott = "MIT (LICENSE in the package, © 2022 Kevin Scott)";
    private const string MitKevinScott2023 = "MIT (LICENSE in the package, © 2023 Kevin Scott); weights from Google Research's MAXIM release (code Apache-2.0)";
    private const string MaximRangeEvidence = "package definition (inputRange [0,1], outputRange [0,1]); output not clipped by the network";
    private const string MaximDeblurEvidence = "package definition (inputRange [0,1], outputRange [0,1]); the conversion matches TensorFlow.js's own output on ../shared/reference/maxim within 1e-5";
    private const string Maxim3S = "MAXIM-3S (3-stage multi-axis gated MLP UNet, jax2tf export), TF.js graph model; sides must be multiples of 64";
    private const string Maxim2S = "MAXIM-2S (2-stage multi-axis gated MLP UNet, jax2tf export), TF.js graph model; sides must be multiples of 64";
    private const string MitPackageJson = "MIT (package.json; the package ships no LICENSE file)";
    private const string Div2kMeta = "DIV2K (package metadata: dataset 'div2k'; weight file names say patch size 128/129, compress100, sharpen0)";
    private const string Div2kConfig = "DIV2K (config.json of the model)";
    private const string IdealoUnstated = "not stated (config.json: \"pretrained model provided by the repo's author\", idealo/image-super-resolution)";
    private const string FixtureEvidence = "package fixture: reproduced within 1 grey level in this range, off by 5-44 grey levels in the other";
    private const string ProbeEvidence = "no fixture in the package; 0-1 gives the highest PSNR against bicubic-downscaled samples (astronaut, coffee, chelsea) among 0-1, 0-255, -1-1";

    private static readonly CatalogModel[] Entries =
    [
        Esrgan("slim", Slim, 2, 222_075, "RDN (C=1, D=2, G=4, G0=64, T=10), nearest upsampling", ValueRange.Byte),
        Esrgan("slim", Slim, 3, 226_815, "RDN (C=1, D=2, G=4, G0=64, T=10), nearest upsampling", ValueRange.Byte),
        Esrgan("slim", Slim, 4, 233_451, "RDN (C=1, D=2, G=4, G0=64, T=10), nearest upsampling", ValueRange.Byte),
        Esrgan("slim", Slim, 8, 278_955, "RDN (C=1, D=2, G=4, G0=64, T=10), nearest upsampling", ValueRange.Byte),
        Esrgan("medium", Medium, 2, 693_235, "RDN (C=1, D=10, G=64, G0=64, T=10), nearest upsampling", ValueRange.Byte),
        Esrgan("medium", Medium, 3, 697_975, "RDN (C=1, D=10, G=64, G0=64, T=10), nearest upsampling", ValueRange.Byte),
        Esrgan("medium", Medium, 4, 704_611, "RDN (C=1, D=10, G=64, G0=64, T=10), nearest upsampling", ValueRange.Byte),
        Esrgan("medium", Medium, 8, 750_115, "RDN (C=1, D=10, G=64, G0=64, T=10), nearest upsampling", ValueRange.Byte),
        Esrgan("thick", Thick, 2, 7_239_968, "RRDN (C=4, D=3, G=32, G0=64, T=10), pixel shuffle", ValueRange.Unit),
        Esrgan("thick", Thick, 3, 7_248_623, "RRDN (C=4, D=3, G=32, G0=64, T=10), pixel shuffle", ValueRange.Unit),
        Esrgan("thick", Thick, 4, 7_260_740, "RRDN (C=4, D=3, G=32, G0=64, T=10), pixel shuffle", ValueRange.Unit),
        Esrgan("thick", Thick, 8, 7_343_828, "RRDN (C=4, D=3, G=32, G0=64, T=10), pixel shuffle", ValueRange.Unit),
        Legacy("div2k-rdn-x2", 2, "models/div2k/005-2x", 2_619_635, "RDN (C=3, D=10, G=64, G0=64), uint8-quantized weights", Div2kConfig),
        Legacy("div2k-rdn-x3", 3, "models/div2k/019-3x", 2_624_375, "RDN (C=3, D=10, G=64, G0=64), uint8-quantized weights", Div2kConfig),
        Legacy("div2k-rdn-x4", 4, "models/div2k/017-4x", 2_631_011, "RDN (C=3, D=10, G=64, G0=64), uint8-quantized weights", Div2kConfig),
        Legacy("idealo-rdn-psnr-small-x2", 2, "models/idealo/psnr-small-quant-uint8", 2_619_635, "RDN (C=3, D=10, G=64, G0=64, T=10), idealo 'psnr-small' weights, uint8-quantized", IdealoUnstated),
        Legacy("idealo-rrdn-gans-x4", 4, "models/idealo/gans", 4_176_100, "RRDN (C=4, D=3, G=32, G0=32, T=10), idealo 'gans' weights (GAN-trained), uint8-quantized", IdealoUnstated),
        Maxim("deblurring", Deblurring, 22_211_191, Maxim3S, "GoPro (package metadata: dataset 'GoPro')",
            "sha512-tq9AP/6E3vVAkPcYDlSNop1lax0KT6wcxZQ5z01OcD/CVbQOPrNJLZOWv56lDncOQ+eXlJzgNqL+/h8Oogi9mw==", MaximDeblurEvidence),
        Maxim("denoising", Denoising, 22_211_191, Maxim3S, "SIDD (package metadata: dataset 'SIDD')",
            "sha512-5dPkqYC1b9C8O+7trTjnB/mXf/N7jxI69B2tT97sqPclYQ5cWThAifn7KHXyzyyLeUfuM4lxqbPS/qMMr6p0eA=="),
        Maxim("deraining", Deraining, 14_173_315, Maxim2S, "Rain13k (package metadata: dataset 'Rain13k')",
            "sha512-+nCU/d+8elGa7Vpr6Cer5ILA0lZHNvHcIxuTQCtjjFZIm6d9OiQJqkrQ8QZVh4+83nQNsfjolP7SVADMYUbz9g=="),
        Maxim("dehazing-indoor", Dehazing, 14_173_315, Maxim2S, "RESIDE indoor (package metadata: dataset 'RESIDE-Indoor')",
            "sha512-bNLPXbZ80Kv5MBnbrx2bRiP8W4MkXUsvVWwKtO46o4sAxxMJX3obUrH6YKzeMkwhwIt5CZmilNqrurKcq3wLDA=="),
        Maxim("dehazing-outdoor", Dehazing, 14_173_315, Maxim2S, "RESIDE outdoor (package metadata: dataset 'RESIDE-Outdoor')",
            "sha512-vOPYJU2vqe3gdBDgwfCu1rO6bpBILrXy6e6uFuC0WdcOOvjyWCIT75m5yZXW+egtC9Z9MSBu9s8+sHCFj0fZnA=="),
        Maxim("enhancement", Enhancement, 14_173_315, Maxim2S, "LOL (package metadata: dataset 'LOL')",
            "sha512-z36ih4TfMMnX/CaMkXYxpAg8Z3IOtYJMX3Z5zdE5dUe392JTAoa3k4AIHEZmHJ/7SY/4NPTA7+go1Soz4q5cQA=="),
        Maxim("retouching", Retouching, 14_173_315, Maxim2S, "MIT-Adobe FiveK (package metadata: dataset 'FiveK')",
            "sha512-fQP2VDHnytEhJBCEVdnDsmKnzy0kvBwUYOeFk8eBSEvgaZZ3tm+1mMW+nmLCJAEPRt4PwblnvcKNH41SmZO1+Q=="),
    ];

    /// <summary>All entries, in catalog order.</summary>
    public static IReadOnlyList<CatalogModel> All => Entries;

    /// <summary>All names, in catalog order.</summary>
    public static IReadOnlyList<string> Names { get; } = Array.ConvertAll(Entries, e => e.Name);

    /// <summary>The entry named <paramref name="name"/> (case-insensitive), or null.</summary>
    public static CatalogModel? Find(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        foreach (var entry in Entries)
        {
            if (string.Equals(entry.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return entry;
            }
        }

        return null;
    }

    /// <summary>The entry named <paramref name="name"/>.</summary>
    /// <exception cref="UnknownModelException">No such entry; the message suggests the closest name.</exception>
    public static CatalogModel Get(string name) =>
        Find(name) ?? throw new UnknownModelException(name, NameSuggestion.Closest(name, Names), Names);

    private static CatalogModel Esrgan(string size, NpmPackage package, int scale, long parameters, string architecture, ValueRange range)
    {
        var hasResult = scale != 8 || size == "thick";
        return new CatalogModel($"esrgan-{size}-x{scale}", SuperResolution, scale, package, $"models/x{scale}", TfjsLayers, range, range,
            architecture, parameters, MitKevinScott, Div2kMeta,
            hasResult ? "assets/fixture.png" : null, hasResult ? $"assets/samples/{scale}x/result.png" : null,
            hasResult ? FixtureEvidence : "package definition (inputRange/outputRange of the esrgan model family); no x8 result ships in this package");
    }

    /// <summary>A MAXIM package <c>@upscalerjs/maxim-KIND@0.1.0</c>: TF.js graph model in <c>models/</c>, scale 1, input and output [0, 1].</summary>
    private static CatalogModel Maxim(string kind, string task, long parameters, string architecture, string trainingData, string integrity, string evidence = MaximRangeEvidence) =>
        new($"maxim-{kind}", task, 1, new NpmPackage($"@upscalerjs/maxim-{kind}", "0.1.0", integrity), "models", TfjsGraph, ValueRange.Unit, ValueRange.Unit,
            architecture, parameters, MitKevinScott2023, trainingData, null, null, evidence);

    private static CatalogModel Legacy(string name, int scale, string path, long parameters, string architecture, string trainingData) =>
        new(name, SuperResolution, scale, Models, path, TfjsLayers, ValueRange.Unit, ValueRange.Unit, architecture, parameters, MitPackageJson,
            trainingData, null, null, ProbeEvidence);
}
