using RestoreBench.Core.Imaging;
using RestoreBench.Degradations.Resize;

namespace RestoreBench.Benchmarks;

/// <summary>
/// The deterministic test images of the benchmarks, at the DIV2K size (2040x1356 RGB).
/// <list type="bullet">
/// <item><see cref="Reference"/>: <c>samples/coffee.png</c> (600x400, 8-bit) tiled with mirrored copies
/// (the MATLAB <c>padarray(…, 'symmetric')</c> / numpy <c>np.pad(…, mode='symmetric')</c> index map)
/// until it covers 2040x1356. Native-resolution photo content, no seams, 8-bit values.</item>
/// <item><see cref="Restored"/>: the SR4 round trip of the reference, MATLAB bicubic ×1/4 then ×4,
/// quantised to 8 bits (half away from zero), i.e. what a bicubic ×4 "restorer" returns.</item>
/// </list>
/// <c>--write-images DIR</c> writes both as PNG so that benchmarks/reference/skimage_bench.py times
/// exactly the same pixels.
/// </summary>
public static class BenchmarkImages
{
    /// <summary>Width of a DIV2K validation image in pixels.</summary>
    public const int Width = 2040;

    /// <summary>Height of a DIV2K validation image in pixels.</summary>
    public const int Height = 1356;

    /// <summary>The photo the images are built from, relative to the repository root.</summary>
    public const string SourcePhoto = "samples/coffee.png";

    private static readonly Lazy<ImageTensor> LazyReference = new(BuildReference);
    private static readonly Lazy<ImageTensor> LazyRestored = new(() => BuildRestored(LazyReference.Value));

    /// <summary>The ground truth, 3x1356x2040, samples k/255.</summary>
    public static ImageTensor Reference => LazyReference.Value;

    /// <summary>The bicubic SR4 round trip of <see cref="Reference"/>, 3x1356x2040, samples k/255.</summary>
    public static ImageTensor Restored => LazyRestored.Value;

    /// <summary>Writes <c>reference.png</c> and <c>restored.png</c> (8-bit, exact) into <paramref name="folder"/>.</summary>
    public static void Write(string folder)
    {
        Directory.CreateDirectory(folder);
        ImageFile.WritePng(Reference, Path.Combine(folder, "reference.png"));
        ImageFile.WritePng(Restored, Path.Combine(folder, "restored.png"));
    }

    /// <summary>The folder holding <c>RestoreBench.slnx</c>, searched upwards from the working directory, then from the program's folder.</summary>
    /// <exception cref="DirectoryNotFoundException">Neither start lies inside the repository.</exception>
    public static string RepositoryRoot()
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "RestoreBench.slnx")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new DirectoryNotFoundException(
            $"RestoreBench.slnx not found above '{Environment.CurrentDirectory}' or '{AppContext.BaseDirectory}'; run the benchmarks from inside the repository.");
    }

    /// <summary>Mirror-tiles <paramref name="source"/> to <paramref name="height"/> x <paramref name="width"/>.</summary>
    public static ImageTensor MirrorTile(ImageTensor source, int height, int width)
    {
        var result = new ImageTensor(source.Channels, height, width);
        for (var c = 0; c < source.Channels; c++)
        {
            var src = source.ReadPlane(c);
            var dst = result.Plane(c);
            for (var y = 0; y < height; y++)
            {
                var sy = Mirror(y, source.Height);
                for (var x = 0; x < width; x++)
                {
                    dst[y * width + x] = src[sy * source.Width + Mirror(x, source.Width)];
                }
            }
        }

        return result;
    }

    /// <summary>Symmetric index map: 0 … n−1, n−1 … 0, 0 … (period 2n).</summary>
    private static int Mirror(int index, int length)
    {
        var m = index % (2 * length);
        return m < length ? m : 2 * length - 1 - m;
    }

    private static ImageTensor BuildReference()
    {
        var path = Path.Combine(RepositoryRoot(), SourcePhoto);
        var photo = ImageFile.Read(path).Image;
        if (!photo.IsRgb || photo.Height > Height || photo.Width > Width)
        {
            throw new InvalidOperationException($"{path} must be an RGB image no larger than {Width}x{Height}; it is {photo.ShapeText}.");
        }

        return MirrorTile(photo, Height, Width);
    }

    private static ImageTensor BuildRestored(ImageTensor reference)
    {
        var low = Resizer.Resize(reference, 0.25);
        var up = Resizer.ResizeTo(low, reference.Height, reference.Width);
        return Quantization.ToBitDepth(up, 8);
    }
}
