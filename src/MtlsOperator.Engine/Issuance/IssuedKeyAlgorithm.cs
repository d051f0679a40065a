using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace MtlsOperator.Engine.Issuance;

/// <summary>The key algorithms an issued client certificate can have, by their spec spelling (the vocabulary of <c>selfSigned.keyAlgorithm</c>
/// plus the larger RSA sizes some partners require).</summary>
/// <remarks>A local copy until the shared key-generation type of the CSR flow lands; then this delegates to it.</remarks>
public static class IssuedKeyAlgorithm
{
    public const string EcdsaP256 = "ECDSA-P256";
    public const string EcdsaP384 = "ECDSA-P384";
    public const string Rsa2048 = "RSA-2048";
    public const string Rsa3072 = "RSA-3072";
    public const string Rsa4096 = "RSA-4096";

    /// <summary>The spec default.</summary>
    public const string Default = EcdsaP256;

    public static ImmutableArray<string> All { get; } = [EcdsaP256, EcdsaP384, Rsa2048, Rsa3072, Rsa4096];

    /// <summary>A fresh key of <paramref name="name"/>.</summary>
    public static AsymmetricAlgorithm Generate(string name) => name switch
    {
        EcdsaP256 => ECDsa.Create(ECCurve.NamedCurves.nistP256),
        EcdsaP384 => ECDsa.Create(ECCurve.NamedCurves.nistP384),
        Rsa2048 => RSA.Create(2048),
        Rsa3072 => RSA.Create(3072),
        Rsa4096 => RSA.Create(4096),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "unknown key algorithm"),
    };

    /// <summary>The spec spelling of a certificate's key, or null when it is none of <see cref="All"/>.</summary>
    public static string? Of(X509Certificate2 certificate)
    {
        using var rsa = certificate.GetRSAPublicKey();
        if (rsa is not null)
        {
            return rsa.KeySize switch { 2048 => Rsa2048, 3072 => Rsa3072, 4096 => Rsa4096, _ => null };
        }

        using var ec = certificate.GetECDsaPublicKey();
        return ec?.KeySize switch { 256 => EcdsaP256, 384 => EcdsaP384, _ => null };
    }
}
