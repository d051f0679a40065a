using MtlsOperator.Engine.Rendering;
using MtlsOperator.Engine.Rendering.Haproxy;
using MtlsOperator.Engine.Rendering.Nginx;

namespace MtlsOperator.ProxyTests.Infrastructure;

/// <summary>The proxies tested against real binaries.</summary>
public enum ProxyKind
{
    Haproxy,
    Nginx,
}

/// <summary>Per-proxy facts the tests need: renderer, binary, how it is started.</summary>
public static class ProxyKinds
{
    public static IProxyRenderer Renderer(this ProxyKind kind) => kind == ProxyKind.Haproxy ? new HaproxyRenderer() : new NginxRenderer();

    public static string Binary(this ProxyKind kind) => kind == ProxyKind.Haproxy ? "haproxy" : "nginx";

    /// <summary>The proxy for listener <paramref name="name"/>, reading its config from the mount.</summary>
    public static ProxyProcess Process(this ProxyKind kind, string mountPath, int port, string name)
    {
        var config = Path.Combine(mountPath, kind.Renderer().ConfigFileName);
        return kind == ProxyKind.Haproxy
            ? new HaproxyProcess(config, port)
            : new NginxProcess(config, port, NginxRuntimePaths.Prefix(ListenerManifests.Namespace, name));
    }
}
