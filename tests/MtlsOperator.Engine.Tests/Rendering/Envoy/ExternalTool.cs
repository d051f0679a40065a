using System.Diagnostics;

namespace MtlsOperator.Engine.Tests.Rendering.Envoy;

/// <summary>Runs an independent implementation (openssl, node) and hands back what it printed.</summary>
internal static class ExternalTool
{
    public static (int ExitCode, string Output, string Error) Run(string file, IEnumerable<string> args)
    {
        using var process = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output, error.Result);
    }
}
