using System.Security.Cryptography;
using System.Text;
using CsCheck;
using MtlsOperator.Cli;

namespace MtlsOperator.Tests.Cli;

/// <summary>The redaction of render's readable view: every form of PEM private key, wherever it sits in a value, is replaced; nothing
/// else changes. Seeded random texts around real keys; on failure CsCheck prints the seed, replay with <c>CsCheck_Seed</c>.</summary>
public sealed class SecretViewTests
{
    private static readonly (string Label, Func<string> Pem, string Kind)[] s_keys =
    [
        ("PKCS#8 EC", () => ECDsa.Create(ECCurve.NamedCurves.nistP256).ExportPkcs8PrivateKeyPem(), "EC"),
        ("SEC1 EC", () => ECDsa.Create(ECCurve.NamedCurves.nistP384).ExportECPrivateKeyPem(), "EC"),
        ("PKCS#8 RSA", () => RSA.Create(2048).ExportPkcs8PrivateKeyPem(), "RSA"),
        ("PKCS#1 RSA", () => RSA.Create(2048).ExportRSAPrivateKeyPem(), "RSA"),
        ("encrypted", () => ECDsa.Create(ECCurve.NamedCurves.nistP256).ExportEncryptedPkcs8PrivateKeyPem("pw", new PbeParameters(PbeEncryptionAlgorithm.Aes128Cbc, HashAlgorithmName.SHA256, 1000)), "encrypted"),
    ];

    private static readonly Lazy<string[]> s_pems = new(() => [.. s_keys.Select(k => k.Pem())]);

    private static readonly Gen<string> s_text = Gen.String[Gen.Char["abc -=:\n\t/+_."], 0, 40];

    [Fact]
    public void Every_private_key_in_a_value_is_replaced_and_the_text_around_it_is_kept()
    {
        Gen.Select(s_text, Gen.Int[0, s_keys.Length - 1].Array[1, 3], s_text).Sample((before, keys, after) =>
        {
            var value = before + string.Concat(keys.Select(k => s_pems.Value[k] + "\n" + after));

            var shown = SecretView.Readable(Encoding.UTF8.GetBytes(value));

            Assert.DoesNotContain("PRIVATE KEY", shown, StringComparison.Ordinal);
            Assert.All(keys, k => Assert.All(RenderOutputTests.KeyBodyLines(s_pems.Value[k]), line => Assert.DoesNotContain(line, shown, StringComparison.Ordinal)));
            Assert.StartsWith(before, shown, StringComparison.Ordinal);
            Assert.Equal(keys.Length, shown.Split("<redacted: ").Length - 1);
            foreach (var k in keys.Distinct())
            {
                var der = Engine.Pki.PemBlock.ReadAll(s_pems.Value[k]).Single().Der.Length;
                Assert.Contains($"<redacted: {s_keys[k].Kind} private key, {der} bytes>", shown, StringComparison.Ordinal);
            }
        });
    }

    [Fact]
    public void A_key_block_that_never_ends_is_redacted_to_the_end_of_the_value()
    {
        var pem = s_pems.Value[0];
        var truncated = "cert\n" + pem[..(pem.Length / 2)];

        var shown = SecretView.Readable(Encoding.UTF8.GetBytes(truncated));

        Assert.Equal("cert\n<redacted: malformed private key>", shown);
    }

    [Fact]
    public void A_value_that_is_not_text_is_shown_by_size_and_hash_only()
    {
        byte[] der = [0x30, 0x82, 0x01, 0x00, 0x02, 0x01];

        var shown = SecretView.Readable(der);

        Assert.Equal($"<binary: 6 bytes, sha256 {Convert.ToHexStringLower(SHA256.HashData(der))}>", shown);
    }

    [Fact]
    public void Text_without_keys_is_shown_as_it_is()
    {
        const string config = "global\n    log stdout format raw local0\n\tfrontend mtls\n";

        Assert.Equal(config, SecretView.Readable(Encoding.UTF8.GetBytes(config)));
    }
}
