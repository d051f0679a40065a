using System.Diagnostics;

namespace MtlsOperator.ProxyTests.Infrastructure;

/// <summary>nginx in the foreground (the rendered config says <c>daemon off</c>); <c>nginx -s reload</c> reloads it gracefully.</summary>
public sealed class NginxProcess(string configFile, int port, string runtimePrefix)
    : ProxyProcess(Executable, ["-e", "stderr", "-c", configFile], port)
{
    private const string Started = "start worker processes";

    /// <summary>Logged by each old worker once it closed its listening sockets.</summary>
    private const string OldWorkerStopped = "gracefully shutting down";
    private static string Executable => ProxyBinary.Find("nginx") ?? "nginx";

    public override async Task ReloadAsync(CancellationToken cancellationToken)
    {
        var started = CountInLog(Started);
        var stopped = CountInLog(OldWorkerStopped);
        using var reload = Process.Start(new ProcessStartInfo(Executable, ["-e", "stderr", "-c", configFile, "-s", "reload"])
        {
            RedirectStandardError = true,
            UseShellExecute = false,
        })!;
        var error = await reload.StandardError.ReadToEndAsync(cancellationToken);
        await reload.WaitForExitAsync(cancellationToken);
        if (reload.ExitCode != 0)
        {
            throw new InvalidOperationException($"nginx -s reload failed ({reload.ExitCode}): {error}\nLog:\n{Log}");
        }

        await WaitForLogAsync(Started, started, "[emerg]", cancellationToken);
        await WaitForLogAsync(OldWorkerStopped, stopped, "[emerg]", cancellationToken);
    }

    /// <summary>The pid file and temp directories the rendered config puts under /tmp.</summary>
    protected override Task CleanUpAsync()
    {
        var directory = Path.GetDirectoryName(runtimePrefix)!;
        foreach (var entry in Directory.EnumerateFileSystemEntries(directory, Path.GetFileName(runtimePrefix) + "*"))
        {
            if (Directory.Exists(entry))
            {
                Directory.Delete(entry, recursive: true);
            }
            else
            {
                File.Delete(entry);
            }
        }

        return Task.CompletedTask;
    }
}
