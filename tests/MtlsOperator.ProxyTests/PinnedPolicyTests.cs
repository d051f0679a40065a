using MtlsOperator.Engine.Pki;
using MtlsOperator.ProxyTests.Infrastructure;

namespace MtlsOperator.ProxyTests;

/// <summary>A pinned policy in the real proxy: only pinned certificates that also chain, are unrevoked and unexpired get in.</summary>
public abstract class PinnedPolicyTests(ListenerFixture fixture)
{
    protected ProxyPki Pki => ProxyPki.Instance;

    protected RunningListener Listener => fixture.Listener;

    [SkippableFact]
    public async Task Client_pinned_by_sha1_is_admitted() => Expect.Admitted(Listener, await Listener.GetAsync(Pki.Pinned));

    [SkippableFact]
    public async Task Client_pinned_by_its_certificate_is_admitted() => Expect.Admitted(Listener, await Listener.GetAsync(Pki.SecondPinned));

    [SkippableFact]
    public async Task Old_and_renewed_certificates_sharing_a_key_are_both_admitted_when_both_are_pinned()
    {
        Assert.Equal(CertificateFingerprints.Of(Pki.SecondPinned).SpkiSha256, CertificateFingerprints.Of(Pki.SecondPinnedRenewed).SpkiSha256);
        Expect.Admitted(Listener, await Listener.GetAsync(Pki.SecondPinned));
        Expect.Admitted(Listener, await Listener.GetAsync(Pki.SecondPinnedRenewed));
    }

    [SkippableFact]
    public async Task Unpinned_client_of_the_same_ca_is_forbidden() => Expect.Forbidden(Listener, await Listener.GetAsync(Pki.Unpinned));

    [SkippableFact]
    public async Task Client_without_a_certificate_is_rejected() => Expect.ChainRejected(Listener, await Listener.GetAsync(null));

    [SkippableFact]
    public async Task Pinned_client_of_another_ca_is_rejected() => Expect.ChainRejected(Listener, await Listener.GetAsync(Pki.OtherCaPartner));

    [SkippableFact]
    public async Task Revoked_pinned_client_is_rejected() => Expect.ChainRejected(Listener, await Listener.GetAsync(Pki.Revoked));

    [SkippableFact]
    public async Task Expired_pinned_client_is_rejected() => Expect.ChainRejected(Listener, await Listener.GetAsync(Pki.Expired));

    /// <summary>TLS 1.2 sends the client certificate inside the handshake, TLS 1.3 after it: both must end the same way.</summary>
    [SkippableFact]
    public async Task Tls12_clients_meet_the_same_policy()
    {
        Expect.Admitted(Listener, await Listener.GetAsync(Pki.Pinned, protocols: Tls12));
        Expect.Forbidden(Listener, await Listener.GetAsync(Pki.Unpinned, protocols: Tls12));
        Expect.ChainRejected(Listener, await Listener.GetAsync(Pki.Revoked, protocols: Tls12));
        Expect.ChainRejected(Listener, await Listener.GetAsync(Pki.Expired, protocols: Tls12));
        Expect.ChainRejected(Listener, await Listener.GetAsync(null, protocols: Tls12));
    }

    private const System.Security.Authentication.SslProtocols Tls12 = System.Security.Authentication.SslProtocols.Tls12;
}

public sealed class HaproxyPinnedPolicyTests(HaproxyPinnedFixture fixture) : PinnedPolicyTests(fixture), IClassFixture<HaproxyPinnedFixture>
{
    [SkippableFact]
    public async Task Client_pinned_by_sha256_is_admitted() => Expect.Admitted(Listener, await Listener.GetAsync(Pki.Sha256Pinned));

    [SkippableFact]
    public async Task Revoked_client_gets_the_certificate_revoked_alert()
    {
        var listener = Listener;
        Skip.If(ProxyBinary.Find("openssl") is null, "openssl is not installed");
        var output = await OpensslClient.ConnectAsync(listener.Port, Pki.Revoked, "api.test", CancellationToken.None);
        Assert.Contains("certificate revoked", output, StringComparison.Ordinal);
    }
}

public sealed class NginxPinnedPolicyTests(NginxPinnedFixture fixture) : PinnedPolicyTests(fixture), IClassFixture<NginxPinnedFixture>;
