using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace MtlsOperator.Engine.Pki;

/// <summary>Whether a certificate's key usage and extended key usage allow it to authenticate a TLS server.</summary>
/// <remarks>
/// Digital Signature is required whenever a KeyUsage extension is present, also for RSA: KeyEncipherment alone serves only
/// TLS 1.2 RSA key transport, which forward-secret (ECDHE) and TLS 1.3 handshakes never use; there the server signs the
/// handshake, and strict clients (NSS, SChannel, Java) reject a certificate without Digital Signature.
/// An EKU extension must list serverAuth itself; anyExtendedKeyUsage is not enough, as OpenSSL does not accept it either.
/// </remarks>
public static class ServerKeyUsage
{
    public const string ServerAuthOid = "1.3.6.1.5.5.7.3.1";
    private const string KeyUsageOid = "2.5.29.15";
    private const string ExtendedKeyUsageOid = "2.5.29.37";

    /// <summary>True when there is no KeyUsage extension or it includes Digital Signature.</summary>
    public static bool AllowsDigitalSignature(X509Certificate2 certificate)
    {
        var extension = certificate.Extensions.FirstOrDefault(e => e.Oid?.Value == KeyUsageOid);
        if (extension is null)
        {
            return true;
        }

        try
        {
            return new X509KeyUsageExtension(extension, extension.Critical).KeyUsages.HasFlag(X509KeyUsageFlags.DigitalSignature);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    /// <summary>True when there is no EKU extension or it includes serverAuth.</summary>
    public static bool AllowsServerAuth(X509Certificate2 certificate)
    {
        var extension = certificate.Extensions.FirstOrDefault(e => e.Oid?.Value == ExtendedKeyUsageOid);
        if (extension is null)
        {
            return true;
        }

        try
        {
            return new X509EnhancedKeyUsageExtension(extension, extension.Critical).EnhancedKeyUsages
                .Cast<Oid>().Any(o => o.Value == ServerAuthOid);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }
}
