using System.Security.Cryptography.X509Certificates;
using System.Text;
using MtlsOperator.Engine.Pki;
using TestPki;

namespace MtlsOperator.Engine.Tests.Pki;

public sealed class PrivateKeyMatchTests
{
    private static readonly TestCertificateAuthority s_ca = TestCertificateAuthority.CreateRoot();

    private static PemBlock KeyOf(string pem) => PrivateKeyPem.Read(Encoding.UTF8.GetBytes(pem)).Block!;

    private static X509Certificate2 Leaf(TestKeyKind kind) => s_ca.IssueServer(new LeafOptions { Key = kind, DnsNames = ["a.example.com"] });

    [Theory]
    [InlineData(TestKeyKind.EcdsaP256)]
    [InlineData(TestKeyKind.EcdsaP384)]
    [InlineData(TestKeyKind.Rsa2048)]
    public void Pkcs8_key_of_the_certificate_matches(TestKeyKind kind)
    {
        var leaf = Leaf(kind);

        Assert.Equal(KeyMatchOutcome.Match, PrivateKeyMatch.Check(leaf, KeyOf(PemExport.PrivateKey(leaf))).Outcome);
    }

    [Fact]
    public void Pkcs1_rsa_key_of_the_certificate_matches()
    {
        var leaf = Leaf(TestKeyKind.Rsa2048);

        Assert.Equal(KeyMatchOutcome.Match, PrivateKeyMatch.Check(leaf, KeyOf(PemExport.RsaPrivateKey(leaf))).Outcome);
    }

    [Theory]
    [InlineData(TestKeyKind.EcdsaP256)]
    [InlineData(TestKeyKind.EcdsaP384)]
    public void Sec1_ec_key_of_the_certificate_matches(TestKeyKind kind)
    {
        var leaf = Leaf(kind);

        Assert.Equal(KeyMatchOutcome.Match, PrivateKeyMatch.Check(leaf, KeyOf(PemExport.EcPrivateKey(leaf))).Outcome);
    }

    [Theory]
    [InlineData(TestKeyKind.EcdsaP256)]
    [InlineData(TestKeyKind.Rsa2048)]
    public void Key_of_another_certificate_with_the_same_algorithm_does_not_match(TestKeyKind kind)
    {
        var leaf = Leaf(kind);
        var other = Leaf(kind);

        Assert.Equal(KeyMatchOutcome.Mismatch, PrivateKeyMatch.Check(leaf, KeyOf(PemExport.PrivateKey(other))).Outcome);
    }

    [Fact]
    public void Key_of_another_algorithm_does_not_match_and_names_both()
    {
        var result = PrivateKeyMatch.Check(Leaf(TestKeyKind.EcdsaP256), KeyOf(PemExport.PrivateKey(Leaf(TestKeyKind.Rsa2048))));

        Assert.Equal(new PrivateKeyMatch(KeyMatchOutcome.Mismatch, "RSA", "ECDSA"), result);
    }

    [Fact]
    public void P256_key_does_not_match_a_P384_certificate()
    {
        var result = PrivateKeyMatch.Check(Leaf(TestKeyKind.EcdsaP384), KeyOf(PemExport.PrivateKey(Leaf(TestKeyKind.EcdsaP256))));

        Assert.Equal(KeyMatchOutcome.Mismatch, result.Outcome);
    }

    [Fact]
    public void Garbage_inside_a_key_block_is_unreadable()
    {
        var result = PrivateKeyMatch.Check(Leaf(TestKeyKind.EcdsaP256), new PemBlock(PrivateKeyPem.Sec1Label, new byte[] { 0x30, 0x03, 0x02, 0x01, 0x01 }));

        Assert.Equal(KeyMatchOutcome.Unreadable, result.Outcome);
    }

    [SkippableFact]
    public void Openssl_ec_key_and_certificate_match()
    {
        Skip.IfNot(OpenSslCommand.IsAvailable, "openssl CLI is not installed");
        using var openssl = new OpenSslCommand();
        openssl.Run("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "key.pem",
            "-out", "cert.pem", "-days", "30", "-subj", "/CN=a.example.com");

        var certificate = X509CertificateLoader.LoadCertificate(openssl.ReadBytes("cert.pem"));

        Assert.Equal(KeyMatchOutcome.Match, PrivateKeyMatch.Check(certificate, PrivateKeyPem.Read(openssl.ReadBytes("key.pem")).Block!).Outcome);
    }

