using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using MtlsOperator.Engine.Pki;
using MtlsOperator.Hosting;
using MtlsOperator.Tests.Hosting;
using TestPki;

namespace MtlsOperator.Tests.Controller;

/// <summary>A listener with its certificate, pinned policy and a bundle with a CRL, and a bundle fetching its CRL from a URL (one that
/// answers, one that fails, so every CRL fetch series exists), converged, with /metrics served.</summary>
internal sealed class ObservedWorld : IAsyncDisposable
{
    public const string Ns = "observed";

    /// <summary>The operator's identity (its leader gauge's label).</summary>
    public const string Identity = "observer";

    private static readonly HttpClient s_http = new() { Timeout = TimeSpan.FromSeconds(10) };

    private readonly OperatorFixture _fixture;
    private readonly TestPki.CrlServer.TestCrlServer _crls;

    private ObservedWorld(OperatorFixture fixture, TestPki.CrlServer.TestCrlServer crls, string metricsUrl, X509Certificate2 server, DateTimeOffset crlNextUpdate)
    {
        _fixture = fixture;
        _crls = crls;
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
        var crls = new TestPki.CrlServer.TestCrlServer();
        crls.Serve("root.crl", root.CreateCrl(nextUpdate: nextUpdate));
        crls.Set("gone.crl", new TestPki.CrlServer.CrlAnswer.Status(404));
        var fetched = Manifests.InlineBundle(Ns, "observed-fetched", PemExport.Certificate(root.Certificate));
        fetched["spec"]!["crls"] = new JsonArray(new JsonObject { ["url"] = crls.UrlOf("root.crl") }, new JsonObject { ["url"] = crls.UrlOf("gone.crl") });
        await fx.ApplyAsync(fetched);
        await fx.WaitReadyAsync("mtlslisteners", "observed", ns: Ns);
        await OperatorFixture.Eventually(async () => (await fx.StatusAsync("trustbundles", "observed-fetched", Ns))?["crlFetches"]?.AsArray() is { Count: 2 } f
            && f.Any(x => x?["fetchedAt"] is not null) && f.Any(x => x?["error"] is not null), "one URL fetched, one failed");
        await fx.WaitSettledAsync(host);
        // A dropped watch, so the restart counter (created on first use) is among the series.
        fx.Server.Faults.DropAllWatches();
        await OperatorFixture.Eventually(() => Task.FromResult(host.Cache!.Secrets.WatchRestarts > 0), "a dropped watch was restarted");
        return new ObservedWorld(fx, crls, host.ProbeUrl + "/metrics", server, nextUpdate);
    }

    public async Task<IReadOnlyList<PrometheusExposition.Sample>> SamplesAsync() =>
        PrometheusExposition.Read(await s_http.GetStringAsync(MetricsUrl)).Samples;

    public async ValueTask DisposeAsync()
    {
        await _fixture.DisposeAsync();
        await _crls.DisposeAsync();
    }
}
