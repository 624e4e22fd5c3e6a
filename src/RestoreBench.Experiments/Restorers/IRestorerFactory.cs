using System.Globalization;
using RestoreBench.Experiments.Spec;
using RestoreBench.Restorers;
using RestoreBench.Restorers.Classical;
using RestoreBench.Restorers.Folder;

namespace RestoreBench.Experiments.Restorers;

/// <summary>
/// Creates restorers from spec entries: the single place where the runner turns a spec entry into an
/// <see cref="IRestorer"/>. The CLI supplies one backed by its <c>RestorerResolver</c> (catalog models
/// pulled on first use, ONNX files, external commands, folders); a CLDM implementation plugs in here.
/// </summary>
public interface IRestorerFactory
{
    /// <summary>Creates the restorer for one resolved setting. The runner keeps and disposes it.</summary>
    /// <param name="restorer">The run's restorer (entry + knob setting).</param>
    /// <param name="resolvedSpec">For classical entries, the spec with <c>{scale}</c>/<c>{sigma}</c> filled from the task; else null.</param>
    /// <param name="folderPath">For folder entries, the path with <c>{task}</c> filled; else null.</param>
    /// <param name="threads">Threads the restorer may use (0 = all cores).</param>
    /// <exception cref="RestorerUnavailableException">It cannot be created (missing model, no network, not wired): the restorer is skipped with the message.</exception>
    IRestorer Create(ExpandedRestorer restorer, string? resolvedSpec, string? folderPath, int threads);
}

/// <summary>A restorer cannot be created here; the run skips it and records the one-line message as a warning.</summary>
public sealed class RestorerUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// The factory that needs nothing outside this library: classical methods and precomputed folders.
/// CLDM entries report that they need RestoreBench.Diffusion (the CLI's factory creates them); catalog / ONNX / external entries
/// need the CLI's factory.
/// </summary>
public class BuiltinRestorerFactory : IRestorerFactory
{
    /// <summary>The message for CLDM entries in a factory without RestoreBench.Diffusion.</summary>
    public const string CldmNotWired = "CLDM restorers need RestoreBench.Diffusion (use the restorebench command's factory)";

    /// <inheritdoc />
    public virtual IRestorer Create(ExpandedRestorer restorer, string? resolvedSpec, string? folderPath, int threads)
    {
        ArgumentNullException.ThrowIfNull(restorer);
        switch (restorer.Entry.Type)
        {
            case "classical":
                try
                {
                    return ClassicalRestorers.Create(resolvedSpec!, threads);
                }
                catch (FormatException e)
                {
                    throw new RestorerUnavailableException($"{restorer.Name}: {e.Message}", e);
                }

            case "folder":
                var scale = int.Parse(restorer.Entry.Get("scale") ?? "1", CultureInfo.InvariantCulture);
                try
                {
                    return new FolderRestorer(folderPath!, scale);
                }
                catch (Exception e) when (e is IOException or ArgumentException or Core.Imaging.ImageFileException)
                {
                    throw new RestorerUnavailableException($"{restorer.Name}: {e.Message}", e);
                }

            case "cldm":
                throw new RestorerUnavailableException($"{restorer.Name}: {CldmNotWired}");
            default:
                throw new RestorerUnavailableException($"{restorer.Name}: type {restorer.Entry.Type} needs the restorebench command's restorer factory");
        }
    }
}

/// <summary>Fills the task placeholders of classical specs and folder paths.</summary>
public static class RestorerTemplates
{
    /// <summary>
    /// The classical spec for <paramref name="task"/>: <c>{scale}</c> → α as an integer, <c>{sigma}</c> →
    /// σ of the task's isotropic Gaussian blur. Null when the task lacks what the template needs
    /// (the restorer does not apply to it).
    /// </summary>
    public static string? Classical(string template, ExpandedTask task)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(task);
        var text = template;
        if (text.Contains("{scale}", StringComparison.Ordinal))
        {
            if (task.IntegerScale is not { } s)
            {
                return null;
            }

            text = text.Replace("{scale}", s.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
        }

        if (text.Contains("{sigma}", StringComparison.Ordinal))
        {
            if (task.BlurSigma is not { } sigma)
            {
                return null;
            }

            text = text.Replace("{sigma}", TaskExpansion.Format(sigma), StringComparison.Ordinal);
        }

        return text;
    }

    /// <summary>A folder path with <c>{task}</c> and <c>{group}</c> filled.</summary>
    public static string Folder(string template, ExpandedTask task) =>
        template.Replace("{task}", task.Name, StringComparison.Ordinal).Replace("{group}", task.Group, StringComparison.Ordinal);
}
