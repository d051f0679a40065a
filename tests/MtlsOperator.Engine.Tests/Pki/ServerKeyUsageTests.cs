using System.Security.Cryptography.X509Certificates;
using MtlsOperator.Engine.Pki;
using TestPki;

namespace MtlsOperator.Engine.Tests.Pki;

public sealed class ServerKeyUsageTests
{
    private static readonly TestCertificateAuthority s_ca = TestCertificateAuthority.CreateRoot();

    [Fact]
    public void Usual_server_certificate_allows_signature_and_server_auth()
    {
        var leaf = s_ca.IssueServer("a.example.com");

        Assert.True(ServerKeyUsage.AllowsDigitalSignature(leaf));
        Assert.True(ServerKeyUsage.AllowsServerAuth(leaf));
    }

    [Fact]
    public void Rsa_key_encipherment_without_digital_signature_is_not_enough()
    {
        var leaf = s_ca.IssueServer(new LeafOptions { Key = TestKeyKind.Rsa2048, KeyUsage = X509KeyUsageFlags.KeyEncipherment, DnsNames = ["a.example.com"] });

        Assert.False(ServerKeyUsage.AllowsDigitalSignature(leaf));
    }

    [Fact]
    public void Client_only_eku_does_not_allow_server_auth()
    {
        var leaf = s_ca.IssueClient();

        Assert.False(ServerKeyUsage.AllowsServerAuth(leaf));
    }

    [Fact]
    public void Absent_eku_allows_server_auth()
    {
        var leaf = s_ca.IssueServer(new LeafOptions { ExtendedKeyUsages = [], DnsNames = ["a.example.com"] });

        Assert.True(ServerKeyUsage.AllowsServerAuth(leaf));
    }

    [Fact]
    public void Any_extended_key_usage_alone_does_not_allow_server_auth()
    {
        var leaf = s_ca.IssueServer(new LeafOptions { ExtendedKeyUsages = ["2.5.29.37.0"], DnsNames = ["a.example.com"] });

        Assert.False(ServerKeyUsage.AllowsServerAuth(leaf));
    }
}
