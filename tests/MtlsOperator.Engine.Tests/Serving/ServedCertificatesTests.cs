using System.Text;
using MtlsOperator.Engine.Serving;
using TestPki;

namespace MtlsOperator.Engine.Tests.Serving;

public sealed class ServedCertificatesTests
{
    [Fact]
    public void The_earliest_leaf_not_after_among_certificates_with_a_key_beside_them()
    {
        var root = TestCertificateAuthority.CreateRoot("CN=Served Root,O=Test");
        var early = root.IssueServer(new LeafOptions { DnsNames = ["a.example.com"], NotAfter = DateTimeOffset.UtcNow.AddDays(10) });
        var late = root.IssueServer(new LeafOptions { DnsNames = ["b.example.com"], NotAfter = DateTimeOffset.UtcNow.AddDays(40) });
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal)
        {
            ["tls.crt"] = Encoding.UTF8.GetBytes(PemExport.Certificate(late) + PemExport.Certificate(root.Certificate)),
            ["tls.key"] = Encoding.UTF8.GetBytes(PemExport.PrivateKey(late)),
            ["sni-a.crt"] = Encoding.UTF8.GetBytes(PemExport.Certificate(early)),
            ["sni-a.key"] = Encoding.UTF8.GetBytes(PemExport.PrivateKey(early)),
            // The client CA bundle has no key and expires first: it is not served.
            ["ca.crt"] = Encoding.UTF8.GetBytes(PemExport.Certificate(root.IssueServer(new LeafOptions { DnsNames = ["ca.example.com"], NotAfter = DateTimeOffset.UtcNow.AddDays(1) }))),
        };

        Assert.Equal(early.NotAfter.ToUniversalTime(), ServedCertificates.EarliestNotAfter(files)!.Value.UtcDateTime);
    }

    [Fact]
    public void No_served_certificate_means_no_expiry()
    {
        Assert.Null(ServedCertificates.EarliestNotAfter(new Dictionary<string, byte[]> { ["ca.crt"] = "x"u8.ToArray(), ["tls.crt"] = "not pem"u8.ToArray(), ["tls.key"] = [] }));
    }
}
