using System.Security.Cryptography.X509Certificates;

namespace MtlsOperator.Engine.Pki;

/// <summary>Facts about a certificate that decide its place in a trust bundle, read from the certificate itself.</summary>
public static class CertificateAuthorityFacts
{
    /// <summary>True when basicConstraints says CA:TRUE; without it OpenSSL refuses to use the certificate as an issuer.</summary>
    public static bool IsCertificateAuthority(X509Certificate2 certificate) =>
        certificate.Extensions.OfType<X509BasicConstraintsExtension>().FirstOrDefault() is { CertificateAuthority: true };

    /// <summary>True when the key usage extension is present and lacks keyCertSign, which makes OpenSSL reject chains through it.</summary>
    public static bool LacksKeyCertSign(X509Certificate2 certificate) =>
        certificate.Extensions.OfType<X509KeyUsageExtension>().FirstOrDefault() is { } usage
        && !usage.KeyUsages.HasFlag(X509KeyUsageFlags.KeyCertSign);
}
