using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace MtlsOperator.Engine.Pki;

/// <summary>What a set of CRLs can revoke, judged against the CA bundle they come with.</summary>
public static class CrlScope
{
    /// <summary>True when no CA certificate of <paramref name="caBundlePem"/> was issued by the issuer of a CRL in
    /// <paramref name="crlPem"/>, so those CRLs can only revoke end-entity (client) certificates. A proxy that checks
    /// revocation of the client certificate alone then loses nothing. False when anything cannot be parsed.</summary>
    public static bool RevokesOnlyLeaves(string caBundlePem, string crlPem)
    {
        try
        {
            var crlIssuers = PemBlock.ReadAll(crlPem).Where(b => b.Label == PemLabels.Crl)
                .Select(b => CanonicalName.FromDer(CertificateRevocationList.Parse(b.Der).IssuerDer)).ToList();
            var cas = PemBlock.ReadAll(caBundlePem).Where(b => b.Label == PemLabels.Certificate)
                .Select(b => X509CertificateLoader.LoadCertificate(b.Der.Span)).ToList();

            // Verifiers find a certificate's CRL by its issuer name, so a CRL can revoke exactly the certificates
            // whose issuer is the CRL's issuer. Self-signed roots are trust anchors, never checked against a CRL.
            return !cas.Any(ca => !CanonicalName.Same(ca.SubjectName, ca.IssuerName) && crlIssuers.Contains(CanonicalName.Of(ca.IssuerName)));
        }
        catch (Exception e) when (e is CryptographicException or AsnContentException or FormatException)
        {
            return false;
        }
    }

}
