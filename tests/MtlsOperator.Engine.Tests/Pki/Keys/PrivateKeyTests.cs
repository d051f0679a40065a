using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using MtlsOperator.Engine.Pki;
using MtlsOperator.Engine.Pki.Keys;
using TestPki;

namespace MtlsOperator.Engine.Tests.Pki.Keys;

public sealed class PrivateKeyTests
{
    public static TheoryData<string> Algorithms() => [.. KeyAlgorithm.All];

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void A_generated_key_has_the_named_algorithm(string algorithm)
    {
        var key = PrivateKey.Generate(algorithm);
        using var opened = key.Open();

        Assert.Equal(algorithm, key.Algorithm);
        Assert.Equal(algorithm, KeyAlgorithm.Of(PublicKey.CreateFromSubjectPublicKeyInfo(key.SubjectPublicKeyInfo.Span, out _)));
        Assert.StartsWith("-----BEGIN PRIVATE KEY-----", key.Pem, StringComparison.Ordinal);
    }

    [SkippableTheory]
    [MemberData(nameof(Algorithms))]
    public void Openssl_reads_a_generated_key_and_computes_the_same_spki_pin(string algorithm)
    {
        Skip.IfNot(OpensslCli.IsAvailable, "openssl CLI not installed");
        using var dir = new TempDirectory();
        var key = PrivateKey.Generate(algorithm);
        dir.Write("key.pem", key.Pem);

        var spki = OpensslCli.Run(dir.Directory, ["pkey", "-in", "key.pem", "-pubout", "-outform", "DER"]);

        Assert.Equal(key.SpkiSha256, Convert.ToBase64String(SHA256.HashData(spki)));
    }

    [SkippableTheory]
    [InlineData("EC", "ec_paramgen_curve:P-256", KeyAlgorithm.EcdsaP256)]
    [InlineData("EC", "ec_paramgen_curve:P-384", KeyAlgorithm.EcdsaP384)]
    [InlineData("RSA", "rsa_keygen_bits:2048", KeyAlgorithm.Rsa2048)]
    [InlineData("RSA", "rsa_keygen_bits:3072", KeyAlgorithm.Rsa3072)]
    public void A_key_made_by_openssl_reads_with_its_algorithm_and_pin(string type, string option, string expected)
    {
        Skip.IfNot(OpensslCli.IsAvailable, "openssl CLI not installed");
        using var dir = new TempDirectory();
        var pem = OpensslCli.Run(dir.Directory, ["genpkey", "-algorithm", type, "-pkeyopt", option]);
        File.WriteAllBytes(Path.Combine(dir.Directory, "key.pem"), pem);
        var spki = OpensslCli.Run(dir.Directory, ["pkey", "-in", "key.pem", "-pubout", "-outform", "DER"]);

        var key = PrivateKey.Read(pem);

        Assert.NotNull(key);
        Assert.Equal(expected, key.Algorithm);
        Assert.Equal(Convert.ToBase64String(SHA256.HashData(spki)), key.SpkiSha256);
    }

    [SkippableFact]
    public void A_traditional_sec1_key_is_read_and_kept_as_pkcs8()
    {
        Skip.IfNot(OpensslCli.IsAvailable, "openssl CLI not installed");
        using var dir = new TempDirectory();
        var sec1 = OpensslCli.Run(dir.Directory, ["ecparam", "-name", "prime256v1", "-genkey", "-noout"]);

        var key = PrivateKey.Read(sec1);

        Assert.StartsWith("-----BEGIN EC PRIVATE KEY-----", Encoding.UTF8.GetString(sec1), StringComparison.Ordinal);
        Assert.NotNull(key);
        Assert.StartsWith("-----BEGIN PRIVATE KEY-----", key.Pem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not a key")]
    [InlineData("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")]
    public void Unreadable_text_is_no_key(string text) => Assert.Null(PrivateKey.Read(text));

    [Fact]
    public void A_key_of_an_algorithm_outside_the_vocabulary_is_no_key()
    {
        using var rsa = RSA.Create(1024);
        using var p521 = ECDsa.Create(ECCurve.NamedCurves.nistP521);

        Assert.Null(PrivateKey.Read(rsa.ExportPkcs8PrivateKeyPem()));
        Assert.Null(PrivateKey.Read(p521.ExportPkcs8PrivateKeyPem()));
    }

    [Fact]
    public void Owns_tells_its_public_half_from_another_key()
    {
        var key = PrivateKey.Generate(KeyAlgorithm.EcdsaP256);
        var other = PrivateKey.Generate(KeyAlgorithm.EcdsaP256);

        Assert.True(key.Owns(key.SubjectPublicKeyInfo.Span));
        Assert.False(key.Owns(other.SubjectPublicKeyInfo.Span));
    }

    [Fact]
    public void Printing_a_key_shows_its_pin_never_its_material()
    {
        var key = PrivateKey.Generate(KeyAlgorithm.EcdsaP256);

        Assert.DoesNotContain("PRIVATE", key.ToString(), StringComparison.Ordinal);
        Assert.Contains(key.SpkiSha256, key.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ecdsa-p256")]
    [InlineData("RSA-1024")]
    [InlineData("Ed25519")]
    public void An_unknown_algorithm_name_is_refused(string name)
    {
        Assert.False(KeyAlgorithm.IsKnown(name));
        Assert.Throws<ArgumentOutOfRangeException>(() => PrivateKey.Generate(name));
    }

    [Fact]
    public void A_p384_key_signs_with_sha384_and_the_others_with_sha256()
    {
        using var p384 = KeyAlgorithm.Create(KeyAlgorithm.EcdsaP384);
        using var p256 = KeyAlgorithm.Create(KeyAlgorithm.EcdsaP256);
        using var rsa = KeyAlgorithm.Create(KeyAlgorithm.Rsa2048);

        Assert.Equal(HashAlgorithmName.SHA384, KeyAlgorithm.HashFor(p384));
        Assert.Equal(HashAlgorithmName.SHA256, KeyAlgorithm.HashFor(p256));
        Assert.Equal(HashAlgorithmName.SHA256, KeyAlgorithm.HashFor(rsa));
    }

    [Fact]
    public void A_certificate_made_for_a_generated_key_matches_it()
    {
        var key = PrivateKey.Generate(KeyAlgorithm.Rsa3072);
        var issued = SelfSignedIssuer.Issue(["a.example.com"], key, DateTimeOffset.UtcNow, 1);
        using var certificate = X509Certificate2.CreateFromPem(issued.CertificatePem);

        Assert.Equal(key.Pem, issued.KeyPem);
        Assert.True(key.Owns(certificate.PublicKey.ExportSubjectPublicKeyInfo()));
    }
}
