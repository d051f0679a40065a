using MtlsOperator.Engine.Rendering;

namespace MtlsOperator.ProxyTests.Infrastructure;

/// <summary>A real proxy serving one rendered listener on loopback, in front of an <see cref="EchoUpstream"/>, with its files in
/// a directory laid out like a mounted Secret. Owns everything it starts.</summary>
public sealed class RunningListener : IAsyncDisposable
{
    private const int PortAttempts = 3;
    private const string ProbeIdHeader = "X-Probe-Id";

    private RunningListener(ProxyKind kind, ListenerScenario scenario, ListenerRenderModel model, MountedSecret mount, EchoUpstream upstream, ProxyProcess proxy)
    {
        Kind = kind;
        Scenario = scenario;
        Model = model;
        Mount = mount;
        Upstream = upstream;
        Proxy = proxy;
        Probe = new TlsProbe(model.ListenPort, ProxyPki.Instance.ServerRoot.Certificate);
    }

    public ProxyKind Kind { get; }
    public ListenerScenario Scenario { get; private set; }
    public ListenerRenderModel Model { get; private set; }
    public MountedSecret Mount { get; }
    public EchoUpstream Upstream { get; }
    public ProxyProcess Proxy { get; }
    public TlsProbe Probe { get; }

    public static async Task<RunningListener> StartAsync(ProxyKind kind, ListenerScenario scenario, CancellationToken cancellationToken)
    {
        var upstream = EchoUpstream.Start();
        var mount = new MountedSecret();
        string failures = "";
        for (var attempt = 0; attempt < PortAttempts; attempt++)
        {
            var model = RenderedListener.Model(kind, scenario, mount.Path, FreePort.Next(), upstream.Port);
            mount.Write(RenderedListener.Files(kind, scenario, model));
            var proxy = kind.Process(model);
            if (await proxy.StartAsync(cancellationToken))
            {
                return new RunningListener(kind, scenario, model, mount, upstream, proxy);
            }

            // Most likely another process took the port between choosing and binding it: try another.
            failures += $"\n--- attempt {attempt + 1} on port {model.ListenPort}:\n{proxy.Log}";
            await proxy.DisposeAsync();
        }

        await upstream.DisposeAsync();
        mount.Dispose();
        throw new InvalidOperationException($"{kind} did not start listening:{failures}");
    }

    /// <summary>Re-renders <paramref name="scenario"/> into the same mount (as the operator updating the Secret would) and reloads gracefully.</summary>
    public async Task RotateAsync(ListenerScenario scenario, CancellationToken cancellationToken)
    {
        var model = RenderedListener.Model(Kind, scenario, Mount.Path, Model.ListenPort, Upstream.Port);
        Mount.Write(RenderedListener.Files(Kind, scenario, model));
        Scenario = scenario;
        Model = model;
        await Proxy.ReloadAsync(cancellationToken);
    }

    /// <summary>One request on a new TLS connection, tagged so <see cref="ProbeResult.ReachedUpstream"/> can tell whether the app saw it.
    /// Without <paramref name="serverName"/> the SNI is the default certificate's name.</summary>
    public async Task<ProbeResult> GetAsync(
        System.Security.Cryptography.X509Certificates.X509Certificate2? clientCertificate,
        string? serverName = "api.test",
        IReadOnlyDictionary<string, string>? headers = null,
        CancellationToken cancellationToken = default)
    {
        var id = Guid.NewGuid().ToString("N");
        var tagged = new Dictionary<string, string>(headers ?? new Dictionary<string, string>()) { [ProbeIdHeader] = id };
        var result = await Probe.GetAsync(clientCertificate, serverName, tagged, cancellationToken: cancellationToken);
        return result with { ReachedUpstream = Upstream.Requests.Any(h => h.TryGetValue(ProbeIdHeader.ToLowerInvariant(), out var v) && v == id) };
    }

    /// <summary>Assertion context: the outcome plus the proxy's log.</summary>
    public string Explain(ProbeResult result) => $"{Kind}: {result}\n--- proxy log:\n{Proxy.Log}";

    public async ValueTask DisposeAsync()
    {
        await Proxy.DisposeAsync();
        await Upstream.DisposeAsync();
        Mount.Dispose();
    }
}
