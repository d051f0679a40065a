using System.Numerics;
using k8s;
using System.Text.Json.Nodes;
using MtlsOperator.Engine.CrlDistribution;
using MtlsOperator.Engine.Pki;
using MtlsOperator.Tests.Controller;
using TestPki;
using TestPki.CrlServer;

namespace MtlsOperator.Tests.CrlFetching;

/// <summary>The controller fetching a bundle's CRL from a local server through the real KubernetesClient against the test API server: the
/// CRL reaches the listener, a new one replaces it, a failing URL keeps the last good one (and says so), an expired one fails closed, a
/// restart neither refetches nor loses it, and an unchanged CRL refetched writes nothing.</summary>
public sealed class CrlFetchControllerTests : IAsyncDisposable
{
    private static readonly CrlRefreshTiming s_fast = new(TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(300), TimeSpan.FromSeconds(1));
    private readonly TestCrlServer _crls = new();
    private readonly TestCertificateAuthority _root = TestCertificateAuthority.CreateRoot("CN=Fetched CRL Root,O=Test");

    public ValueTask DisposeAsync() => _crls.DisposeAsync();

    private static MtlsOperator.Controller.OperatorOptions Options() => OperatorFixture.TestOptions() with
    {
        CrlRefreshTiming = s_fast,
        CrlFetchTimeout = TimeSpan.FromSeconds(3),
        ResyncPeriod = TimeSpan.FromMilliseconds(300),
    };

    private byte[] Crl(int number, TimeSpan validFor) =>
        _root.CreateCrl(DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow + validFor, new BigInteger(number));

    private async Task ApplyWorldAsync(OperatorFixture fx, System.Security.Cryptography.X509Certificates.X509Certificate2 client)
    {
        var bundle = Manifests.InlineBundle("apps", "corp", PemExport.Certificate(_root.Certificate));
        bundle["spec"]!["crls"] = new JsonArray(new JsonObject { ["url"] = _crls.UrlOf("root.crl") });
        var server = _root.IssueServer("agent.example.com");
        await fx.ApplyAsync(
            bundle,
            Manifests.TlsSecret("apps", "agent-tls", server),
            Manifests.ServerCertificate("apps", "agent", "agent-tls", "agent.example.com"),
            Manifests.PinnedPolicy("apps", "clients", "corp", ("sha256", CertificateFingerprints.Of(client).Sha256)),
            Manifests.Listener("apps", "agent", "agent", "clients"));
    }

    private static async Task<string?> ListenerCrlAsync(OperatorFixture fx) =>
        await fx.TryGetSecretAsync("apps", "agent-mtls") is { } s && s.Data.TryGetValue("ca.crl", out var crl) ? System.Text.Encoding.ASCII.GetString(crl) : null;

    private static string Pem(byte[] der) => new string(System.Security.Cryptography.PemEncoding.Write("X509 CRL", der)) + "\n";

    [Fact]
    public async Task A_crl_at_a_url_reaches_the_listener_and_a_newer_one_published_there_replaces_it()
    {
        await using var fx = await OperatorFixture.StartAsync();
        var client = _root.IssueClient("CN=soon-revoked,O=Test");
        var first = Crl(1, TimeSpan.FromMinutes(30));
        _crls.Serve("root.crl", first);
        await ApplyWorldAsync(fx, client);
        fx.StartOperator(Options() with { CrlRefreshTiming = s_fast with { Longest = TimeSpan.FromMilliseconds(500) } });

        await fx.WaitReadyAsync("mtlslisteners", "agent");
        Assert.Equal(Pem(first), await ListenerCrlAsync(fx));
        await OperatorFixture.Eventually(async () => (await fx.TryGetConfigMapAsync("apps", "corp-ca"))?.BinaryData is { } data
            && data.TryGetValue(HeldCrls.KeyOf(_crls.UrlOf("root.crl")), out var held) && held.AsSpan().SequenceEqual(first), "the bundle's ConfigMap holds the CRL");

        _root.Revoke(client);
        var second = Crl(2, TimeSpan.FromMinutes(30));
        _crls.Serve("root.crl", second);

        await OperatorFixture.Eventually(async () => await ListenerCrlAsync(fx) == Pem(second), "the listener serves the newer CRL", TimeSpan.FromSeconds(30));
        var status = await fx.StatusAsync("trustbundles", "corp");
        Assert.Equal("2", (string?)status!["crlFetches"]![0]!["crlNumber"]);
    }

