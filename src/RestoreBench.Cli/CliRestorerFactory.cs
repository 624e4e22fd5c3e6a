using System.Globalization;
using RestoreBench.Experiments.Restorers;
using RestoreBench.Experiments.Spec;
using RestoreBench.Onnx.Import;
using RestoreBench.Onnx.Zoo;
using RestoreBench.Restorers;
using RestoreBench.Restorers.Tiling;

namespace RestoreBench.Cli;

/// <summary>
/// The experiment runner's restorer factory for the command line: every spec entry is turned into a
/// <see cref="RestorerRequest"/> and resolved by <see cref="RestorerResolver"/> (the same code as
/// <c>restore --model</c>). Catalog models that are not cached are pulled first (npm); when that is
/// impossible the restorer is skipped with a notice. CLDM entries become <see cref="CldmSpecRestorer"/>s.
/// </summary>
internal sealed class CliRestorerFactory(Action<string>? log = null) : BuiltinRestorerFactory
{
    public override IRestorer Create(ExpandedRestorer restorer, string? resolvedSpec, string? folderPath, int threads)
    {
        var e = restorer.Entry;
        var tiling = e.Get("tile") is { } tile
            ? new TileOptions(int.Parse(tile, CultureInfo.InvariantCulture), int.Parse(e.Get("tile_overlap") ?? "16", CultureInfo.InvariantCulture))
            : TileOptions.WholeImage;
        int? scale = e.Get("scale") is { } s ? int.Parse(s, CultureInfo.InvariantCulture) : null;
        RestorerRequest request;
        switch (e.Type)
        {
            case "classical":
                request = new RestorerRequest { Model = "classical:" + resolvedSpec, Threads = threads, Tiling = tiling };
                break;
            case "catalog":
                var name = e.Get("model")!;
                EnsurePulled(restorer.Name, name);
                request = new RestorerRequest { Model = name, Threads = threads, Tiling = tiling, Device = e.Get("device") ?? "cpu" };
                break;
            case "onnx":
                request = new RestorerRequest
                {
                    Model = e.Get("file")!, Threads = threads, Tiling = tiling, Device = e.Get("device") ?? "cpu", Scale = scale,
                    InputRange = e.Get("input_range"), OutputRange = e.Get("output_range"),
                    PadMultiple = int.Parse(e.Get("pad_multiple") ?? "1", CultureInfo.InvariantCulture),
                };
                break;
            case "external":
                request = new RestorerRequest
                {
                    Model = "external:" + e.Get("command"), Scale = scale ?? 1,
                    Timeout = e.Get("timeout_s") is { } t ? TimeSpan.FromSeconds(double.Parse(t, CultureInfo.InvariantCulture)) : null,
                };
                break;
            case "folder":
                request = new RestorerRequest { Model = "folder:" + folderPath, Scale = scale ?? 1 };
                break;
            case "cldm":
                return CldmSpecRestorer.Create(restorer, threads);
            default:
                return base.Create(restorer, resolvedSpec, folderPath, threads);
        }

        try
        {
            return RestorerResolver.Resolve(request);
        }
        catch (UsageException u)
        {
            throw new RestorerUnavailableException(u.Message.Replace("--model ", "", StringComparison.Ordinal), u);
        }
    }

    private void EnsurePulled(string restorer, string name)
    {
        var store = new ModelStore();
        if (store.Find(name) is not null || ModelCatalog.Find(name) is not { } entry)
        {
            return; // cached, or not a catalog name (the resolver reports it)
        }

        log?.Invoke($"{restorer}: pulling catalog model {entry.Name} (first use)");
        try
        {
            store.PullAsync(entry).GetAwaiter().GetResult();
        }
        catch (Exception x) when (x is NpmUnavailableException or IntegrityMismatchException or UnsafeArchiveException or ModelStoreException
                                      or ModelImportException or IOException or UnauthorizedAccessException)
        {
            throw new RestorerUnavailableException($"catalog model {entry.Name} could not be obtained ({CliRun.OneLine(x)})", x);
        }
    }
}
