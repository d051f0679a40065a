using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace MtlsOperator.Engine.Pki.Keys;

/// <summary>The key algorithms the operator generates keys with, by their spec spelling (<c>keyAlgorithm</c> fields).</summary>
public static class KeyAlgorithm
{
    public const string EcdsaP256 = "ECDSA-P256";
    public const string EcdsaP384 = "ECDSA-P384";
    public const string Rsa2048 = "RSA-2048";
    public const string Rsa3072 = "RSA-3072";
    public const string Rsa4096 = "RSA-4096";

    /// <summary>The spec default: small, fast, and accepted by every TLS client still in use.</summary>
    public const string Default = EcdsaP256;

    /// <summary>Every spelling, in the order the docs list them.</summary>
    public static ImmutableArray<string> All { get; } = [EcdsaP256, EcdsaP384, Rsa2048, Rsa3072, Rsa4096];

    /// <summary>True when <paramref name="name"/> is one of <see cref="All"/> (exact spelling).</summary>
    public static bool IsKnown(string? name) => name is not null && All.Contains(name);

    /// <summary>The spec spelling of a certificate's key, or null when it is none of <see cref="All"/>.</summary>
    /// <remarks>Asks the certificate for its key, which it has already decoded (a copy costs ~1 µs); its
    /// <see cref="X509Certificate2.PublicKey"/> would decode and check the key again (~80 µs on OpenSSL 3).</remarks>
    public static string? Of(X509Certificate2 certificate) => Of(certificate.GetRSAPublicKey, certificate.GetECDsaPublicKey);

    /// <summary>The spec spelling of a public key, or null when it is none of <see cref="All"/>.</summary>
    public static string? Of(PublicKey publicKey) => Of(publicKey.GetRSAPublicKey, publicKey.GetECDsaPublicKey);

    private static string? Of(Func<RSA?> rsaKey, Func<ECDsa?> ecKey)
    {
        try
        {
            using var rsa = rsaKey();
            if (rsa is not null)
            {
                return rsa.KeySize switch
                {
                    2048 => Rsa2048,
                    3072 => Rsa3072,
                    4096 => Rsa4096,
                    _ => null,
                };
            }

            using var ec = ecKey();
            return ec?.KeySize switch
            {
                256 => EcdsaP256,
                384 => EcdsaP384,
                _ => null,
            };
        }
        catch (Exception e) when (e is CryptographicException or PlatformNotSupportedException)
        {
            return null;
        }
    }

    /// <summary>A new key pair of <paramref name="name"/>; the caller disposes it.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The name is not one of <see cref="All"/>.</exception>
    public static AsymmetricAlgorithm Create(string name) => name switch
    {
        EcdsaP256 => ECDsa.Create(ECCurve.NamedCurves.nistP256),
        EcdsaP384 => ECDsa.Create(ECCurve.NamedCurves.nistP384),
        Rsa2048 => RSA.Create(2048),
        Rsa3072 => RSA.Create(3072),
        Rsa4096 => RSA.Create(4096),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, $"not one of {string.Join(", ", All)}"),
    };

    /// <summary>The signature hash that matches the key's strength: SHA-384 for P-384, SHA-256 otherwise (what CAs and
    /// OpenSSL's defaults pair them with).</summary>
    public static HashAlgorithmName HashFor(AsymmetricAlgorithm key) =>
        key is ECDsa { KeySize: > 256 } ? HashAlgorithmName.SHA384 : HashAlgorithmName.SHA256;

    /// <summary>A request (for a CSR or a certificate) for <paramref name="subject"/> signed by <paramref name="key"/>,
    /// PKCS#1 v1.5 for RSA (universally accepted by CAs and signing portals; PSS is not).</summary>
    public static CertificateRequest RequestFor(X500DistinguishedName subject, AsymmetricAlgorithm key) => key switch
    {
        RSA rsa => new CertificateRequest(subject, rsa, HashFor(key), RSASignaturePadding.Pkcs1),
        ECDsa ec => new CertificateRequest(subject, ec, HashFor(key)),
        _ => throw new ArgumentException($"{key.GetType().Name} is neither RSA nor ECDSA", nameof(key)),
    };

    /// <summary>A signature generator for certificates issued by <paramref name="key"/>.</summary>
    public static X509SignatureGenerator SignerFor(AsymmetricAlgorithm key) => key switch
    {
        RSA rsa => X509SignatureGenerator.CreateForRSA(rsa, RSASignaturePadding.Pkcs1),
        ECDsa ec => X509SignatureGenerator.CreateForECDsa(ec),
        _ => throw new ArgumentException($"{key.GetType().Name} is neither RSA nor ECDSA", nameof(key)),
    };
}
