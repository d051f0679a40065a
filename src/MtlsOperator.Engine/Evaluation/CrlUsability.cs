using MtlsOperator.Engine.Pki;

namespace MtlsOperator.Engine.Evaluation;

/// <summary>Refuses CRLs that OpenSSL, as HAProxy and nginx configure it (CRL_CHECK | CRL_CHECK_ALL, no extended CRL support), cannot use for
/// the certificates they cover: rendered, each would make the proxy reject every client of that CA, or revoke other certificates than the
/// engine reads. All such findings are blocking.</summary>
internal static class CrlUsability
{
    /// <summary>True when the CRL can be rendered; otherwise a blocking finding says what to change.</summary>
    public static bool Check(CertificateRevocationList crl, string entry, Findings findings)
    {
        var from = $"{entry}: the CRL from \"{crl.Issuer}\"";
        if (!crl.Extensions.UnhandledCritical.IsEmpty)
        {
            findings.Add(entry, TrustBundleReasons.CrlUnhandledCriticalExtension,
                $"{from} has critical extension{(crl.Extensions.UnhandledCritical.Length == 1 ? "" : "s")} {string.Join(", ", crl.Extensions.UnhandledCritical)}, " +
                "which OpenSSL does not process, so HAProxy and nginx would reject every client of that CA (\"unhandled critical CRL extension\"). " +
                "Have the CA publish the CRL without that extension, or with it marked non-critical.", blocking: true);
            return false;
        }

        if (crl.Extensions.DistributionPoint is { } idp)
        {
            findings.Add(entry, TrustBundleReasons.CrlIssuingDistributionPoint,
                $"{from} has an Issuing Distribution Point ({(idp.IsEmpty ? "no fields" : string.Join(", ", idp))}). HAProxy and nginx use such a CRL " +
                "only for certificates whose CRL Distribution Points name the same point and never for onlySomeReasons or indirect CRLs; every other " +
                "client of that CA, and the CA itself when its issuer's CRL is scoped to user certificates, is rejected (\"different CRL scope\", " +
                "\"unable to get certificate CRL\"). Give a complete CRL of the CA without an Issuing Distribution Point (AD CS: clear \"Include in the " +
                "IDP extension of issued CRLs\"; openssl ca: drop issuingDistributionPoint from crl_extensions).", blocking: true);
            return false;
        }

        if (crl.NamesOtherIssuers)
        {
            findings.Add(entry, TrustBundleReasons.CrlIndirect,
                $"{from} has entries with a Certificate Issuer extension, i.e. it revokes certificates of other CAs (an indirect CRL). HAProxy and " +
                "nginx do not support indirect CRLs; give each CA's own CRL.", blocking: true);
            return false;
        }

        return true;
    }
}
