using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MtlsOperator.Engine.Api;
using MtlsOperator.Engine.Issuance;
using MtlsOperator.Engine.Pki;
using MtlsOperator.Engine.Policy;

namespace MtlsOperator.Engine.Evaluation;

/// <summary>Turns a policy's pin specs into pin entries: typed pins through <see cref="PinParser"/>, pinned certificates into all three forms.</summary>
internal static class PolicyPins
{
    /// <param name="checkedCrlPem">The CRLs listeners of this policy check, or null: a revoked issued certificate stays pinned only while one lists it.</param>
    public static PinSet Read(ClientAuthPolicy policy, string ns, EvaluationContext context, TrustAnchors? anchors, Findings findings, string? checkedCrlPem = null) =>
        Read(policy.Spec.Pins, "spec.pins", ns, context, anchors, findings, checkedCrlPem);

    /// <summary>The pins of <paramref name="pins"/>, whose entries are named <c><paramref name="field"/>[i]</c> (e.g. <c>spec.paths[0].pins</c>).</summary>
    public static PinSet Read(IReadOnlyList<PinSpec> pins, string field, string ns, EvaluationContext context, TrustAnchors? anchors, Findings findings, string? checkedCrlPem = null)
    {
        var set = new PinSet();
        for (var i = 0; i < pins.Count; i++)
        {
            var entry = $"{field}[{i}]";
            if (pins[i].IssuedCertificateRef is { } issued && Given(pins[i]) == 1)
            {
                // One entry per certificate: the current one and those in their overlap.
                foreach (var certificate in IssuedPins.Forms(issued, entry, ns, context, checkedCrlPem, findings) ?? [])
                {
                    set.Add(entry, certificate);
                }

                continue;
            }

            var forms = Forms(pins[i], entry, ns, context, anchors, findings);
            if (forms is not null && set.Add(entry, forms) is { } merge)
            {
                var same = merge.Repetition == PinRepetition.SameKey ? "the same public key" : "the same certificate";
                findings.Add(entry, ClientAuthPolicyReasons.DuplicatePin,
                    $"{entry} pins {same} as {merge.EarlierSource}; it adds nothing. Remove one of them.", blocking: false);
            }
        }

        return set;
    }

    private static IReadOnlyList<CertificatePin>? Forms(PinSpec pin, string entry, string ns, EvaluationContext context, TrustAnchors? anchors, Findings findings)
    {
        var typed = new (PinAlgorithm Algorithm, string? Text)[] { (PinAlgorithm.Sha1, pin.Sha1), (PinAlgorithm.Sha256, pin.Sha256), (PinAlgorithm.SpkiSha256, pin.SpkiSha256) }
            .Where(t => t.Text is not null).ToList();
        var given = Given(pin);
        if (given != 1)
        {
            findings.Add(entry, ClientAuthPolicyReasons.InvalidPin,
                $"{entry} sets {given} of sha1, sha256, spkiSha256, certificate and issuedCertificateRef; set exactly one per pin (use several pins for several forms).", blocking: true);
            return null;
        }

        if (typed.Count == 1)
        {
            var (algorithm, text) = typed[0];
            var parsed = PinParser.Parse(algorithm, text);
            if (parsed.Pin is { } p)
            {
                return [p];
            }

            findings.Add(entry, ClientAuthPolicyReasons.InvalidPin, $"{entry}.{PinParser.FieldName(algorithm)} {parsed.Error}", blocking: true);
            return null;
        }

        return CertificateForms(pin.Certificate!, $"{entry}.certificate", entry, ns, context, anchors, findings);
    }

    private static int Given(PinSpec pin) =>
        new[] { pin.Sha1, pin.Sha256, pin.SpkiSha256 }.Count(t => t is not null) + (pin.Certificate is null ? 0 : 1) + (pin.IssuedCertificateRef is null ? 0 : 1);

    private static IReadOnlyList<CertificatePin>? CertificateForms(DataSource source, string field, string entry, string ns, EvaluationContext context,
        TrustAnchors? anchors, Findings findings)
    {
        var read = DataSourceReader.Read(source, field, ns, context.Lookup);
        if (read.Bytes is not { } bytes)
        {
            findings.Add(entry, read.Reason!, read.Message!, blocking: true);
            return null;
        }

        var content = PemOrDer.Read(bytes, PemLabels.Certificate);
        if (content.OtherLabels.Any(l => l.Contains("PRIVATE KEY", StringComparison.Ordinal)))
        {
            findings.Add(entry, ClientAuthPolicyReasons.PrivateKeyInSource,
                $"{field} also holds a private key; it was ignored and never copied. A pin needs only the certificate: remove the key from that source.", blocking: false);
        }

        if (content.Error is not null || content.Objects.Count != 1)
        {
            var why = content.Error ?? $"holds {content.Objects.Count} certificates";
            findings.Add(entry, ClientAuthPolicyReasons.InvalidPin, $"{field} {why}; give exactly one client certificate, PEM or DER.", blocking: true);
            return null;
        }

        if (CertificateDecoding.TryLoad(content.Objects[0].Span, out var problem) is not { } certificate)
        {
            findings.Add(entry, ClientAuthPolicyReasons.InvalidPin, $"{field} {problem}; give the client certificate in PEM or DER.", blocking: true);
            return null;
        }

        ReportOddCertificate(certificate, field, entry, context.Now, anchors, findings);
        var fingerprints = CertificateFingerprints.Of(certificate);
        return
        [
            new CertificatePin(PinAlgorithm.Sha1, fingerprints.Sha1),
            new CertificatePin(PinAlgorithm.Sha256, fingerprints.Sha256),
            new CertificatePin(PinAlgorithm.SpkiSha256, fingerprints.SpkiSha256),
        ];
    }

    private static void ReportOddCertificate(X509Certificate2 certificate, string field, string entry, DateTimeOffset now, TrustAnchors? anchors, Findings findings)
    {
        var subject = DistinguishedName.Format(certificate.SubjectName);
        if (CertificateAuthorityFacts.IsCertificateAuthority(certificate))
        {
            findings.Add(entry, ClientAuthPolicyReasons.PinnedCertificateIsCa,
                $"{field} \"{subject}\" is a CA certificate; a pin matches the client's own certificate, so no client presents it. " +
                "To admit every client of this CA, use a rule with its subject as issuer.", blocking: false);
        }

        if (now > new DateTimeOffset(certificate.NotAfter.ToUniversalTime()))
        {
            findings.Add(entry, ClientAuthPolicyReasons.PinnedCertificateExpired,
                $"{field} \"{subject}\" expired on {TrustBundleCertificates.Format(new DateTimeOffset(certificate.NotAfter.ToUniversalTime()))}; " +
                "proxies reject it during the handshake. Pin the client's renewed certificate.", blocking: false);
        }

        var issuer = DistinguishedName.Format(certificate.IssuerName);
        if (anchors is not null && !anchors.Named(CanonicalName.Of(certificate.IssuerName)).Any())
        {
            findings.Add(entry, ClientAuthPolicyReasons.PinnedCertificateNotInBundle,
                $"{field} \"{subject}\" was issued by \"{issuer}\", which is not in the trust bundle, so proxies reject it before the pin is checked. " +
                "Add that CA to the TrustBundle.", blocking: false);
        }
    }
}
