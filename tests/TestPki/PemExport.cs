using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace TestPki;

/// <summary>PEM text of test certificates and keys, the way users put them in Secrets.</summary>
public static class PemExport
{
    public static string Certificate(X509Certificate2 certificate) => certificate.ExportCertificatePem() + "\n";

    public static string Certificates(IEnumerable<X509Certificate2> certificates) => string.Concat(certificates.Select(Certificate));

    /// <summary>PKCS#8 private key PEM of a certificate created with its key.</summary>
    public static string PrivateKey(X509Certificate2 certificate)
    {
        AsymmetricAlgorithm key = (AsymmetricAlgorithm?)certificate.GetECDsaPrivateKey() ?? certificate.GetRSAPrivateKey()
            ?? throw new InvalidOperationException("certificate has no private key");
        using (key)
        {
            return key.ExportPkcs8PrivateKeyPem() + "\n";
        }
    }

    /// <summary>PKCS#1 (<c>RSA PRIVATE KEY</c>) PEM of an RSA certificate's key.</summary>
    public static string RsaPrivateKey(X509Certificate2 certificate)
    {
        using var key = certificate.GetRSAPrivateKey() ?? throw new InvalidOperationException("certificate has no RSA private key");
        return key.ExportRSAPrivateKeyPem() + "\n";
    }

    /// <summary>SEC1 (<c>EC PRIVATE KEY</c>) PEM of an ECDSA certificate's key.</summary>
    public static string EcPrivateKey(X509Certificate2 certificate)
    {
        using var key = certificate.GetECDsaPrivateKey() ?? throw new InvalidOperationException("certificate has no ECDSA private key");
        return key.ExportECPrivateKeyPem() + "\n";
    }

    /// <summary>Password-encrypted PKCS#8 (<c>ENCRYPTED PRIVATE KEY</c>) PEM of a certificate's key.</summary>
    public static string EncryptedPrivateKey(X509Certificate2 certificate, string password)
    {
        AsymmetricAlgorithm key = (AsymmetricAlgorithm?)certificate.GetECDsaPrivateKey() ?? certificate.GetRSAPrivateKey()
            ?? throw new InvalidOperationException("certificate has no private key");
        using (key)
        {
            var pbe = new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 1000);
            return key.ExportEncryptedPkcs8PrivateKeyPem(password.AsSpan(), pbe) + "\n";
        }
    }
}
