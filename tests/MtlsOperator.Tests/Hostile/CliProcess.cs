using System.Diagnostics;
using System.Globalization;

namespace MtlsOperator.Tests.Hostile;

/// <summary>What one child-process run of the CLI did.</summary>
internal sealed record CliProcessResult(int Exit, string Stdout, string Stderr, TimeSpan Elapsed, bool TimedOut);

/// <summary>Runs the built <c>mtls-operator</c> as a child process under a wall-clock timeout and a managed-heap cap
/// (<c>DOTNET_GCHeapHardLimit</c>: allocating past it is an out-of-memory crash, which the corpus tests count as a failure).</summary>
internal static class CliProcess
{
    /// <summary>Managed heap cap per run: 512 MiB.</summary>
    public const long HeapLimitBytes = 512L * 1024 * 1024;

    public static CliProcessResult Run(TimeSpan timeout, params string[] args)
    {
        var dll = Path.Join(AppContext.BaseDirectory, "mtls-operator.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(dll);
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        start.Environment["DOTNET_GCHeapHardLimit"] = "0x" + HeapLimitBytes.ToString("X", CultureInfo.InvariantCulture);
        start.Environment["DOTNET_TieredPGO"] = "0";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        var exited = process.WaitForExit(timeout);
        if (!exited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }

        process.WaitForExit();
        return new CliProcessResult(exited ? process.ExitCode : -1, stdout.Result, stderr.Result, clock.Elapsed, !exited);
    }
}
