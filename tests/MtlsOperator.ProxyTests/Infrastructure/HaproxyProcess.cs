namespace MtlsOperator.ProxyTests.Infrastructure;

/// <summary>HAProxy in master-worker mode in the foreground (<c>-W -db</c>); SIGUSR2 to the master reloads it gracefully.</summary>
public sealed class HaproxyProcess(string configFile, int port)
    : ProxyProcess(ProxyBinary.Find("haproxy") ?? "haproxy", ["-W", "-db", "-f", configFile], port)
{
    private const string Loaded = "Loading success.";

    public override async Task ReloadAsync(CancellationToken cancellationToken)
    {
        var before = CountInLog(Loaded);
        await SignalAsync(Pid, "USR2", cancellationToken);
        await WaitForLogAsync(Loaded, before, "Loading failure!", cancellationToken);
    }
}
