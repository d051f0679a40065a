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
}
