namespace MtlsOperator.ProxyTests.Infrastructure;

/// <summary>How a scenario becomes the files of the output Secret.</summary>
public enum ListenerInput
{
    /// <summary>Manifests with inline PEMs through <c>mtls-operator render</c> (what users run); the proxy listens on all addresses.</summary>
    Manifests,

    /// <summary>A <see cref="Engine.Rendering.ListenerRenderModel"/> straight into the renderer; the proxy listens on loopback only.</summary>
    RenderModel,
}

/// <summary>Dispatch on <see cref="ListenerInput"/>.</summary>
public static class ListenerInputs
{
    /// <summary>What the suite uses unless a test needs the other.</summary>
    public const ListenerInput Default = ListenerInput.RenderModel;

    public static IReadOnlyDictionary<string, string> Files(this ListenerInput input, ProxyKind kind, ListenerScenario scenario, string name, string mountPath, int listenPort, int upstreamPort) =>
        input == ListenerInput.Manifests
            ? CliRender.Files(kind, scenario, name, mountPath, listenPort, upstreamPort)
            : RenderedListener.Files(kind, scenario, name, mountPath, listenPort, upstreamPort);
}
