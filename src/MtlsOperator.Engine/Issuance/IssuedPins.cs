using System.Formats.Asn1;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using MtlsOperator.Engine.Api;
using MtlsOperator.Engine.Evaluation;
using MtlsOperator.Engine.Pki;
using MtlsOperator.Engine.Policy;

namespace MtlsOperator.Engine.Issuance;

/// <summary>The pins of a pin by reference (<c>issuedCertificateRef</c>): every form of the IssuedClientCertificate's current certificate, and
/// of the earlier ones during their overlap. A revoked one stays pinned only where a checked CRL lists it, so its revocation always
/// reaches the proxies: through the CRL (the listener re-renders with it), or by no longer being pinned.</summary>
internal static class IssuedPins
{
    /// <summary>One list of pin forms per admitted certificate (a pin entry each, as a proxy enforces one form per entry).</summary>
    public static IReadOnlyList<IReadOnlyList<CertificatePin>>? Forms(ObjectReference reference, string entry, string ns, EvaluationContext context, string? checkedCrlPem, Findings findings)
    {
        var field = $"{entry}.issuedCertificateRef";
        if (!string.IsNullOrEmpty(reference.Namespace) && reference.Namespace != ns)
        {
            findings.Add(entry, DataSourceReasons.CrossNamespaceReference,
                $"{field} points to {reference.Namespace}/{reference.Name}, outside namespace {ns}; references never cross namespaces.", blocking: true);
            return null;
        }

        var issued = context.Lookup.FindIssuedClientCertificate(ns, reference.Name);
        var secret = issued is null ? null : context.Lookup.FindSecret(ns, IssuedSecretData.SecretNameOf(issued));
        var held = issued is not null && secret is not null && OutputOwnership.IsOwnedBy(secret.Metadata, issued) ? HeldCertificates.Read(secret, context.Now) : HeldCertificates.None;
        if (issued is not null && held.Current is null && Revocations.IsRevoked(issued, held, context.Lookup))
        {
            // Revoked before anything was issued: nothing ever will be, so waiting for it would wait forever.
            findings.Add(entry, ClientAuthPolicyReasons.PinnedCertificateRevoked,
                $"{field}: IssuedClientCertificate {reference.Name} was revoked before any certificate was issued, so it pins nothing. Remove this pin.", blocking: false);
            return [];
        }

        if (issued is null || held.Current is null)
        {
            findings.Add(entry, ClientAuthPolicyReasons.IssuedCertificateNotFound, issued is null
                ? $"{field}: IssuedClientCertificate {ns}/{reference.Name} does not exist; create it or fix the name."
                : $"{field}: IssuedClientCertificate {reference.Name} has no certificate in its Secret yet; the policy is evaluated again once it is issued.", blocking: true);
            return null;
        }

        var admitted = issued.Spec.Overlap == "None" ? [held.Current] : held.All.ToList();
        admitted = [.. admitted.Where(c => new DateTimeOffset(c.NotAfter.ToUniversalTime()) > context.Now)];
        var listed = ListedSerials(checkedCrlPem, held.Current);
        if (Revocations.IsRevoked(issued, held, context.Lookup))
        {
            var refused = admitted.Where(c => listed.Contains(c.SerialNumber)).ToList();
            findings.Add(entry, ClientAuthPolicyReasons.PinnedCertificateRevoked, refused.Count == admitted.Count
                ? $"{field}: IssuedClientCertificate {reference.Name} is revoked; its certificates stay pinned and the proxies refuse them by the CRL. Remove this pin."
                : $"{field}: IssuedClientCertificate {reference.Name} is revoked and not (yet) on a CRL this policy checks; its certificates are no longer pinned.",
                blocking: false);
            admitted = refused;
        }
        else if (listed.Count == 0 && !IsChecked(checkedCrlPem, held.Current))
        {
            findings.Add(entry, ClientAuthPolicyReasons.RevocationNotChecked,
                $"{field}: the CRL of {Names.Of(held.Current.IssuerName)} is not checked by this policy, so revoking IssuedClientCertificate {reference.Name} " +
                "would only remove its pin. Add the CA's CRL ConfigMap to the TrustBundle's spec.crls (and keep spec.revocation Auto or Required).", blocking: false);
        }

        return [.. admitted.Select(c =>
        {
            var f = CertificateFingerprints.Of(c);
            return (IReadOnlyList<CertificatePin>)[new CertificatePin(PinAlgorithm.Sha1, f.Sha1), new CertificatePin(PinAlgorithm.Sha256, f.Sha256), new CertificatePin(PinAlgorithm.SpkiSha256, f.SpkiSha256)];
        })];
    }

    /// <summary>Serials revoked by the checked CRLs of <paramref name="certificate"/>'s issuer.</summary>
    private static HashSet<string> ListedSerials(string? crlPem, X509Certificate2 certificate) =>
        [.. CrlsOf(crlPem, certificate).SelectMany(c => c.RevokedSerials)];

    private static bool IsChecked(string? crlPem, X509Certificate2 certificate) => CrlsOf(crlPem, certificate).Any();

    private static IEnumerable<CertificateRevocationList> CrlsOf(string? crlPem, X509Certificate2 certificate)
    {
        if (crlPem is null)
        {
            yield break;
        }

        var content = PemOrDer.Read(Encoding.UTF8.GetBytes(crlPem), PemLabels.Crl);
        foreach (var der in content.Error is null ? content.Objects : [])
        {
            CertificateRevocationList? crl;
            try
            {
                crl = CertificateRevocationList.Parse(der);
            }
            catch (AsnContentException)
            {
                continue;
            }

            if (crl.IssuerDer.Span.SequenceEqual(certificate.IssuerName.RawData))
            {
                yield return crl;
            }
        }
    }
}
