using System.Text.Json.Nodes;

namespace MtlsOperator.ProxyTests.Check;

/// <summary>One run of the CLI in process, on a pool thread (the command blocks on its own probe).</summary>
public sealed record CheckRun(int Exit, string Stdout, string Stderr)
{
    public static async Task<CheckRun> RunAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = await Task.Run(() => Program.Run(args, stdout, stderr, TimeProvider.System));
        return new CheckRun(exit, stdout.ToString(), stderr.ToString());
    }

    /// <summary>The <c>--json</c> document printed on stdout.</summary>
    public JsonNode Json => JsonNode.Parse(Stdout) ?? throw new InvalidOperationException("no JSON:\n" + this);

    public override string ToString() => $"exit {Exit}\n--- stdout:\n{Stdout}\n--- stderr:\n{Stderr}";
}
