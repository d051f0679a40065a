using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace MtlsOperator.Engine.Issuance;

/// <summary>The PKCS#12 file of an issued certificate: certificate, chain and key, encrypted with PBES2 AES-256 / SHA-256 (read by Java 11+
/// keytool, Windows 10 1709+ and OpenSSL 1.1+).</summary>
public static class Pkcs12File
{
    /// <summary>A new file. Each export differs (random salt), so callers keep an existing file that still <see cref="Holds"/> the certificate.</summary>
    public static byte[] Export(X509Certificate2 leaf, string keyPem, IReadOnlyList<X509Certificate2> chain, string password)
    {
        using var withKey = X509Certificate2.CreateFromPem(leaf.ExportCertificatePem(), keyPem);
        var collection = new X509Certificate2Collection(withKey);
        collection.AddRange(chain.ToArray());
        return collection.ExportPkcs12(Pkcs12ExportPbeParameters.Pbes2Aes256Sha256, password);
    }

    /// <summary>True when <paramref name="file"/> opens with <paramref name="password"/> and holds <paramref name="leaf"/> with its key.</summary>
    public static bool Holds(byte[] file, string password, X509Certificate2 leaf)
    {
        try
        {
            var loaded = X509CertificateLoader.LoadPkcs12Collection(file, password, X509KeyStorageFlags.EphemeralKeySet);
            try
            {
                return loaded.Any(c => c.HasPrivateKey && c.RawData.AsSpan().SequenceEqual(leaf.RawData));
            }
            finally
            {
                foreach (var c in loaded)
                {
                    c.Dispose();
                }
            }
        }
        catch (CryptographicException)
        {
            return false;
        }
    }
}
