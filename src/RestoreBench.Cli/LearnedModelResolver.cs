using RestoreBench.Core.Text;
using RestoreBench.Onnx.Zoo;

namespace RestoreBench.Cli;

/// <summary>
/// Turns <c>--lpips NAME|FILE.onnx</c> (and later other learned-metric model options) into an ONNX
/// file path: a path is used as given, a name is looked up in the model store among models of the
/// expected kind. Failures are <see cref="UsageException"/>s with a one-line message.
/// </summary>
internal static class LearnedModelResolver
{
    public static string Resolve(string option, string text, string kind, ModelStore? store = null)
    {
        var value = text.Trim();
        if (value.Length == 0)
        {
            throw new UsageException($"{option} is empty");
        }

        var looksLikePath = value.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase)
            || value.Contains('/', StringComparison.Ordinal) || value.Contains('\\', StringComparison.Ordinal);
        if (File.Exists(value) || looksLikePath)
        {
            return File.Exists(value)
                ? Path.GetFullPath(value)
                : throw new UsageException($"{option} {value}: file not found");
        }

        store ??= new ModelStore();
        var installed = store.Installed();
        var ofKind = new List<string>();
        foreach (var m in installed)
        {
            if (m.Manifest.Kind == kind)
            {
                ofKind.Add(m.Name);
            }
        }

        var found = store.Find(value);
        if (found is null)
        {
            var listed = ofKind.Count == 0 ? "none imported yet" : string.Join(", ", ofKind);
            throw new UsageException(
                $"{option}: unknown {kind} model '{value}'{NameSuggestion.Hint(value, ofKind)} ({kind} models in {store.Root}: {listed}); " +
                $"pass FILE.onnx or import one with 'restorebench models import-onnx FILE.onnx --kind {kind} --name NAME'");
        }

        if (found.Manifest.Kind != kind)
        {
            throw new UsageException($"{option}: model '{found.Name}' is a {found.Manifest.Kind} model, not a {kind} model{NameSuggestion.Hint(value, ofKind)}");
        }

        return found.OnnxPath;
    }
}
