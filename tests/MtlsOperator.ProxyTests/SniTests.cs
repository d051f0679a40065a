using System.Security.Cryptography.X509Certificates;
using MtlsOperator.ProxyTests.Infrastructure;

namespace MtlsOperator.ProxyTests;

/// <summary>Several server certificates: SNI picks exact and wildcard names, anything else gets the default, and every served chain
/// verifies at a client that trusts nothing but the server root.</summary>
public abstract class SniTests(ListenerFixture fixture)
{
    protected ProxyPki Pki => ProxyPki.Instance;

    [SkippableTheory]
    [InlineData("exact.test", "exact.test")]
    [InlineData("EXACT.test", "exact.test")]
    [InlineData("a.tenants.test", "*.tenants.test")]
    [InlineData("api.test", "api.test")]
    [InlineData("unknown.test", "api.test")]
    [InlineData("a.b.tenants.test", "api.test")]
    [InlineData(null, "api.test")]
    public async Task Server_name_selects_the_certificate_and_its_chain_verifies(string? serverName, string expectedName)
    {
        var listener = fixture.Listener;
        var result = await listener.GetAsync(Pki.Partner, serverName);
        Expect.Admitted(listener, result);
        Assert.Equal(expectedName, result.ServerCertificate?.GetNameInfo(X509NameType.DnsName, forIssuer: false));
        Assert.True(result.ServerChainTrusted, listener.Explain(result));
    }
}

public sealed class HaproxySniTests(HaproxySniFixture fixture) : SniTests(fixture), IClassFixture<HaproxySniFixture>;

public sealed class NginxSniTests(NginxSniFixture fixture) : SniTests(fixture), IClassFixture<NginxSniFixture>;
