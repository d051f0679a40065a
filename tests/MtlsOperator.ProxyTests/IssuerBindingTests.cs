using MtlsOperator.ProxyTests.Infrastructure;

namespace MtlsOperator.ProxyTests;

/// <summary>An issuer rule means "issued by this CA certificate". A partner root in the same bundle can issue an intermediate named
/// like the corporate issuing CA (certificates made by the openssl CLI); its clients must never match the rule. The operator
/// refuses the bundle while the partner root could do that, and once the root is restricted (pathlen:0 or a name constraint)
/// the real proxies refuse the impostor's client, because OpenSSL enforces those restrictions.</summary>
public sealed class IssuerBindingTests
{
    private static ProxyPki Pki => ProxyPki.Instance;

    [Theory]
    [InlineData(ProxyKind.Haproxy)]
    [InlineData(ProxyKind.Nginx)]
    public void A_partner_root_that_could_issue_an_impostor_of_the_issuing_ca_is_refused_naming_both(ProxyKind kind)
    {
        using var partner = new OpensslPartnerPki(PartnerRootLimit.None);
        Assert.True(partner.SpoofVerifies(Pki.ClientBundlePem + partner.RootPem), "the impostor's client chains to the bundle: the threat is real");

        var result = CliRender.Run(kind, Scenarios.PartnerRootInBundle(partner.RootPem), "binding", "/etc/mtls", 8443, 8080);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("AmbiguousIssuer", result.Output, StringComparison.Ordinal);
        Assert.Contains("CN=Corp Issuing CA,O=Corp", result.Output, StringComparison.Ordinal);
        Assert.Contains(OpensslPartnerPki.RootName, result.Output, StringComparison.Ordinal);
        Assert.Empty(result.Files);
    }

    [SkippableTheory]
    [InlineData(ProxyKind.Haproxy, PartnerRootLimit.PathLengthZero)]
    [InlineData(ProxyKind.Nginx, PartnerRootLimit.PathLengthZero)]
    [InlineData(ProxyKind.Haproxy, PartnerRootLimit.PermittedPartnerOnly)]
    [InlineData(ProxyKind.Nginx, PartnerRootLimit.PermittedPartnerOnly)]
    public async Task With_the_partner_root_restricted_only_the_issuing_cas_own_clients_match(ProxyKind kind, PartnerRootLimit limit)
    {
        var missing = ProxyBinary.MissingReason(kind.Binary());
        Skip.If(missing is not null, missing);
        using var partner = new OpensslPartnerPki(limit);
        Assert.False(partner.SpoofVerifies(Pki.ClientBundlePem + partner.RootPem), "openssl verify refuses the impostor's client");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var listener = await RunningListener.StartAsync(kind, Scenarios.PartnerRootInBundle(partner.RootPem), timeout.Token);

        Expect.Admitted(listener, await listener.GetAsync(Pki.Partner));
        // The partner root's own client fails the issuer condition (403); under the name constraint its O=Corp subject already fails the chain.
        var direct = await listener.GetAsync(partner.Direct);
        if (limit == PartnerRootLimit.PathLengthZero)
        {
            Expect.Forbidden(listener, direct);
        }
        else
        {
            Expect.ChainRejected(listener, direct);
        }

        var output = await OpensslClient.ConnectAsync(listener.Port, partner.Spoofed, "api.test", timeout.Token, "-cert_chain", partner.PathOf("impostor.crt"));

        Assert.DoesNotContain("HTTP/1.1 200", output, StringComparison.Ordinal);
        Assert.DoesNotContain(listener.Upstream.Requests, r => !r.ContainsKey("x-probe-id"));
    }
}
