using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace MtlsOperator.Engine.Pki;

/// <summary>The three hashes people pin a certificate by, in normalized form.</summary>
/// <param name="Sha1">SHA-1 of the DER certificate, lowercase hex.</param>
/// <param name="Sha256">SHA-256 of the DER certificate, lowercase hex.</param>
/// <param name="SpkiSha256">SHA-256 of the DER SubjectPublicKeyInfo, standard base64.</param>
public sealed record CertificateFingerprints(string Sha1, string Sha256, string SpkiSha256)
{
    [SuppressMessage("Security", "CA5350:Do Not Use Weak Cryptographic Algorithms", Justification = "SHA-1 thumbprints are a pin format users bring from the products they come from (they show and bind by them); computed to report and match, never to sign.")]
    public static CertificateFingerprints Of(X509Certificate2 certificate)
    {
        var der = certificate.RawData;
        var spki = certificate.PublicKey.ExportSubjectPublicKeyInfo();
        return new CertificateFingerprints(
            Convert.ToHexStringLower(SHA1.HashData(der)),
            Convert.ToHexStringLower(SHA256.HashData(der)),
            Convert.ToBase64String(SHA256.HashData(spki)));
    }

    /// <summary>Uppercase, colon-separated: the spelling of <c>openssl x509 -fingerprint</c> and most consoles.</summary>
    public static string WithColons(string lowerHex) =>
        string.Join(':', Enumerable.Range(0, lowerHex.Length / 2).Select(i => lowerHex.Substring(i * 2, 2).ToUpperInvariant()));
}
