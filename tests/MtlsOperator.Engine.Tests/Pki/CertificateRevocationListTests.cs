using MtlsOperator.Engine.Pki;
using TestPki;

namespace MtlsOperator.Engine.Tests.Pki;

public sealed class CertificateRevocationListTests
{
    [Fact]
    public void Crl_from_test_pki_lists_the_revoked_serials_issuer_and_dates()
    {
        var ca = TestCertificateAuthority.CreateRoot("CN=Revoking CA,O=Test");
        var revoked = ca.IssueClient("CN=bad");
        var kept = ca.IssueClient("CN=good");
        ca.Revoke(revoked);
        var thisUpdate = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
        var nextUpdate = thisUpdate.AddDays(7);

        var crl = CertificateRevocationList.Parse(ca.CreateCrl(thisUpdate, nextUpdate));

        Assert.Equal([revoked.SerialNumber], crl.RevokedSerials.ToArray());
        Assert.DoesNotContain(kept.SerialNumber, crl.RevokedSerials);
        Assert.Equal("CN=Revoking CA,O=Test", crl.Issuer);
        Assert.Equal((thisUpdate, nextUpdate), (crl.ThisUpdate, crl.NextUpdate));
    }

    [Fact]
    public void Crl_signature_verifies_with_the_issuer_and_not_with_another_ca()
    {
        var ca = TestCertificateAuthority.CreateRoot(key: TestKeyKind.Rsa2048);
        var other = TestCertificateAuthority.CreateRoot();

        var crl = CertificateRevocationList.Parse(ca.CreateCrl());

        Assert.Equal(SignatureCheck.Valid, SignatureVerifier.Verify(crl.Structure, ca.Certificate));
        Assert.Equal(SignatureCheck.Invalid, SignatureVerifier.Verify(crl.Structure, other.Certificate));
    }

    [SkippableFact]
    public void Crl_made_by_openssl_ca_gencrl_parses_with_its_revoked_serials()
    {
        Skip.IfNot(OpensslCli.IsAvailable, "openssl CLI not installed");
        using var dir = new TempDirectory();
        var ca = TestCertificateAuthority.CreateRoot("CN=OpenSSL CRL CA,O=Test", TestKeyKind.Rsa2048);
        dir.Write("ca.crt", PemExport.Certificate(ca.Certificate));
        dir.Write("ca.key", PemExport.PrivateKey(ca.Certificate));
        var revoked = ca.IssueClient("CN=revoked-by-openssl");
        dir.Write("revoked.crt", PemExport.Certificate(revoked));
        dir.Write("index.txt", "");
        dir.Write("crlnumber", "1000\n");
        dir.Write("ca.cnf", """
            [ ca ]
            default_ca = test
            [ test ]
            database = index.txt
            crlnumber = crlnumber
            certificate = ca.crt
            private_key = ca.key
            default_md = sha256
            default_crl_days = 7
            """);
        OpensslCli.RunText(dir.Directory, "ca", "-config", "ca.cnf", "-revoke", "revoked.crt");
        OpensslCli.RunText(dir.Directory, "ca", "-config", "ca.cnf", "-gencrl", "-out", "ca.crl");

        var content = PemOrDer.Read(File.ReadAllBytes(Path.Combine(dir.Directory, "ca.crl")), PemLabels.Crl);
        var crl = CertificateRevocationList.Parse(Assert.Single(content.Objects));

        Assert.Equal([revoked.SerialNumber], crl.RevokedSerials.ToArray());
        Assert.Equal(SignatureCheck.Valid, SignatureVerifier.Verify(crl.Structure, ca.Certificate));
        Assert.Equal(crl.ThisUpdate.AddDays(7), crl.NextUpdate);
    }

    [SkippableFact]
    public void Crl_written_as_pem_is_read_back_by_openssl()
    {
        Skip.IfNot(OpensslCli.IsAvailable, "openssl CLI not installed");
        using var dir = new TempDirectory();
        var ca = TestCertificateAuthority.CreateRoot();
        var revoked = ca.IssueClient();
        ca.Revoke(revoked);
        var crl = CertificateRevocationList.Parse(ca.CreateCrl());
        var path = dir.Write("ca.crl", crl.ToPem());

        var text = OpensslCli.RunText(dir.Directory, "crl", "-in", path, "-noout", "-text");

        Assert.Contains("Serial Number: " + revoked.SerialNumber, text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Truncated_crl_is_refused()
    {
        var der = TestCertificateAuthority.CreateRoot().CreateCrl();

        Assert.ThrowsAny<System.Formats.Asn1.AsnContentException>(() => CertificateRevocationList.Parse(der.AsMemory(0, der.Length - 5)));
    }
}
