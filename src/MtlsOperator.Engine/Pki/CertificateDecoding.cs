using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace MtlsOperator.Engine.Pki;

/// <summary>Loads one DER certificate and decodes, once, every part the engine reads later (validity, names, the extensions
/// that decide CA use, key usage and names), so a damaged one is refused where it is read instead of failing mid-evaluation.</summary>
public static class CertificateDecoding
{
    /// <summary>The certificate, or null with <paramref name="problem"/> saying which part is not valid (a fragment such as
    /// "is not a valid X.509 certificate"). Never throws. The instance may be shared with every other reader of the same bytes
    /// (<see cref="DecodedCertificates"/>): never dispose it or attach a key to it; <see cref="TryLoadUnshared"/> gives one of your own.</summary>
    public static X509Certificate2? TryLoad(ReadOnlySpan<byte> der, out string? problem)
    {
        if (DecodedCertificates.Shared.Find(der) is { } known)
        {
            problem = null;
            return known;
        }

        return TryLoadUnshared(der, out problem) is { } decoded ? DecodedCertificates.Shared.Offer(der, decoded) : null;
    }

    /// <summary>As <see cref="TryLoad"/>, but always a new instance that nobody else holds.</summary>
    public static X509Certificate2? TryLoadUnshared(ReadOnlySpan<byte> der, out string? problem)
    {
        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadCertificate(der);
            _ = (certificate.NotBefore, certificate.NotAfter, certificate.SerialNumber, certificate.PublicKey.Oid.Value, certificate.Extensions.Count);
        }
        catch (CryptographicException)
        {
            problem = "is not a valid X.509 certificate";
            return null;
        }

        problem = NameProblem(certificate) ?? ExtensionProblem(certificate);
        return problem is null ? certificate : null;
    }

    private static string? NameProblem(X509Certificate2 certificate)
    {
        foreach (var (part, name) in new[] { ("subject", certificate.SubjectName), ("issuer", certificate.IssuerName) })
        {
            try
            {
                _ = DistinguishedName.Format(name);
            }
            catch (Exception e) when (e is AsnContentException or CryptographicException or ArgumentException)
            {
                return $"has a {part} name that is not valid DER";
            }
        }

        return null;
    }

    private static string? ExtensionProblem(X509Certificate2 certificate)
    {
        foreach (var extension in certificate.Extensions)
        {
            try
            {
                Decode(extension);
            }
            catch (Exception e) when (e is AsnContentException or CryptographicException or ArgumentException)
            {
                return $"has an extension that is not valid DER: {extension.Oid?.FriendlyName ?? "unnamed"} ({extension.Oid?.Value})";
            }
        }

        return null;
    }

    // The extensions the engine (and the proxies' OpenSSL) interpret; others are only carried along.
    private static void Decode(X509Extension extension)
    {
        switch (extension)
        {
            case X509BasicConstraintsExtension basic:
                _ = (basic.CertificateAuthority, basic.HasPathLengthConstraint, basic.PathLengthConstraint);
                break;
            case X509KeyUsageExtension usage:
                _ = usage.KeyUsages;
                break;
            case X509EnhancedKeyUsageExtension enhanced:
                _ = enhanced.EnhancedKeyUsages.Count;
                break;
            case X509SubjectKeyIdentifierExtension subjectKey:
                _ = subjectKey.SubjectKeyIdentifier;
                break;
            case X509AuthorityKeyIdentifierExtension authorityKey:
                _ = (authorityKey.KeyIdentifier, authorityKey.SerialNumber);
                break;
            case X509SubjectAlternativeNameExtension alternativeNames:
                _ = alternativeNames.EnumerateDnsNames().Count() + alternativeNames.EnumerateIPAddresses().Count();
                break;
        }
    }
}
