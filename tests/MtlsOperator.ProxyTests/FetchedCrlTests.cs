using MtlsOperator.ProxyTests.Infrastructure;
using TestPki;
using TestPki.CrlServer;

namespace MtlsOperator.ProxyTests;

/// <summary>A CRL published at a URL, fetched by the operator's fetcher (<c>render --fetch-crls</c>, the engine and fetcher the controller
/// uses), is what the real proxy enforces: a client admitted under the first CRL is refused once the CRL published there revokes it, and a
/// URL that then serves garbage changes nothing.</summary>
public abstract class FetchedCrlTests(ProxyKind kind)
{
    private static ProxyPki Pki => ProxyPki.Instance;
    private static readonly DateTimeOffset s_second = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.AddMinutes(-10).ToUnixTimeSeconds());

    [SkippableFact]
    public async Task A_crl_published_at_the_url_revokes_a_client_the_proxy_admitted()
    {
        var missing = ProxyBinary.MissingReason(kind.Binary());
        Skip.If(missing is not null, missing);
        await using var server = new TestCrlServer();
        server.Serve("issuing.crl", Der(number: 1));
        var scenario = Scenarios.Pinned(kind) with { Name = "crl-url", IssuingCaCrlUrl = server.UrlOf("issuing.crl") };
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var listener = await RunningListener.StartAsync(kind, scenario, timeout.Token);
        Expect.Admitted(listener, await listener.GetAsync(Pki.Pinned));

        server.Serve("issuing.crl", Der(number: 2, Pki.Pinned));
        await listener.RotateAsync(scenario, timeout.Token);

        Expect.ChainRejected(listener, await listener.GetAsync(Pki.Pinned));
        Assert.Equal(2, server.RequestsFor("issuing.crl"));
    }

    [SkippableFact]
    public async Task A_url_serving_a_crl_of_another_key_is_not_rendered()
    {
        await using var server = new TestCrlServer();
        server.Serve("issuing.crl", TestCertificateAuthority.CreateRoot(Pki.ClientIssuing.Certificate.Subject).CreateCrl());
        var scenario = Scenarios.Pinned(kind) with { Name = "crl-url-impostor", IssuingCaCrlUrl = server.UrlOf("issuing.crl") };

        var result = CliRender.Run(kind, scenario, "crl-url-impostor", "/etc/mtls", 8443, 8080);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("CrlSignatureInvalid", result.Output, StringComparison.Ordinal);
        Assert.Empty(result.Files);
    }

    private static byte[] Der(int number, params System.Security.Cryptography.X509Certificates.X509Certificate2[] revoked) =>
        PemBlock(HandBuiltCrl.BuildPem(Pki.ClientIssuing, new CrlContents { Number = number, ThisUpdate = s_second.AddSeconds(number), Revoked = revoked }));

    private static byte[] PemBlock(string pem)
    {
        var fields = System.Security.Cryptography.PemEncoding.Find(pem);
        return Convert.FromBase64String(pem[fields.Base64Data]);
    }
}

public sealed class HaproxyFetchedCrlTests() : FetchedCrlTests(ProxyKind.Haproxy);

public sealed class NginxFetchedCrlTests() : FetchedCrlTests(ProxyKind.Nginx);
