namespace MtlsOperator.Tests.Cli;

/// <summary>Runs the CLI in-process, capturing what a terminal would show.</summary>
internal static class CliRunner
{
    public static (int Exit, string Stdout, string Stderr) Run(params string[] args) => Run(TimeProvider.System, args);

    public static (int Exit, string Stdout, string Stderr) Run(TimeProvider clock, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = Program.Run(args, stdout, stderr, clock);
        return (exit, stdout.ToString(), stderr.ToString());
    }
}
