using System.Diagnostics;
using MtlsOperator.ProxyTests.Infrastructure;

namespace MtlsOperator.ProxyTests.Loadability;

/// <summary>Whether the real proxy accepts a config: <c>haproxy -c -f</c> / <c>nginx -t -c</c>, which parse it and load every
/// certificate, key, CA and CRL file it names (neither binds its ports). Bounded in time; the process is a child, waited on.</summary>
public static class ConfigLoadCheck
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(60);

    /// <summary>The proxy's exit code and everything it printed.</summary>
    public static (bool Loaded, string Output) Run(ProxyKind kind, string configFile)
    {
        var executable = ProxyBinary.Find(kind.Binary()) ?? kind.Binary();
        string[] arguments = kind == ProxyKind.Haproxy ? ["-c", "-f", configFile] : ["-t", "-e", "stderr", "-c", configFile];
        var start = new ProcessStartInfo(executable) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(s_timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            return (false, $"{kind.Binary()} did not finish checking {configFile} within {s_timeout.TotalSeconds} s");
        }

        return (process.ExitCode == 0, $"{kind.Binary()} exited {process.ExitCode}:\n{stdout.Result}{stderr.Result}");
    }
}
