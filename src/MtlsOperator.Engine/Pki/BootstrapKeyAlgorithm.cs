using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace MtlsOperator.Engine.Pki;

/// <summary>The key algorithms a self-signed bootstrap certificate can be generated with, by their spec spelling.</summary>
public static class BootstrapKeyAlgorithm
{
    public const string EcdsaP256 = "ECDSA-P256";
    public const string EcdsaP384 = "ECDSA-P384";
    public const string Rsa2048 = "RSA-2048";

    /// <summary>The spec default.</summary>
    public const string Default = EcdsaP256;

    public static ImmutableArray<string> All { get; } = [EcdsaP256, EcdsaP384, Rsa2048];

    /// <summary>The spec spelling of a certificate's key, or null when it is none of <see cref="All"/>.</summary>
    public static string? Of(X509Certificate2 certificate)
    {
        try
        {
            using var rsa = certificate.GetRSAPublicKey();
            if (rsa is not null)
            {
                return rsa.KeySize == 2048 ? Rsa2048 : null;
            }

            using var ec = certificate.GetECDsaPublicKey();
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
}
