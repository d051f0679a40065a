using System.Security.Cryptography.X509Certificates;
using System.Text;
using MtlsOperator.Engine.Pki;
using MtlsOperator.Engine.Pki.Keys;

namespace MtlsOperator.Engine.Tests.Pki;

public sealed class SelfSignedIssuerTests
{
    private static readonly DateTimeOffset s_now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(KeyAlgorithm.EcdsaP256)]
    [InlineData(KeyAlgorithm.EcdsaP384)]
    [InlineData(KeyAlgorithm.Rsa2048)]
    [InlineData(KeyAlgorithm.Rsa4096)]
    public void Issued_certificate_has_the_requested_key_and_its_key_matches(string algorithm)
    {
        var issued = SelfSignedIssuer.Issue(["a.example.com"], algorithm, s_now, 90);
        var certificate = X509CertificateLoader.LoadCertificate(Encoding.UTF8.GetBytes(issued.CertificatePem));

        Assert.Equal(algorithm, KeyAlgorithm.Of(certificate));
        Assert.Equal(KeyMatchOutcome.Match, PrivateKeyMatch.Check(certificate, PrivateKeyPem.Read(Encoding.UTF8.GetBytes(issued.KeyPem)).Block!).Outcome);
    }

    [Fact]
    public void Issued_certificate_is_a_self_signed_server_certificate_for_the_hostnames()
    {
        var issued = SelfSignedIssuer.Issue(["a.example.com", "*.b.example.com"], KeyAlgorithm.EcdsaP256, s_now, 10);
        var certificate = X509CertificateLoader.LoadCertificate(Encoding.UTF8.GetBytes(issued.CertificatePem));

        Assert.Equal("CN=a.example.com", certificate.Subject);
        Assert.Equal(["a.example.com", "*.b.example.com"], PresentedNames.Of(certificate).DnsNames.ToArray());
        Assert.True(CertificatePaths.IsSelfSigned(certificate));
        Assert.True(ServerKeyUsage.AllowsDigitalSignature(certificate));
        Assert.True(ServerKeyUsage.AllowsServerAuth(certificate));
        Assert.Equal(s_now.AddMinutes(-5), new DateTimeOffset(certificate.NotBefore.ToUniversalTime()));
        Assert.Equal(s_now.AddDays(10), new DateTimeOffset(certificate.NotAfter.ToUniversalTime()));
    }

    [Fact]
    public void Hostname_too_long_for_a_cn_leaves_the_subject_empty_and_the_san_critical()
    {
        var longName = string.Join('.', Enumerable.Repeat("abcdefghij", 7)) + ".com";
        var issued = SelfSignedIssuer.Issue([longName], KeyAlgorithm.EcdsaP256, s_now, 10);
        var certificate = X509CertificateLoader.LoadCertificate(Encoding.UTF8.GetBytes(issued.CertificatePem));

        Assert.Equal("", certificate.Subject);
        Assert.True(certificate.Extensions["2.5.29.17"]!.Critical);
    }
}
