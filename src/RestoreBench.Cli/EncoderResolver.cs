using RestoreBench.Core.Text;
using RestoreBench.Onnx.Zoo;

namespace RestoreBench.Cli;

/// <summary>
/// Resolves <c>--encoder FILE.onnx|NAME</c> (alignment metrics, paper Eq. 13–15) to an ONNX file: an
/// existing file path, or the <c>model.onnx</c> of a model installed in the model store under that
/// name (e.g. one registered with <c>models import-onnx --kind dinov2</c>). The one place where
/// encoder names are resolved.
/// </summary>
internal static class EncoderResolver
{
    public static string Resolve(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new UsageException("--encoder is empty");
        }

        if (File.Exists(text))
        {
            return Path.GetFullPath(text);
        }

        if (text.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase) || text.Contains('/', StringComparison.Ordinal) || text.Contains('\\', StringComparison.Ordinal))
        {
            throw new UsageException($"--encoder {text}: file not found");
        }

        var store = new ModelStore();
        InstalledModel? installed;
        try
        {
            installed = store.Find(text);
        }
        catch (Exception e) when (e is ModelStoreException or IOException)
        {
            throw new UsageException($"--encoder {text}: {CliRun.OneLine(e)}");
        }

        if (installed is not null)
        {
            return installed.OnnxPath;
        }

        var names = new List<string>();
        foreach (var model in store.Installed())
        {
            names.Add(model.Name);
        }

        var suggestion = NameSuggestion.Closest(text, names);
        throw new UsageException($"--encoder {text}: no such file and no installed model of that name in {store.Root}"
            + (suggestion is null ? "" : $"; did you mean '{suggestion}'?")
            + " Pass FILE.onnx (see tools/export/dinov2_to_onnx.py) or import one with 'restorebench models import-onnx FILE --kind dinov2 --name NAME'.");
    }
}
