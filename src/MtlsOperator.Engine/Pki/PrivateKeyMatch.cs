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
    public static PrivateKeyMatch Check(X509Certificate2 certificate, PemBlock key) => new PrivateKeyMatcher(key).Check(certificate);
}