    [SkippableFact]
    public void Openssl_certificate_with_a_compressed_ec_point_matches_its_key_and_not_a_foreign_one()
    {
        Skip.IfNot(OpenSslCommand.IsAvailable, "openssl CLI is not installed");
        using var openssl = new OpenSslCommand();
        openssl.Run("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "plain.pem");
        openssl.Run("ec", "-in", "plain.pem", "-conv_form", "compressed", "-out", "key.pem");
        openssl.Run("req", "-x509", "-key", "key.pem", "-out", "cert.pem", "-days", "30", "-subj", "/CN=a.example.com");
        openssl.Run("pkcs8", "-topk8", "-nocrypt", "-in", "plain.pem", "-out", "key8.pem");
        openssl.Run("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "other.pem");
        var certificate = X509CertificateLoader.LoadCertificate(openssl.ReadBytes("cert.pem"));

        // The certificate spells its point compressed (0x02/0x03), the key files (as .NET can read them) and the re-export
        // uncompressed: equal keys all the same.
        Assert.Contains(certificate.PublicKey.EncodedKeyValue.RawData[0], new byte[] { 0x02, 0x03 });
        Assert.Equal(KeyMatchOutcome.Match, PrivateKeyMatch.Check(certificate, PrivateKeyPem.Read(openssl.ReadBytes("plain.pem")).Block!).Outcome);
        Assert.Equal(KeyMatchOutcome.Match, PrivateKeyMatch.Check(certificate, PrivateKeyPem.Read(openssl.ReadBytes("key8.pem")).Block!).Outcome);
        Assert.Equal(KeyMatchOutcome.Mismatch, PrivateKeyMatch.Check(certificate, PrivateKeyPem.Read(openssl.ReadBytes("other.pem")).Block!).Outcome);
    }

    [SkippableFact]
    public void Openssl_pkcs1_rsa_key_matches_and_a_foreign_one_does_not()
    {
        Skip.IfNot(OpenSslCommand.IsAvailable, "openssl CLI is not installed");
        using var openssl = new OpenSslCommand();
        openssl.Run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "key8.pem", "-out", "cert.pem", "-days", "30", "-subj", "/CN=a.example.com");
        openssl.Run("rsa", "-in", "key8.pem", "-traditional", "-out", "key1.pem");
        openssl.Run("genrsa", "-traditional", "-out", "other.pem", "2048");
        var certificate = X509CertificateLoader.LoadCertificate(openssl.ReadBytes("cert.pem"));
        var own = PrivateKeyPem.Read(openssl.ReadBytes("key1.pem")).Block!;

        Assert.Equal(PrivateKeyPem.Pkcs1Label, own.Label);
        Assert.Equal(KeyMatchOutcome.Match, PrivateKeyMatch.Check(certificate, own).Outcome);
        Assert.Equal(KeyMatchOutcome.Mismatch, PrivateKeyMatch.Check(certificate, PrivateKeyPem.Read(openssl.ReadBytes("other.pem")).Block!).Outcome);
    }

    [SkippableFact]
    public void Openssl_ed25519_pair_is_reported_as_unsupported_not_as_a_crash()
    {
        Skip.IfNot(OpenSslCommand.IsAvailable, "openssl CLI is not installed");
        using var openssl = new OpenSslCommand();
        openssl.Run("req", "-x509", "-newkey", "ed25519", "-nodes", "-keyout", "key.pem", "-out", "cert.pem", "-days", "30", "-subj", "/CN=a.example.com");
        var certificate = X509CertificateLoader.LoadCertificate(openssl.ReadBytes("cert.pem"));

        var result = PrivateKeyMatch.Check(certificate, PrivateKeyPem.Read(openssl.ReadBytes("key.pem")).Block!);

        Assert.Equal(new PrivateKeyMatch(KeyMatchOutcome.UnsupportedAlgorithm, "Ed25519", "Ed25519"), result);
    }
}
