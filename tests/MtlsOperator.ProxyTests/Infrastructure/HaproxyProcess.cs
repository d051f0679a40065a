namespace MtlsOperator.ProxyTests.Infrastructure;

/// <summary>HAProxy in master-worker mode in the foreground (<c>-W -db</c>); SIGUSR2 to the master reloads it gracefully.</summary>
public sealed class HaproxyProcess(string configFile, int port)
    : ProxyProcess(ProxyBinary.Find("haproxy") ?? "haproxy", ["-W", "-db", "-f", configFile], port)
{
    private const string Loaded = "Loading success.";

    /// <summary>Logged by the old worker once it no longer accepts connections (soft stop of the frontend).</summary>
    private const string OldWorkerStopped = "Proxy mtls stopped";

    public override async Task ReloadAsync(CancellationToken cancellationToken)
    {
        var loaded = CountInLog(Loaded);
        var stopped = CountInLog(OldWorkerStopped);
        await SignalAsync(Pid, "USR2", cancellationToken);
        await WaitForLogAsync(Loaded, loaded, "Loading failure!", cancellationToken);
        await WaitForLogAsync(OldWorkerStopped, stopped, "Loading failure!", cancellationToken);
    }
}
