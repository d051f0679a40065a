using MtlsOperator.Engine.Rendering.Nginx;
using MtlsOperator.ProxyTests.Infrastructure;

namespace MtlsOperator.ProxyTests.Differential;

/// <summary>One proxy process serving every Ready case of a batch, each on its own port, from the combined configuration.</summary>
public static class ProxyBatch
{
    /// <summary>Starts the proxy; null with the log when it did not start.</summary>
    public static async Task<(ProxyProcess? Proxy, string Log)> StartAsync(ProxyKind kind, IReadOnlyList<RenderedCase> cases, string directory, CancellationToken cancellationToken)
    {
        var configs = cases.Select(c => c.Files[kind.Renderer().ConfigFileName]).ToList();
        var path = Path.Combine(directory, kind == ProxyKind.Haproxy ? "combined-haproxy.cfg" : "combined-nginx.conf");
        await File.WriteAllTextAsync(path, kind == ProxyKind.Haproxy ? CombinedConfig.Haproxy(configs) : CombinedConfig.Nginx(configs), cancellationToken);
        ProxyProcess proxy = kind == ProxyKind.Haproxy
            ? new HaproxyProcess(path, cases[0].Port)
            : new NginxProcess(path, cases[0].Port, NginxRuntimePaths.Prefix(CaseManifests.Namespace, cases[0].Name));
        // Something listening on every port is not enough: another process may hold one of them (nginx then keeps retrying its
        // bind in the background). Started means the proxy's own success line and no bind failure in its log.
        if (await proxy.StartAsync(cancellationToken) && await AllListeningAsync(cases, proxy, cancellationToken)
            && await StartedCleanlyAsync(kind, proxy, cancellationToken))
        {
            return (proxy, "");
        }

        var log = proxy.Log;
        await proxy.DisposeAsync();
        return (null, log);
    }

    private static async Task<bool> StartedCleanlyAsync(ProxyKind kind, ProxyProcess proxy, CancellationToken cancellationToken)
    {
        var success = kind == ProxyKind.Haproxy ? "Loading success." : "start worker processes";
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (DateTime.UtcNow < deadline && !proxy.Log.Contains(success, StringComparison.Ordinal) && !proxy.HasExited)
        {
            await Task.Delay(20, cancellationToken);
        }

        var log = proxy.Log;
        return log.Contains(success, StringComparison.Ordinal) && !proxy.HasExited
            && !log.Contains("[emerg]", StringComparison.Ordinal) && !log.Contains("cannot bind", StringComparison.Ordinal);
    }

    private static async Task<bool> AllListeningAsync(IReadOnlyList<RenderedCase> cases, ProxyProcess proxy, CancellationToken cancellationToken)
    {
        foreach (var c in cases)
        {
            if (!await FreePort.WaitUntilListeningAsync(c.Port, TimeSpan.FromSeconds(10), () => proxy.HasExited, cancellationToken))
            {
                return false;
            }
        }

        return true;
    }
}