    [Fact]
    public async Task A_url_that_stops_answering_keeps_the_last_good_crl_reports_the_error_with_a_warning_and_recovers()
    {
        await using var fx = await OperatorFixture.StartAsync();
        var good = Crl(1, TimeSpan.FromMinutes(30));
        _crls.Serve("root.crl", good);
        await ApplyWorldAsync(fx, _root.IssueClient());
        fx.StartOperator(Options() with { CrlRefreshTiming = s_fast with { Longest = TimeSpan.FromMilliseconds(500) } });
        await fx.WaitReadyAsync("mtlslisteners", "agent");
        var output = (await fx.TryGetSecretAsync("apps", "agent-mtls"))!;

        _crls.Set("root.crl", new CrlAnswer.Status(503));

        await OperatorFixture.Eventually(async () => (string?)(await FetchCondition(fx))?["status"] == "False", "CrlsFetched=False", TimeSpan.FromSeconds(30));
        var status = (await fx.StatusAsync("trustbundles", "corp"))!;
        Assert.Equal("the server answered HTTP 503 Test", (string?)status["crlFetches"]![0]!["error"]);
        Assert.NotNull(status["crlFetches"]![0]!["failingSince"]);
        Assert.NotNull(status["crlFetches"]![0]!["fetchedAt"]);
        Assert.Equal("True", (string?)(await fx.ReadyAsync("trustbundles", "corp"))!["status"]);
        Assert.Equal(Pem(good), await ListenerCrlAsync(fx));
        Assert.Equal(output.Metadata.ResourceVersion, (await fx.TryGetSecretAsync("apps", "agent-mtls"))!.Metadata.ResourceVersion);
        await OperatorFixture.Eventually(async () => (await fx.Client.CoreV1.ListNamespacedEventAsync("apps")).Items.Any(e => e.Reason == "CrlFetchFailed"),
            "a CrlFetchFailed event");
        var events = (await fx.Client.CoreV1.ListNamespacedEventAsync("apps")).Items.Where(e => e.Reason == "CrlFetchFailed").ToList();
        Assert.Equal("Warning", Assert.Single(events).Type);

        _crls.Serve("root.crl", good);
        await OperatorFixture.Eventually(async () => (string?)(await FetchCondition(fx))?["status"] == "True", "CrlsFetched=True again", TimeSpan.FromSeconds(30));
        Assert.Null((await fx.StatusAsync("trustbundles", "corp"))!["crlFetches"]![0]!["error"]);
    }

    [Fact]
    public async Task Once_the_last_good_crl_expires_with_the_url_failing_the_bundle_fails_closed_and_the_listener_keeps_its_output()
    {
        await using var fx = await OperatorFixture.StartAsync();
        // Long enough for a first convergence on a loaded 2-core machine; the bundle must then notice the expiry by itself.
        _crls.Serve("root.crl", Crl(1, TimeSpan.FromSeconds(15)));
        await ApplyWorldAsync(fx, _root.IssueClient());
        fx.StartOperator(Options());
        await fx.WaitReadyAsync("mtlslisteners", "agent");
        var output = (await fx.TryGetSecretAsync("apps", "agent-mtls"))!;
        _crls.Set("root.crl", new CrlAnswer.Hang());

        await fx.WaitReadyAsync("trustbundles", "corp", "False", timeout: TimeSpan.FromSeconds(60));
        await fx.WaitReadyAsync("mtlslisteners", "agent", "False", timeout: TimeSpan.FromSeconds(20));

        Assert.Equal("CrlExpired", (string?)(await fx.ReadyAsync("trustbundles", "corp"))!["reason"]);
        Assert.Equal(output.Metadata.ResourceVersion, (await fx.TryGetSecretAsync("apps", "agent-mtls"))!.Metadata.ResourceVersion);
    }

    [Fact]
    public async Task A_restarted_operator_keeps_the_held_crl_without_fetching_it_again_and_writes_nothing()
    {
        await using var fx = await OperatorFixture.StartAsync();
        _crls.Serve("root.crl", Crl(1, TimeSpan.FromHours(6)));
        await ApplyWorldAsync(fx, _root.IssueClient());
        var first = fx.StartOperator(Options());
        await fx.WaitReadyAsync("mtlslisteners", "agent");
        await fx.WaitSettledAsync(first);
        await fx.StopAsync(first);
        var fetches = _crls.RequestsFor("root.crl");
        var mark = fx.Server.Requests.Mark();

        var second = fx.StartOperator(Options());
        await OperatorFixture.Eventually(() => Task.FromResult(second.ReconcileCount >= 10 && second.IsIdle), "the restarted operator reconciled every resource twice");

        Assert.Equal(fetches, _crls.RequestsFor("root.crl"));
        Assert.Empty(fx.Server.Requests.WritesSince(mark));
    }

    [Fact]
    public async Task Refetching_an_unchanged_crl_writes_nothing()
    {
        await using var fx = await OperatorFixture.StartAsync();
        _crls.Serve("root.crl", Crl(1, TimeSpan.FromMinutes(30)));
        await ApplyWorldAsync(fx, _root.IssueClient());
        var host = fx.StartOperator(Options() with { CrlRefreshTiming = s_fast with { Longest = TimeSpan.FromMilliseconds(300) } });
        await fx.WaitReadyAsync("mtlslisteners", "agent");
        await fx.WaitSettledAsync(host);
        var mark = fx.Server.Requests.Mark();
        var fetches = _crls.RequestsFor("root.crl");

        await OperatorFixture.Eventually(() => Task.FromResult(_crls.RequestsFor("root.crl") >= fetches + 5), "five more fetches of the same CRL");
        await fx.WaitSettledAsync(host);

        Assert.Empty(fx.Server.Requests.WritesSince(mark));
        Assert.Contains(_crls.Requests.Skip(1), r => r.Headers.ContainsKey("if-none-match"));
    }

    private static async Task<JsonNode?> FetchCondition(OperatorFixture fx) =>
        (await fx.StatusAsync("trustbundles", "corp"))?["conditions"]?.AsArray().FirstOrDefault(c => (string?)c!["type"] == "CrlsFetched");
}
