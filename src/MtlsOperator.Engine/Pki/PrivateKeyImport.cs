using System.Security.Cryptography;

namespace MtlsOperator.Engine.Pki;

/// <summary>The platform's key object for a private key block, imported by its PEM label: PKCS#1 for RSA, SEC1 for EC, PKCS#8 otherwise.</summary>
internal static class PrivateKeyImport
{
    /// <summary>Imports <paramref name="block"/> as an RSA (<paramref name="rsa"/>) or ECDSA key; the caller disposes it.</summary>
    /// <exception cref="CryptographicException">The block is not a readable key of that family.</exception>
    /// <exception cref="PlatformNotSupportedException">The key names a curve this platform does not know.</exception>
    public static AsymmetricAlgorithm Open(PemBlock block, bool rsa)
    {
        AsymmetricAlgorithm key = rsa ? RSA.Create() : ECDsa.Create();
        try
        {
            switch (key, block.Label)
            {
                case (RSA r, PrivateKeyPem.Pkcs1Label):
                    r.ImportRSAPrivateKey(block.Der.Span, out _);
                    break;
                case (ECDsa e, PrivateKeyPem.Sec1Label):
                    e.ImportECPrivateKey(block.Der.Span, out _);
                    break;
                default:
                    key.ImportPkcs8PrivateKey(block.Der.Span, out _);
                    break;
            }

            return key;
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }
}
