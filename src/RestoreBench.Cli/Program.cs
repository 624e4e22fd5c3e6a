using System.CommandLine;
using RestoreBench.Cli;
using RestoreBench.Cli.Commands;

var root = new RootCommand("""
    RestoreBench: evaluate image restoration models the way "Are Conditional Latent Diffusion Models
    Effective for Image Restoration?" does: controlled degradations with a measured level γ, and
    distortion, perception and consistency metrics that match the MATLAB / original conventions.
    """)
{
    DemoCommand.Create(),
    DegradeCommand.Create(),
    EvalCommand.Create(),
    MetricsCommand.Create(),
    RestoreCommand.Create(),
    ModelsCommand.Create(),
    CldmCommand.Create(),
    RunCommand.Create(),
    ResultsCommand.Create(),
    ReportCommand.Create(),
};

var parse = root.Parse(args);
if (parse.Errors.Count > 0)
{
    foreach (var error in parse.Errors)
    {
        Console.Error.WriteLine("error: " + error.Message);
    }

    Console.Error.WriteLine("Run 'restorebench --help' or 'restorebench COMMAND --help' for usage.");
    return ExitCodes.Usage;
}

return await parse.InvokeAsync().ConfigureAwait(false);
