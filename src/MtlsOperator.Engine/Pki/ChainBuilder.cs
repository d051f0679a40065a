using System.Formats.Asn1;
using System.Security.Cryptography.X509Certificates;

namespace MtlsOperator.Engine.Pki;

/// <summary>Builds leaf -> intermediates -> root from an unordered set of candidates, by issuer/subject name and verified signature.</summary>
public static class ChainBuilder
{
    /// <summary>Walks from <paramref name="leaf"/> up through <paramref name="candidates"/> (any order, duplicates and strangers allowed).</summary>
    /// <remarks>Greedy: of several candidates with the right name, the first whose key verifies the signature is taken.
    /// Every certificate is used at most once, so a cross-signing loop ends as an incomplete chain instead of spinning.</remarks>
    public static CertificateChain Build(X509Certificate2 leaf, IEnumerable<X509Certificate2> candidates)
    {
        var pool = candidates.Where(c => !c.RawData.AsSpan().SequenceEqual(leaf.RawData)).ToList();
        var path = new List<X509Certificate2> { leaf };
        var current = leaf;
        while (!IsSelfSigned(current))
        {
            var issuer = pool.FirstOrDefault(c => c.SubjectName.RawData.AsSpan().SequenceEqual(current.IssuerName.RawData)
                && IsSignedBy(current, c));
            if (issuer is null)
            {
                return new CertificateChain([.. path], false, current.Issuer);
            }

            pool.RemoveAll(c => c.RawData.AsSpan().SequenceEqual(issuer.RawData));
            path.Add(issuer);
            current = issuer;
        }

        return new CertificateChain([.. path], true, null);
    }

    /// <summary>True when the certificate names itself as issuer and its own key verifies its signature.</summary>
    public static bool IsSelfSigned(X509Certificate2 certificate) =>
        certificate.SubjectName.RawData.AsSpan().SequenceEqual(certificate.IssuerName.RawData)
        && IsSignedBy(certificate, certificate);

    private static bool IsSignedBy(X509Certificate2 certificate, X509Certificate2 issuer)
    {
        try
        {
            return CertificateAuthorityFacts.IsSignedBy(certificate, issuer) == SignatureCheck.Valid;
        }
        catch (Exception e) when (e is AsnContentException or PlatformNotSupportedException)
        {
            return false;
        }
    }
}
