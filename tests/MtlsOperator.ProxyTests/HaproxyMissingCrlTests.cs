using MtlsOperator.ProxyTests.Infrastructure;

namespace MtlsOperator.ProxyTests;

/// <summary>Revocation with a CRL from the issuing CA only. HAProxy renders <c>ca-ignore-err 3</c>: the root's missing CRL is
/// tolerated for the intermediate it signed, while revocation of clients is still enforced and a client the root issued directly
/// (whose CRL is the missing one) is still refused. nginx refuses to render this (see <see cref="EngineRefusalTests"/>).</summary>
public sealed class HaproxyMissingCrlTests(HaproxyMissingRootCrlFixture fixture) : IClassFixture<HaproxyMissingRootCrlFixture>
{
    private static ProxyPki Pki => ProxyPki.Instance;

    [SkippableFact]
    public async Task Client_of_the_issuing_ca_is_admitted() => Expect.Admitted(fixture.Listener, await fixture.Listener.GetAsync(Pki.Pinned));

    [SkippableFact]
    public async Task Revoked_client_is_still_rejected() => Expect.ChainRejected(fixture.Listener, await fixture.Listener.GetAsync(Pki.Revoked));

    [SkippableFact]
    public async Task Client_issued_by_the_ca_without_a_crl_is_rejected() =>
        Expect.ChainRejected(fixture.Listener, await fixture.Listener.GetAsync(Pki.RootIssued));
}
