using System.Globalization;
using RestoreBench.Degradations.Pipeline;

namespace RestoreBench.Experiments.Spec;

/// <summary>
/// One concrete task after sweep expansion: the <c>tasks</c> row of the results store.
/// </summary>
/// <param name="Name">Task name: the spec name, or <c>group[param=value]</c> for a sweep member.</param>
/// <param name="Group">The spec task's name (members of one sweep share it).</param>
/// <param name="Spec">The degradation (Eq. 1), or null for given LQ.</param>
/// <param name="SweepParameter">The swept parameter, or null.</param>
/// <param name="SweepValue">Its value, or null.</param>
/// <param name="Seeds">Seeds this task runs with.</param>
/// <param name="GivenScale">α of a given-LQ task (1 otherwise; a degradation states its own).</param>
public sealed record ExpandedTask(string Name, string Group, DegradationSpec? Spec, string? SweepParameter, double? SweepValue, IReadOnlyList<long> Seeds, int GivenScale)
{
    /// <summary>α: total downsampling factor (Eq. 1/12).</summary>
    public double Alpha => Spec?.Alpha ?? GivenScale;

    /// <summary>α as an integer SR scale, or null when α is not an integer.</summary>
    public int? IntegerScale => Math.Abs(Alpha - Math.Round(Alpha)) < 1e-9 ? (int)Math.Round(Alpha) : null;

    /// <summary>σ of the task's isotropic Gaussian blur stage, or null when it has none.</summary>
    public double? BlurSigma
    {
        get
        {
            if (Spec is null)
            {
                return null;
            }

            foreach (var stage in Spec.Stages)
            {
                if (stage is GaussianBlurStage { IsIsotropic: true } blur)
                {
                    return blur.SigmaX;
                }
            }

            return null;
        }
    }
}

/// <summary>Expands sweeps (<c>{param}</c> placeholders) into concrete tasks, in spec order.</summary>
public static class TaskExpansion
{
    /// <summary>Formats a sweep value for placeholders and names (shortest round-trip text: 0.5, 4, 12).</summary>
    public static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>The concrete tasks of <paramref name="task"/>; <paramref name="defaultSeeds"/> when it has none of its own.</summary>
    /// <exception cref="FormatException">A member's degradation text is invalid.</exception>
    public static IEnumerable<ExpandedTask> Expand(TaskSpec task, IReadOnlyList<long>? defaultSeeds = null)
    {
        ArgumentNullException.ThrowIfNull(task);
        var seeds = task.Seeds ?? defaultSeeds ?? [0];
        if (task.IsGivenLq)
        {
            yield return new ExpandedTask(task.Name, task.Name, null, null, null, seeds, task.GivenScale);
            yield break;
        }

        if (task.Sweep.Count == 0)
        {
            yield return new ExpandedTask(task.Name, task.Name, DegradationSpec.Parse(task.Degradation!), null, null, seeds, 1);
            yield break;
        }

        var (parameter, values) = task.Sweep[0];
        foreach (var value in values)
        {
            var text = task.Degradation!.Replace("{" + parameter + "}", Format(value), StringComparison.Ordinal);
            yield return new ExpandedTask($"{task.Name}[{parameter}={Format(value)}]", task.Name, DegradationSpec.Parse(text), parameter, value, seeds, 1);
        }
    }

    /// <summary>Every concrete task of the spec, in spec order.</summary>
    public static IReadOnlyList<ExpandedTask> ExpandAll(ExperimentSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var list = new List<ExpandedTask>();
        foreach (var task in spec.Tasks)
        {
            list.AddRange(Expand(task, spec.Seeds));
        }

        return list;
    }
}
