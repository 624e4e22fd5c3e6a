using RestoreBench.Restorers.External;

namespace RestoreBench.Restorers.Tests.External;

public class CommandTemplateTests
{
    [Fact]
    public void Splits_on_whitespace_with_quotes_and_escapes_and_expands_inside_arguments()
    {
        var t = CommandTemplate.Parse("python3  'my script.py' --in={input_dir} -o \"{output_dir}\" --note \"say \\\"hi\\\"\" a\\ b -s {scale}");
        Assert.Equal(["python3", "my script.py", "--in={input_dir}", "-o", "{output_dir}", "--note", "say \"hi\"", "a b", "-s", "{scale}"], t.Arguments);
        Assert.Equal("python3", t.Program);
        var expanded = t.Expand("/tmp/in dir", "/tmp/out", 4);
        Assert.Equal(["python3", "my script.py", "--in=/tmp/in dir", "-o", "/tmp/out", "--note", "say \"hi\"", "a b", "-s", "4"], expanded);
    }

    [Fact]
    public void Quoted_shell_characters_are_literal_arguments()
    {
        var t = CommandTemplate.Parse("tool {input_dir} {output_dir} '|' \">\"");
        Assert.Equal(["tool", "{input_dir}", "{output_dir}", "|", ">"], t.Arguments);
    }

    [Theory]
    [InlineData("", "the external command template is empty")]
    [InlineData("tool {input_dir} {output_dir} | tee log", "'|' is shell syntax, but the command runs without a shell")]
    [InlineData("tool {input_dir} {output_dir} > log.txt", "'>' is shell syntax")]
    [InlineData("tool {input_dir} {output_dir} && echo done", "'&&' is shell syntax")]
    [InlineData("tool {input_dir} {output_dir} $(pwd)", "'$(pwd)' is shell syntax")]
    [InlineData("tool {input_dir} {outdir}", "unknown placeholder '{outdir}' in the command template; did you mean 'output_dir'? (accepted: {input_dir}, {output_dir}, {scale})")]
    [InlineData("tool {input_dir}", "the command template must contain {output_dir}")]
    [InlineData("tool {output_dir}", "the command template must contain {input_dir}")]
    [InlineData("tool 'unterminated {input_dir} {output_dir}", "unterminated ' quote")]
    [InlineData("tool \"unterminated {input_dir} {output_dir}", "unterminated \" quote")]
    [InlineData("{input_dir} {output_dir}", "the program (first word of the command template) cannot be a placeholder")]
    public void Bad_templates_fail_with_a_clear_message(string template, string message)
    {
        var e = Assert.Throws<FormatException>(() => CommandTemplate.Parse(template));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }
}
