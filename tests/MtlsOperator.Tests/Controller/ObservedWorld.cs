using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using MtlsOperator.Engine.Pki;
using MtlsOperator.Hosting;
using MtlsOperator.Tests.Hosting;
using TestPki;

namespace MtlsOperator.Tests.Controller;

/// <summary>A listener with its certificate, pinned policy and a bundle with a CRL, converged, with /metrics served.</summary>
internal sealed class ObservedWorld : IAsyncDisposable
{
    public const string Ns = "observed";

    /// <summary>The operator's identity (its leader gauge's label).</summary>
    public const string Identity = "observer";

    private static readonly HttpClient s_http = new() { Timeout = TimeSpan.FromSeconds(10) };

    private readonly OperatorFixture _fixture;

    private ObservedWorld(OperatorFixture fixture, string metricsUrl, X509Certificate2 server, DateTimeOffset crlNextUpdate)
    {
        _fixture = fixture;
        MetricsUrl = metricsUrl;
        Server = server;
        CrlNextUpdate = crlNextUpdate;
    }

    public string MetricsUrl { get; }

    public X509Certificate2 Server { get; }

    public DateTimeOffset CrlNextUpdate { get; }

    public static async Task<ObservedWorld> StartAsync(OtlpTraceExport? traces = null)
    {
        var fx = await OperatorFixture.StartAsync();
        var host = fx.StartOperator(OperatorFixture.TestOptions(Identity) with { HealthPort = 0, HealthAddress = "127.0.0.1", Traces = traces });
        await OperatorFixture.Eventually(() => Task.FromResult(host.ProbeUrl is not null), "the probe server listens");
        var root = TestCertificateAuthority.CreateRoot("CN=Observed Root,O=Test");
        var server = root.IssueServer("observed.example.com");
        var nextUpdate = DateTimeOffset.UtcNow.AddDays(7).AddTicks(-(DateTimeOffset.UtcNow.Ticks % TimeSpan.TicksPerSecond));
        var bundle = Manifests.InlineBundle(Ns, "observed-ca", PemExport.Certificate(root.Certificate));
        bundle["spec"]!["crls"] = new JsonArray(new JsonObject { ["inline"] = root.CreateCrlPem(nextUpdate: nextUpdate) });
        await fx.ApplyAsync(
            Manifests.TlsSecret(Ns, "observed-tls", server),
            bundle,
            Manifests.ServerCertificate(Ns, "observed", "observed-tls", "observed.example.com"),
            Manifests.PinnedPolicy(Ns, "observed-clients", "observed-ca", ("sha256", CertificateFingerprints.Of(root.IssueClient()).Sha256)),
            Manifests.Listener(Ns, "observed", "observed", "observed-clients"));
        await fx.WaitReadyAsync("mtlslisteners", "observed", ns: Ns);
        await fx.WaitSettledAsync(host);
        // A dropped watch, so the restart counter (created on first use) is among the series.
        fx.Server.Faults.DropAllWatches();
        await OperatorFixture.Eventually(() => Task.FromResult(host.Cache!.Secrets.WatchRestarts > 0), "a dropped watch was restarted");
        return new ObservedWorld(fx, host.ProbeUrl + "/metrics", server, nextUpdate);
    }

    public async Task<IReadOnlyList<PrometheusExposition.Sample>> SamplesAsync() =>
        PrometheusExposition.Read(await s_http.GetStringAsync(MetricsUrl)).Samples;

    public ValueTask DisposeAsync() => _fixture.DisposeAsync();
}
