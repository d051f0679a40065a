using System.Security.Cryptography.X509Certificates;
using MtlsOperator.Engine.Pki;

namespace MtlsOperator.Engine.ProxyVerdicts;

/// <summary>OpenSSL 3.0's CRL check as HAProxy and nginx run it once a CRL file is given (CRL_CHECK and CRL_CHECK_ALL, no extended
/// CRL support, no deltas): every certificate of the path, the trust anchor included, needs a usable CRL from its issuer, found by
/// issuer name and authority key identifier, scored and checked as x509_vfy.c does. A missing CRL is X509 error 3, which HAProxy's
/// <c>ca-ignore-err 3</c> skips for CA certificates only.</summary>
internal static class RevocationCheck
{
    /// <summary>The first reason a certificate of <paramref name="path"/> (leaf first, anchor last) fails, or null.</summary>
    public static string? Refusal(IReadOnlyList<X509Certificate2> path, IReadOnlyList<CertificateRevocationList> crls, bool ignoreMissingAboveLeaf, DateTimeOffset at)
    {
        for (var depth = 0; depth < path.Count; depth++)
        {
            var certificate = path[depth];
            var issuer = path[Math.Min(depth + 1, path.Count - 1)];
            var above = path.Skip(Math.Min(depth + 1, path.Count - 1)).ToList();
            var candidates = crls.Where(c => SameName(c.IssuerDer, issuer.SubjectName))
                .Select(c => new Candidate(c, SignerOf(c, issuer, above)))
                .Where(c => c.Signer is not null)
                .ToList();
            if (candidates.Count == 0)
            {
                if (ignoreMissingAboveLeaf && depth > 0)
                {
                    continue;
                }

                return $"unable to get certificate CRL: no CRL from {issuer.Subject} for {certificate.Subject}";
            }

            // Without extended CRL support (neither proxy turns it on) a delta CRL is scored like any other CRL.
            var crl = candidates.OrderByDescending(c => c.Score(issuer, at)).ThenByDescending(c => c.Crl.ThisUpdate).First();
            var signer = crl.Signer!;
            if (SignatureVerifier.Verify(crl.Crl.Structure, signer) != SignatureCheck.Valid)
            {
                return $"CRL signature failure: the CRL named {issuer.Subject} does not verify with its key";
            }

            if (!crl.Crl.Extensions.UnhandledCritical.IsEmpty)
            {
                return $"unhandled critical CRL extension in the CRL of {issuer.Subject}";
            }

            if (crl.Crl.Extensions.DistributionPoint is not null)
            {
                return $"different CRL scope: the CRL of {issuer.Subject} has an issuing distribution point";
            }

            if (at < crl.Crl.ThisUpdate)
            {
                return $"CRL is not yet valid: the CRL of {issuer.Subject} starts {crl.Crl.ThisUpdate:u}";
            }

            if (crl.Crl.NextUpdate is { } next && at > next)
            {
                return $"CRL has expired: the CRL of {issuer.Subject} expired {next:u}";
            }

            if (signer.Extensions.OfType<X509KeyUsageExtension>().FirstOrDefault() is { } usage && !usage.KeyUsages.HasFlag(X509KeyUsageFlags.CrlSign))
            {
                return $"key usage does not include CRL signing: {signer.Subject}";
            }

            if (crl.Crl.RevokedSerials.Contains(certificate.SerialNumber, StringComparer.OrdinalIgnoreCase))
            {
                return $"certificate revoked: {certificate.Subject} (serial {certificate.SerialNumber}) is in the CRL of {issuer.Subject}";
            }
        }

        return null;
    }

    /// <summary>Who OpenSSL takes as a CRL's signer (crl_akid_check): the certificate's issuer, or a certificate higher up the same
    /// path with the CRL's issuer name, whose key identifier is the one the CRL's authority key identifier names (a CA named like its
    /// own issuer shares its parent's CRL). None: the CRL is not a candidate at all.</summary>
    private static X509Certificate2? SignerOf(CertificateRevocationList crl, X509Certificate2 issuer, List<X509Certificate2> above) =>
        above.FirstOrDefault(a => (ReferenceEquals(a, issuer) || SameName(a.SubjectName.RawData, issuer.SubjectName)) && KeyIdentifierMatches(crl, a));

    /// <summary>X509_check_akid for the key identifier: a CRL without one, or a certificate without a subject key identifier, matches.</summary>
    private static bool KeyIdentifierMatches(CertificateRevocationList crl, X509Certificate2 certificate) =>
        crl.Extensions.AuthorityKeyId is not { } akid
        || certificate.Extensions.OfType<X509SubjectKeyIdentifierExtension>().FirstOrDefault() is not { } ski
        || ski.SubjectKeyIdentifierBytes.Span.SequenceEqual(akid.Span);

    private sealed record Candidate(CertificateRevocationList Crl, X509Certificate2? Signer)
    {
        /// <summary>OpenSSL's CRL score bits (x509_vfy.c): no unhandled critical extension 0x100, in scope 0x080, valid now
        /// 0x040, signed by the certificate's issuer 0x018 or by a same-named certificate higher up the path 0x008.</summary>
        public int Score(X509Certificate2 issuer, DateTimeOffset at) =>
            (Crl.Extensions.UnhandledCritical.IsEmpty ? 0x100 : 0)
            + (Crl.Extensions.DistributionPoint is null ? 0x80 : 0)
            + (TimeValid(Crl, at) ? 0x40 : 0)
            + (ReferenceEquals(Signer, issuer) ? 0x18 : 0x08);
    }

    private static bool TimeValid(CertificateRevocationList crl, DateTimeOffset at) => crl.ThisUpdate <= at && (crl.NextUpdate is not { } next || at <= next);

    // OpenSSL looks CRLs up by the canonical form of the issuer name; the decoded text compared without case is that form here.
    private static bool SameName(ReadOnlyMemory<byte> crlIssuer, X500DistinguishedName subject) =>
        crlIssuer.Span.SequenceEqual(subject.RawData)
        || string.Equals(DistinguishedName.FromDer(crlIssuer).ToString(), DistinguishedName.Format(subject), StringComparison.OrdinalIgnoreCase);
}
