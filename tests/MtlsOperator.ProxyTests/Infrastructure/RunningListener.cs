namespace MtlsOperator.ProxyTests.Infrastructure;

/// <summary>A real proxy serving one listener rendered from manifests by <c>mtls-operator render</c>, in front of an <see cref="EchoUpstream"/>, with its files in
/// a directory laid out like a mounted Secret. Owns everything it starts.</summary>
public sealed class RunningListener : IAsyncDisposable
{
    private const int PortAttempts = 3;
    private const string ProbeIdHeader = "X-Probe-Id";

    private RunningListener(ProxyKind kind, ListenerScenario scenario, string name, int port, MountedSecret mount, IUpstreamApp upstream, ProxyProcess proxy)
    {
        Kind = kind;
        Scenario = scenario;
        Name = name;
        Port = port;
        Mount = mount;
        Upstream = upstream;
        Proxy = proxy;
        Probe = new TlsProbe(port, ProxyPki.Instance.ServerRoot.Certificate);
    }

    public ProxyKind Kind { get; }
    public ListenerScenario Scenario { get; private set; }
    public string Name { get; }
    public int Port { get; }
    public MountedSecret Mount { get; }
    public IUpstreamApp Upstream { get; }
    public ProxyProcess Proxy { get; }
    public TlsProbe Probe { get; }

    /// <summary>Renders the scenario's manifests through the CLI into a fresh mount and starts the proxy on a free port.
    /// <paramref name="alterFiles"/> changes the rendered files first, to show what a proxy does with files the engine would not write.</summary>
    public static async Task<RunningListener> StartAsync(ProxyKind kind, ListenerScenario scenario, CancellationToken cancellationToken,
        Func<IReadOnlyDictionary<string, string>, IReadOnlyDictionary<string, string>>? alterFiles = null, Func<IUpstreamApp>? startUpstream = null)
    {
        var upstream = startUpstream?.Invoke() ?? EchoUpstream.Start();
        var mount = new MountedSecret();
        string failures = "";
        for (var attempt = 0; attempt < PortAttempts; attempt++)
        {
            var port = FreePort.Next();
            var name = $"{scenario.Name}-{port}";
            var files = CliRender.Files(kind, scenario, name, mount.Path, port, upstream.Port);
            mount.Write(alterFiles is null ? files : alterFiles(files));
            var proxy = kind.Process(mount.Path, port, name);
            if (await proxy.StartAsync(cancellationToken))
            {
                return new RunningListener(kind, scenario, name, port, mount, upstream, proxy);
            }

            // Most likely another process took the port between choosing and binding it: try another.
            failures += $"\n--- attempt {attempt + 1} on port {port}:\n{proxy.Log}";
            await proxy.DisposeAsync();
        }

        await upstream.DisposeAsync();
        mount.Dispose();
        throw new InvalidOperationException($"{kind} did not start listening:{failures}");
    }

    /// <summary>Re-renders <paramref name="scenario"/> into the same mount (as the operator updating the Secret would) and reloads gracefully.</summary>
    public async Task RotateAsync(ListenerScenario scenario, CancellationToken cancellationToken)
    {
        Mount.Write(CliRender.Files(Kind, scenario, Name, Mount.Path, Port, Upstream.Port));
        Scenario = scenario;
        await Proxy.ReloadAsync(cancellationToken);
    }

    /// <summary>One request on a new TLS connection, tagged so <see cref="ProbeResult.ReachedUpstream"/> can tell whether the app saw it.
    /// Without <paramref name="serverName"/> the SNI is the default certificate's name.</summary>
    public async Task<ProbeResult> GetAsync(
        System.Security.Cryptography.X509Certificates.X509Certificate2? clientCertificate,
        string? serverName = "api.test",
        IReadOnlyDictionary<string, string>? headers = null,
        System.Security.Authentication.SslProtocols protocols = System.Security.Authentication.SslProtocols.Tls12 | System.Security.Authentication.SslProtocols.Tls13,
        CancellationToken cancellationToken = default)
    {
        var id = Guid.NewGuid().ToString("N");
        var tagged = new Dictionary<string, string>(headers ?? new Dictionary<string, string>()) { [ProbeIdHeader] = id };
        var result = await Probe.GetAsync(clientCertificate, serverName, tagged, protocols, cancellationToken);
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
