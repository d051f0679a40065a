using MtlsOperator.Engine.Pki;
using MtlsOperator.ProxyTests.Infrastructure;

namespace MtlsOperator.ProxyTests.UpstreamTls;

/// <summary>spec.upstreamTls in the real HAProxy and nginx, in front of a real HTTPS app: an admitted client reaches the app over
/// verified TLS; an app whose certificate has the wrong name or an untrusted issuer gets nothing forwarded (502); the client
/// certificate is presented upstream exactly when configured; insecureSkipVerify is the only way to reach an unverified app.</summary>
public sealed class UpstreamTlsTests
{
    private static ProxyPki Pki => ProxyPki.Instance;

    private static UpstreamTlsPki App => UpstreamTlsPki.Instance;

    public static TheoryData<ProxyKind> Proxies => [ProxyKind.Haproxy, ProxyKind.Nginx];

    [SkippableTheory]
    [MemberData(nameof(Proxies))]
    public async Task Admitted_client_reaches_an_upstream_whose_certificate_verifies(ProxyKind kind)
    {
        await using var listener = await StartAsync(kind, Verified(clientCertificate: false), App.App);

        var result = await listener.GetAsync(Pki.Pinned);

        Expect.Admitted(listener, result);
        var seen = EchoUpstream.HeadersIn(result.Body);
        Assert.Equal(UpstreamTlsPki.Name, seen[TlsEchoUpstream.ServerNameHeader]);
        Assert.Equal("", seen[TlsEchoUpstream.ClientCertificateHeader]);
    }

    [SkippableTheory]
    [MemberData(nameof(Proxies))]
    public async Task Refused_client_never_reaches_the_tls_upstream(ProxyKind kind)
    {
        await using var listener = await StartAsync(kind, Verified(clientCertificate: false), App.App);

        Expect.Forbidden(listener, await listener.GetAsync(Pki.Unpinned));
        Assert.Empty(listener.Upstream.Requests);
    }

    [SkippableTheory]
    [MemberData(nameof(Proxies))]
    public async Task Upstream_certificate_for_another_name_gets_502_and_nothing_is_forwarded(ProxyKind kind)
    {
        await using var listener = await StartAsync(kind, Verified(clientCertificate: false), App.WrongName);

        var result = await listener.GetAsync(Pki.Pinned);

        AssertBadGateway(listener, result);
    }

    [SkippableTheory]
    [MemberData(nameof(Proxies))]
    public async Task Upstream_certificate_from_an_untrusted_ca_gets_502_and_nothing_is_forwarded(ProxyKind kind)
    {
        await using var listener = await StartAsync(kind, Verified(clientCertificate: false), App.Untrusted);

        var result = await listener.GetAsync(Pki.Pinned);

        AssertBadGateway(listener, result);
    }

    [SkippableTheory]
    [MemberData(nameof(Proxies))]
    public async Task The_configured_client_certificate_is_presented_to_the_upstream(ProxyKind kind)
    {
        await using var listener = await StartAsync(kind, Verified(clientCertificate: true), App.App);

        var result = await listener.GetAsync(Pki.Pinned);

        Expect.Admitted(listener, result);
        Assert.Equal(CertificateFingerprints.Of(App.ProxyClient).Sha256, EchoUpstream.HeadersIn(result.Body)[TlsEchoUpstream.ClientCertificateHeader]);
    }

    [SkippableTheory]
    [MemberData(nameof(Proxies))]
    public async Task Only_insecure_skip_verify_reaches_an_upstream_that_does_not_verify(ProxyKind kind)
    {
        var insecure = Scenario(new UpstreamTlsScenario(null, UpstreamTlsPki.Name, null, Insecure: true));
        await using var listener = await StartAsync(kind, insecure, App.Untrusted);

        var result = await listener.GetAsync(Pki.Pinned);

        Expect.Admitted(listener, result);
    }

    private static void AssertBadGateway(RunningListener listener, ProbeResult result)
    {
        Assert.True(result.Outcome == ProbeOutcome.Response && result.Status == 502, listener.Explain(result));
        Assert.False(result.ReachedUpstream, listener.Explain(result));
        Assert.Empty(listener.Upstream.Requests);
    }

    private static ListenerScenario Verified(bool clientCertificate) =>
        Scenario(new UpstreamTlsScenario(App.AppRootPem, UpstreamTlsPki.Name, clientCertificate ? App.ProxyClient : null));

    private static ListenerScenario Scenario(UpstreamTlsScenario upstream) => new(
        "upstls",
        [Scenarios.DefaultServer],
        [new(PinForm.Sha1, Pki.Pinned)],
        [],
        CheckRevocation: false,
        RootCrlMissing: false,
        IdentityHeader: null)
    {
        UpstreamTls = upstream,
    };

    private static async Task<RunningListener> StartAsync(ProxyKind kind, ListenerScenario scenario, System.Security.Cryptography.X509Certificates.X509Certificate2 appCertificate)
    {
        var missing = ProxyBinary.MissingReason(kind.Binary());
        Skip.If(missing is not null, missing);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        return await RunningListener.StartAsync(kind, scenario, timeout.Token, startUpstream: () => TlsEchoUpstream.Start(appCertificate));
    }
}
