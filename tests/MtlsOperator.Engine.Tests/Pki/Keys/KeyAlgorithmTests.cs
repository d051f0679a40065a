using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MtlsOperator.Engine.Pki.Keys;

namespace MtlsOperator.Engine.Tests.Pki.Keys;

/// <summary>A certificate's key algorithm is named as its public key is, for every key the operator knows and for keys it does not.</summary>
public sealed class KeyAlgorithmTests
{
    public static TheoryData<string, string?> Keys => new()
    {
        { "ECDSA-P256", KeyAlgorithm.EcdsaP256 },
        { "ECDSA-P384", KeyAlgorithm.EcdsaP384 },
        { "ECDSA-P521", null },
        { "RSA-2048", KeyAlgorithm.Rsa2048 },
        { "RSA-3072", KeyAlgorithm.Rsa3072 },
        { "RSA-1024", null },
        { "RSA-2056", null },
    };

    [Theory]
    [MemberData(nameof(Keys))]
    public void A_certificate_is_named_as_its_public_key(string key, string? expected)
    {
        using var certificate = SelfSigned(key);

        Assert.Equal(expected, KeyAlgorithm.Of(certificate));
        Assert.Equal(expected, KeyAlgorithm.Of(certificate.PublicKey));
    }

    private static X509Certificate2 SelfSigned(string key)
    {
        var now = DateTimeOffset.UtcNow;
        if (key.StartsWith("ECDSA", StringComparison.Ordinal))
        {
            using var ec = ECDsa.Create(key switch
            {
                "ECDSA-P256" => ECCurve.NamedCurves.nistP256,
                "ECDSA-P384" => ECCurve.NamedCurves.nistP384,
                _ => ECCurve.NamedCurves.nistP521,
            });
            return new CertificateRequest("CN=key", ec, HashAlgorithmName.SHA256).CreateSelfSigned(now, now.AddDays(1));
        }

        using var rsa = RSA.Create(int.Parse(key["RSA-".Length..], System.Globalization.CultureInfo.InvariantCulture));
        return new CertificateRequest("CN=key", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1).CreateSelfSigned(now, now.AddDays(1));
    }
}
