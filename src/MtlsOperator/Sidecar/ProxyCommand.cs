using System.Diagnostics;

namespace MtlsOperator.Sidecar;

/// <summary>Runs a proxy once to completion (its config check) and returns its exit code and everything it printed.</summary>
internal static class ProxyCommand
{
    public static async Task<(int ExitCode, string Output)> RunAsync(string executable, IEnumerable<string> arguments, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(executable) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(limit.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            return (-1, $"{Path.GetFileName(executable)} did not finish its check within {timeout.TotalSeconds:0} s");
        }

        var output = ((await stderr.ConfigureAwait(false)) + (await stdout.ConfigureAwait(false))).Trim();
        return (process.ExitCode, output);
    }
}
