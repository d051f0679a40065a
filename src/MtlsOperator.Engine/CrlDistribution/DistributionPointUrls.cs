using System.Formats.Asn1;
using MtlsOperator.Engine.Api;
using MtlsOperator.Engine.Evaluation;
using MtlsOperator.Engine.Pki;

namespace MtlsOperator.Engine.CrlDistribution;

/// <summary>The CRL URLs a bundle takes from the CRL Distribution Points of its CA certificates (<c>spec.fetchCrlDistributionPoints</c>).</summary>
/// <remarks>A certificate's distribution point names the CRL of the CA that issued it, so only CA certificates whose issuer is in the
/// bundle are read (their CRL can be verified here). One CRL per certificate: the first http or https URI of its points is fetched (the
/// others, e.g. an ldap:// point before it, or a mirror, name the same CRL; partitioned CRLs carry an Issuing Distribution Point, which
/// HAProxy and nginx cannot use anyway).</remarks>
internal static class DistributionPointUrls
{
    public static List<(string Url, string Source)> Of(TrustBundleSpec spec, IReadOnlyList<AcceptedCa> cas, Findings findings)
    {
        var urls = new List<(string Url, string Source)>();
        if (spec.FetchCrlDistributionPoints != true)
        {
            return urls;
        }

        foreach (var ca in cas)
        {
            var issuer = CanonicalName.Of(ca.Ca.Certificate.IssuerName);
            if (ca.Ca.SubjectName.Equals(issuer) || !cas.Any(c => c.Ca.SubjectName.Equals(issuer)))
            {
                continue;
            }

            IReadOnlyList<IReadOnlyList<string>> points;
            try
            {
                points = CrlDistributionPoints.Of(ca.Ca.Certificate);
            }
            catch (AsnContentException)
            {
                findings.Add(ca.Ca.Source, TrustBundleReasons.CrlDistributionPointUnusable,
                    $"{ca.Ca.Describe()} has a CRL Distribution Points extension that is not well-formed DER, so no CRL is fetched from it; give its " +
                    "issuer's CRL as a url or configMap entry of spec.crls.", blocking: false);
                continue;
            }

            var named = points.SelectMany(p => p).ToList();
            if (named.FirstOrDefault(CrlUrl.IsFetchable) is { } url)
            {
                if (!urls.Any(u => u.Url == url))
                {
                    urls.Add((url, $"crlDistributionPoints of {ca.Ca.Source} \"{ca.Ca.Subject}\""));
                }
            }
            else if (named.Count > 0)
            {
                findings.Add(ca.Ca.Source, TrustBundleReasons.CrlDistributionPointUnusable,
                    $"{ca.Ca.Describe()} names its issuer's CRL only at {string.Join(", ", named)}; the operator fetches http and https URLs only, " +
                    "so give that CRL as a url or configMap entry of spec.crls.", blocking: false);
            }
        }

        return urls;
    }
}
