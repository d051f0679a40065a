using System.Text;
using MtlsOperator.Engine.Pki;
using TestPki;

namespace MtlsOperator.Engine.Tests.Pki;

public sealed class CertificateBundleTests
{
    private static readonly TestCertificateAuthority s_ca = TestCertificateAuthority.CreateRoot();

    [Fact]
    public void Certificates_are_read_in_order_and_text_between_blocks_is_ignored()
    {
        var a = s_ca.IssueServer("a.example.com");
        var text = "subject=CN=a\n" + PemExport.Certificate(a) + "issuer=...\n" + PemExport.Certificate(s_ca.Certificate);

        var bundle = CertificateBundle.Read(Encoding.UTF8.GetBytes(text));

        Assert.Equal([a, s_ca.Certificate], bundle.Certificates.ToArray());
        Assert.Empty(bundle.Junk);
    }

    [Fact]
    public void Private_key_in_a_certificate_file_is_reported_by_label_without_its_content()
    {
        var a = s_ca.IssueServer("a.example.com");
        var key = PemExport.PrivateKey(a);

        var bundle = CertificateBundle.Read(Encoding.UTF8.GetBytes(PemExport.Certificate(a) + key));

        var junk = Assert.Single(bundle.Junk);
        Assert.Equal("a PRIVATE KEY block is not a certificate", junk);
    }

    [Fact]
    public void Certificate_block_with_garbage_inside_is_reported()
    {
        var bundle = CertificateBundle.Read(Encoding.UTF8.GetBytes("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"));

        Assert.Empty(bundle.Certificates.ToArray());
        Assert.Contains("not a valid X.509 certificate", Assert.Single(bundle.Junk), StringComparison.Ordinal);
    }

    [Fact]
    public void Single_der_certificate_is_read() =>
        Assert.Single(CertificateBundle.Read(s_ca.Certificate.RawData).Certificates);
}
