using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace MtlsOperator.Engine.Pki;

/// <summary>The DNS identities a certificate presents: its SAN dNSName entries, and its CN for the RFC 6125 fallback.</summary>
/// <param name="DnsNames">SAN dNSName entries in certificate order.</param>
/// <param name="CommonName">The most specific CN of the subject, if any.</param>
/// <param name="HasSanExtension">Whether a subjectAltName extension exists (of any entry type).</param>
public sealed record PresentedNames(ImmutableArray<string> DnsNames, string? CommonName, bool HasSanExtension)
{
    private const string SubjectAltNameOid = "2.5.29.17";
    private const string CommonNameOid = "2.5.4.3";

    /// <summary>Names hostnames are matched against: the SAN dNSNames, or the CN only when there is no SAN extension at all (RFC 6125 §6.4.4).</summary>
    public ImmutableArray<string> ForMatching =>
        HasSanExtension ? DnsNames : CommonName is null ? [] : [CommonName];

    public static PresentedNames Of(X509Certificate2 certificate)
    {
        var san = certificate.Extensions.FirstOrDefault(e => e.Oid?.Value == SubjectAltNameOid);
        return new PresentedNames(san is null ? [] : DnsNamesOf(san), CommonNameOf(certificate.SubjectName), san is not null);
    }

    private static ImmutableArray<string> DnsNamesOf(X509Extension san)
    {
        try
        {
            return [.. new X509SubjectAlternativeNameExtension(san.RawData, san.Critical).EnumerateDnsNames()];
        }
        catch (CryptographicException)
        {
            // A malformed SAN presents nothing we can trust; the hostnames will be reported as uncovered.
            return [];
        }
    }

    private static string? CommonNameOf(X500DistinguishedName subject)
    {
        try
        {
            return subject.EnumerateRelativeDistinguishedNames(reversed: false)
                .Where(rdn => !rdn.HasMultipleElements && rdn.GetSingleElementType().Value == CommonNameOid)
                .Select(rdn => rdn.GetSingleElementValue())
                .LastOrDefault(v => !string.IsNullOrEmpty(v));
        }
        catch (CryptographicException)
        {
            return null;
        }
    }
}
