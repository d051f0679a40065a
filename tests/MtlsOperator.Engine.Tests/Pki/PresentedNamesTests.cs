using MtlsOperator.Engine.Pki;
using TestPki;

namespace MtlsOperator.Engine.Tests.Pki;

public sealed class PresentedNamesTests
{
    private static readonly TestCertificateAuthority s_ca = TestCertificateAuthority.CreateRoot();

    [Fact]
    public void San_dns_names_are_used_and_the_cn_is_ignored()
    {
        var certificate = s_ca.Issue("CN=cn-only.example.com", new LeafOptions { DnsNames = ["a.example.com", "*.b.example.com"] }, TestCertificateAuthority.ServerAuthOid);

        var names = PresentedNames.Of(certificate);

        Assert.Equal(["a.example.com", "*.b.example.com"], names.ForMatching.ToArray());
        Assert.Equal("cn-only.example.com", names.CommonName);
    }

    [Fact]
    public void Cn_is_used_only_when_there_is_no_san_extension()
    {
        var certificate = s_ca.Issue("CN=legacy.example.com,O=Test", new LeafOptions(), TestCertificateAuthority.ServerAuthOid);

        Assert.Equal(["legacy.example.com"], PresentedNames.Of(certificate).ForMatching.ToArray());
    }

    [Fact]
    public void San_with_only_a_uri_disables_the_cn_fallback()
    {
        var certificate = s_ca.Issue("CN=legacy.example.com", new LeafOptions { Uris = [new Uri("spiffe://example.org/svc")] }, TestCertificateAuthority.ServerAuthOid);

        var names = PresentedNames.Of(certificate);

        Assert.True(names.HasSanExtension);
        Assert.Empty(names.ForMatching.ToArray());
    }
}
