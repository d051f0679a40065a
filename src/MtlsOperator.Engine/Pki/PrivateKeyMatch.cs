using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace MtlsOperator.Engine.Pki;

/// <summary>Outcome of comparing a private key with a certificate's public key.</summary>
public enum KeyMatchOutcome
{
    Match,
    Mismatch,
    UnsupportedAlgorithm,
    Unreadable,
}

/// <summary>Whether a private key belongs to a certificate, decided by comparing public parameters (modulus and exponent, curve and point), never by signing.</summary>
/// <param name="Outcome">The verdict.</param>
/// <param name="KeyAlgorithm">Algorithm of the private key as people name it.</param>
/// <param name="CertificateAlgorithm">Algorithm of the certificate's public key.</param>
public sealed record PrivateKeyMatch(KeyMatchOutcome Outcome, string KeyAlgorithm, string CertificateAlgorithm)
{
    /// <summary>Compares <paramref name="key"/> (PKCS#8, PKCS#1 or SEC1 DER) with <paramref name="certificate"/>. Never throws.</summary>
    public static PrivateKeyMatch Check(X509Certificate2 certificate, PemBlock key)
    {
        var certificateOid = certificate.PublicKey.Oid.Value;
        var keyOid = PublicKeyAlgorithm.OfKey(key);
        var result = new PrivateKeyMatch(KeyMatchOutcome.Unreadable, PublicKeyAlgorithm.NameOf(keyOid), PublicKeyAlgorithm.NameOf(certificateOid));
        if (keyOid is null)
        {
            return result;
        }

        if (keyOid != certificateOid)
        {
            return result with { Outcome = KeyMatchOutcome.Mismatch };
        }

        if (keyOid is not (PublicKeyAlgorithm.RsaOid or PublicKeyAlgorithm.EcOid))
        {
            // Ed25519 and others: .NET has no implementation to derive their public key from the private one.
            return result with { Outcome = KeyMatchOutcome.UnsupportedAlgorithm };
        }

        try
        {
            return result with { Outcome = Compare(certificate, key, keyOid == PublicKeyAlgorithm.RsaOid) };
        }
        catch (CryptographicException)
        {
            return result;
        }
        catch (PlatformNotSupportedException)
        {
            // A curve this platform does not know, named by the key or by the certificate.
            return result with { Outcome = KeyMatchOutcome.UnsupportedAlgorithm };
        }
    }

    /// <summary>Both sides are re-exported by .NET as SubjectPublicKeyInfo, a canonical encoding of exactly the public
    /// parameters (modulus and exponent; named curve and point), so byte equality is parameter equality.</summary>
    private static KeyMatchOutcome Compare(X509Certificate2 certificate, PemBlock key, bool rsa)
    {
        using AsymmetricAlgorithm privateKey = rsa ? RSA.Create() : ECDsa.Create();
        switch (privateKey, key.Label)
        {
            case (RSA r, PrivateKeyPem.Pkcs1Label):
                r.ImportRSAPrivateKey(key.Der.Span, out _);
                break;
            case (ECDsa e, PrivateKeyPem.Sec1Label):
                e.ImportECPrivateKey(key.Der.Span, out _);
                break;
            default:
                privateKey.ImportPkcs8PrivateKey(key.Der.Span, out _);
                break;
        }

        using AsymmetricAlgorithm? publicKey = rsa ? certificate.GetRSAPublicKey() : certificate.GetECDsaPublicKey();
        if (publicKey is null)
        {
            return KeyMatchOutcome.UnsupportedAlgorithm;
        }

        return privateKey.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(publicKey.ExportSubjectPublicKeyInfo())
            ? KeyMatchOutcome.Match
            : KeyMatchOutcome.Mismatch;
    }
}
