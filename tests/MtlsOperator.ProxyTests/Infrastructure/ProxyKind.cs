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

    public static ProxyProcess Process(this ProxyKind kind, ListenerRenderModel model) => kind == ProxyKind.Haproxy
        ? new HaproxyProcess(model.PathOf(kind.Renderer().ConfigFileName), model.ListenPort)
        : new NginxProcess(model.PathOf(kind.Renderer().ConfigFileName), model.ListenPort, NginxRuntimePaths.Prefix(model));
}
