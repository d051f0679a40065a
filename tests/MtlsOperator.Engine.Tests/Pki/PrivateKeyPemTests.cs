using System.Text;
using MtlsOperator.Engine.Pki;
using TestPki;

namespace MtlsOperator.Engine.Tests.Pki;

public sealed class PrivateKeyPemTests
{
    private static readonly TestCertificateAuthority s_ca = TestCertificateAuthority.CreateRoot();

    private static PrivateKeyPem Read(string text) => PrivateKeyPem.Read(Encoding.UTF8.GetBytes(text));

    [Theory]
    [InlineData(TestKeyKind.EcdsaP256, "PRIVATE KEY")]
    [InlineData(TestKeyKind.Rsa2048, "PRIVATE KEY")]
    public void Pkcs8_key_is_read(TestKeyKind kind, string label)
    {
        var leaf = s_ca.IssueServer(new LeafOptions { Key = kind, DnsNames = ["a.example.com"] });

        var key = Read(PemExport.PrivateKey(leaf));

        Assert.Equal(PrivateKeyRefusal.None, key.Refusal);
        Assert.Equal(label, key.Block!.Label);
    }

    [Fact]
    public void Ec_parameters_block_is_left_out_of_the_key()
    {
        var leaf = s_ca.IssueServer("a.example.com");
        var text = "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n" + PemExport.EcPrivateKey(leaf);

        var key = Read(text);

        Assert.Equal(PrivateKeyPem.Sec1Label, key.Block!.Label);
        Assert.DoesNotContain("EC PARAMETERS", key.Block.ToPem(), StringComparison.Ordinal);
    }

    [Fact]
    public void Encrypted_pkcs8_key_is_refused()
    {
        var leaf = s_ca.IssueServer("a.example.com");

        var key = Read(PemExport.EncryptedPrivateKey(leaf, "secret"));

        Assert.Equal(PrivateKeyRefusal.Encrypted, key.Refusal);
        Assert.Null(key.Block);
    }

    [Fact]
    public void Legacy_encrypted_pem_is_refused()
    {
        var text = "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00112233445566778899AABBCCDDEEFF\n\nAAAA\n-----END RSA PRIVATE KEY-----\n";

        Assert.Equal(PrivateKeyRefusal.Encrypted, Read(text).Refusal);
    }

    [Fact]
    public void Two_keys_are_refused_as_ambiguous()
    {
        var a = s_ca.IssueServer("a.example.com");
        var b = s_ca.IssueServer("b.example.com");

        Assert.Equal(PrivateKeyRefusal.Several, Read(PemExport.PrivateKey(a) + PemExport.PrivateKey(b)).Refusal);
    }

    [Fact]
    public void OpenSsh_key_is_refused_as_unsupported_format()
    {
        var key = Read("-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmU=\n-----END OPENSSH PRIVATE KEY-----\n");

        Assert.Equal(PrivateKeyRefusal.UnsupportedFormat, key.Refusal);
        Assert.Equal("OPENSSH PRIVATE KEY", key.Label);
    }

    [Fact]
    public void Text_without_a_key_is_missing() => Assert.Equal(PrivateKeyRefusal.Missing, Read("hello").Refusal);
}
