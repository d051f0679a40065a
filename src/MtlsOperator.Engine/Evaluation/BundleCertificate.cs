using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MtlsOperator.Engine.Pki;

namespace MtlsOperator.Engine.Evaluation;

/// <summary>Role of a CA certificate in a bundle, decided by the certificate itself.</summary>
public enum CertificateRole
{
    /// <summary>Self-issued and its own key verifies its signature.</summary>
    Root,
    Intermediate,
}

/// <summary>A certificate read from a trust bundle source, with the names and hash the evaluation keeps comparing.</summary>
internal sealed record BundleCertificate(X509Certificate2 Certificate, string Source, int Position)
{
    public string Subject { get; } = DistinguishedName.Format(Certificate.SubjectName);

    public string Issuer { get; } = DistinguishedName.Format(Certificate.IssuerName);

    /// <summary>The subject as OpenSSL compares names (what a CRL's or a child certificate's issuer name must equal).</summary>
    public CanonicalName SubjectName { get; } = CanonicalName.Of(Certificate.SubjectName);

    public CanonicalName IssuerName { get; } = CanonicalName.Of(Certificate.IssuerName);

    public string Sha256 { get; } = Convert.ToHexStringLower(SHA256.HashData(Certificate.RawData));

    /// <summary>Where it came from in words, e.g. <c>certificate 2 of spec.sources[0]</c>.</summary>
    public string Describe() => Position == 0 ? $"\"{Subject}\" in {Source}" : $"\"{Subject}\" (certificate {Position + 1}) in {Source}";
}
