using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using RestoreBench.Core.Text;

namespace RestoreBench.Restorers.External;

/// <summary>
/// A command line template such as <c>python3 inference.py --input {input_dir} --output {output_dir} --upscale {scale}</c>,
/// split into an argument list once (never passed to a shell). Splitting: whitespace separates
/// arguments; '…' quotes literally; "…" quotes with \" and \\ escapes; a backslash outside quotes
/// escapes the next character. Placeholders are substituted inside each argument after splitting,
/// so paths with spaces stay one argument. Unquoted shell operators (| &amp;&amp; ; &gt; …) are refused:
/// there is no shell to interpret them.
/// </summary>
public sealed partial class CommandTemplate
{
    /// <summary>The placeholders a template may use.</summary>
    public static IReadOnlyList<string> Placeholders { get; } = ["input_dir", "output_dir", "scale"];

    private static readonly string[] ShellOperators = ["|", "||", "&", "&&", ";", ">", ">>", "<", "<<", "2>", "2>&1", "&>", "$(", "`"];

    private readonly string[] _arguments;

    private CommandTemplate(string text, string[] arguments)
    {
        Text = text;
        _arguments = arguments;
    }

    /// <summary>The template as given.</summary>
    public string Text { get; }

    /// <summary>The split arguments with placeholders unexpanded; the first is the program.</summary>
    public IReadOnlyList<string> Arguments => _arguments;

    /// <summary>The program (first argument).</summary>
    public string Program => _arguments[0];

    /// <summary>Splits and checks a template.</summary>
    /// <exception cref="FormatException">Empty template, unterminated quote, shell operator, unknown placeholder, or {input_dir} / {output_dir} missing.</exception>
    public static CommandTemplate Parse(string template)
    {
        ArgumentNullException.ThrowIfNull(template);
        var arguments = Split(template);
        if (arguments.Count == 0)
        {
            throw new FormatException("the external command template is empty");
        }

        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var argument in arguments)
        {
            foreach (Match match in PlaceholderPattern().Matches(argument))
            {
                var name = match.Groups[1].Value;
                if (!Placeholders.Contains(name))
                {
                    throw new FormatException($"unknown placeholder '{{{name}}}' in the command template{NameSuggestion.Hint(name, Placeholders)} (accepted: {{input_dir}}, {{output_dir}}, {{scale}})");
                }

                used.Add(name);
            }
        }

        if (PlaceholderPattern().IsMatch(arguments[0]))
        {
            throw new FormatException("the program (first word of the command template) cannot be a placeholder");
        }

        foreach (var required in new[] { "input_dir", "output_dir" })
        {
            if (!used.Contains(required))
            {
                throw new FormatException($"the command template must contain {{{required}}} (the tool reads the inputs from {{input_dir}} and writes outputs named by input stem into {{output_dir}})");
            }
        }

        return new CommandTemplate(template, [.. arguments]);
    }

    /// <summary>The argument list with placeholders replaced.</summary>
    public IReadOnlyList<string> Expand(string inputDir, string outputDir, int scale)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["input_dir"] = inputDir,
            ["output_dir"] = outputDir,
            ["scale"] = scale.ToString(CultureInfo.InvariantCulture),
        };
        var expanded = new string[_arguments.Length];
        for (var i = 0; i < expanded.Length; i++)
        {
            expanded[i] = PlaceholderPattern().Replace(_arguments[i], m => values[m.Groups[1].Value]);
        }

        return expanded;
    }

    /// <inheritdoc/>
    public override string ToString() => Text;

    private static List<string> Split(string text)
    {
        var arguments = new List<string>();
        var current = new StringBuilder();
        var inArgument = false;
        var quoted = false;
        var i = 0;
        while (i < text.Length)
        {
            var ch = text[i];
            if (char.IsWhiteSpace(ch))
            {
                Finish();
                i++;
                continue;
            }

            inArgument = true;
            switch (ch)
            {
                case '\'':
                {
                    quoted = true;
                    var end = text.IndexOf('\'', i + 1);
                    if (end < 0)
                    {
                        throw new FormatException($"unterminated ' quote in the command template at position {i + 1}");
                    }

                    current.Append(text, i + 1, end - i - 1);
                    i = end + 1;
                    break;
                }

                case '"':
                {
                    quoted = true;
                    i++;
                    while (true)
                    {
                        if (i >= text.Length)
                        {
                            throw new FormatException("unterminated \" quote in the command template");
                        }

                        if (text[i] == '"')
                        {
                            i++;
                            break;
                        }

                        if (text[i] == '\\' && i + 1 < text.Length && text[i + 1] is '"' or '\\')
                        {
                            current.Append(text[i + 1]);
                            i += 2;
                            continue;
                        }

                        current.Append(text[i++]);
                    }

                    break;
                }

                case '\\':
                    quoted = true;
                    if (i + 1 >= text.Length)
                    {
                        throw new FormatException("the command template ends with a lone backslash");
                    }

                    current.Append(text[i + 1]);
                    i += 2;
                    break;
                default:
                    current.Append(ch);
                    i++;
                    break;
            }
        }

        Finish();
        return arguments;

        void Finish()
        {
            if (!inArgument)
            {
                return;
            }

            var argument = current.ToString();
            if (!quoted && (ShellOperators.Contains(argument) || argument.StartsWith("$(", StringComparison.Ordinal) || argument.StartsWith('`')))
            {
                throw new FormatException($"'{argument}' is shell syntax, but the command runs without a shell; put pipes and redirections in a script and call the script (or quote the argument to pass it literally)");
            }

            arguments.Add(argument);
            current.Clear();
            inArgument = false;
            quoted = false;
        }
    }

    [GeneratedRegex(@"\{([A-Za-z_][A-Za-z0-9_]*)\}")]
    private static partial Regex PlaceholderPattern();
}
