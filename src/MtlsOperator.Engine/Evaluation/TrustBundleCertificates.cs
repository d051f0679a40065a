using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MtlsOperator.Engine.Api;
using MtlsOperator.Engine.Pki;

namespace MtlsOperator.Engine.Evaluation;

/// <summary>A CA certificate accepted into a bundle, with its role.</summary>
internal sealed record AcceptedCa(BundleCertificate Ca, CertificateRole Role, bool ValidNow);

/// <summary>Reads the certificates of a bundle's sources and decides which are accepted: CAs only, once each, roots told from intermediates.</summary>
internal static class TrustBundleCertificates
{
    /// <summary>Every certificate in <paramref name="spec"/>'s sources, in spec order; unreadable sources are blocking findings.</summary>
    public static List<BundleCertificate> Read(TrustBundleSpec spec, string ns, IResourceLookup lookup, Findings findings)
    {
        var read = new List<BundleCertificate>();
        for (var i = 0; i < spec.Sources.Count; i++)
        {
            var entry = $"spec.sources[{i}]";
            var source = DataSourceReader.Read(spec.Sources[i], entry, ns, lookup);
            if (source.Bytes is not { } bytes)
            {
                findings.Add(entry, source.Reason!, source.Message!, blocking: true);
                continue;
            }

            var content = PemOrDer.Read(bytes, PemLabels.Certificate);
            if (content.Error is { } error)
            {
                findings.Add(entry, TrustBundleReasons.MalformedCertificate, $"{entry} {error}; give PEM CERTIFICATE blocks or one DER certificate.", blocking: true);
                continue;
            }

            ReportOtherBlocks(entry, content.OtherLabels, findings);
            if (content.Objects.Count == 0)
            {
                findings.Add(entry, TrustBundleReasons.MalformedCertificate,
                    $"{entry} holds no CERTIFICATE block (only {string.Join(", ", content.OtherLabels.Distinct())}); give the CA certificates.", blocking: true);
            }

            for (var k = 0; k < content.Objects.Count; k++)
            {
                if (CertificateDecoding.TryLoad(content.Objects[k].Span, out var problem) is { } certificate)
                {
                    read.Add(new BundleCertificate(certificate, entry, k));
                }
                else
                {
                    findings.Add(entry, TrustBundleReasons.MalformedCertificate,
                        $"{entry}: certificate {k + 1} {problem}; replace it with the CA certificate in PEM or DER.", blocking: true);
                }
            }
        }

        return read;
    }

    /// <summary>The accepted CAs in output order: roots first, then intermediates, each by subject then SHA-256.</summary>
    public static List<AcceptedCa> Accept(IReadOnlyList<BundleCertificate> read, DateTimeOffset now, Findings findings)
    {
        var kept = new List<BundleCertificate>();
        foreach (var candidate in read)
        {
            if (kept.FirstOrDefault(k => k.Sha256 == candidate.Sha256) is { } first)
            {
                findings.Add(candidate.Source, TrustBundleReasons.DuplicateCertificate,
                    $"{candidate.Describe()} is the same certificate as {first.Describe()}; the copy is ignored. Remove one of them.", blocking: false);
                continue;
            }

            if (!CertificateAuthorityFacts.IsCertificateAuthority(candidate.Certificate))
            {
                findings.Add(candidate.Source, TrustBundleReasons.NotACertificateAuthority,
                    $"{candidate.Describe()} is not a CA certificate (no basicConstraints CA:TRUE) and was left out. A trust bundle holds " +
                    "root and intermediate CAs only; to admit one client certificate, pin it in a ClientAuthPolicy.", blocking: false);
                continue;
            }

            kept.Add(candidate);
        }

        var accepted = kept.Select(c => Classify(c, now, findings)).ToList();
        ReportBrokenChains(accepted, findings);
        return [.. accepted.OrderBy(a => a.Role).ThenBy(a => a.Ca.Subject, StringComparer.Ordinal).ThenBy(a => a.Ca.Sha256, StringComparer.Ordinal)];
    }

    private static AcceptedCa Classify(BundleCertificate ca, DateTimeOffset now, Findings findings)
    {
        var cert = ca.Certificate;
        var role = CertificatePaths.IsSelfSigned(cert) ? CertificateRole.Root : CertificateRole.Intermediate;
        var notAfter = new DateTimeOffset(cert.NotAfter.ToUniversalTime());
        var notBefore = new DateTimeOffset(cert.NotBefore.ToUniversalTime());
        if (now > notAfter)
        {
            findings.Add(ca.Source, TrustBundleReasons.Expired,
                $"{ca.Describe()} expired on {Format(notAfter)}; proxies reject every client chaining through it. Replace it with the CA's renewed certificate.", blocking: false);
        }
        else if (now < notBefore)
        {
            findings.Add(ca.Source, TrustBundleReasons.NotYetValid,
                $"{ca.Describe()} is not valid before {Format(notBefore)}; until then proxies reject clients chaining through it. Check the CA's clock or wait.", blocking: false);
        }

        if (CertificateAuthorityFacts.LacksKeyCertSign(cert))
        {
            findings.Add(ca.Source, TrustBundleReasons.MissingKeyCertSign,
                $"{ca.Describe()} has a key usage without keyCertSign, so OpenSSL-based proxies refuse certificates it issued. Reissue the CA with keyCertSign.", blocking: false);
        }

        return new AcceptedCa(ca, role, now >= notBefore && now <= notAfter);
    }

    /// <summary>Flags intermediates whose issuers do not lead, inside the bundle, to a root: proxies cannot verify clients under them.
    /// The path is the platform verifier's (validity periods aside: those are reported on their own).</summary>
    private static void ReportBrokenChains(List<AcceptedCa> accepted, Findings findings)
    {
        var roots = accepted.Where(a => a.Role == CertificateRole.Root).Select(a => a.Ca.Certificate).ToList();
        var intermediates = accepted.Where(a => a.Role == CertificateRole.Intermediate).ToList();
        foreach (var intermediate in intermediates)
        {
            var others = intermediates.Where(o => !ReferenceEquals(o, intermediate)).Select(o => o.Ca.Certificate);
            var path = CertificatePaths.Build(intermediate.Ca.Certificate, roots, others, null);
            if (path.RootReached)
            {
                continue;
            }

            var last = path.Path[^1];
            var current = accepted.First(a => ReferenceEquals(a.Ca.Certificate, last) || a.Ca.Certificate.RawData.AsSpan().SequenceEqual(last.RawData));
            var sameName = accepted.Any(a => a.Ca.SubjectName.Equals(current.Ca.IssuerName));
            var where = ReferenceEquals(current, intermediate) ? "was" : $"chains to \"{current.Ca.Subject}\", which was";
            var message = sameName
                ? $"{intermediate.Ca.Describe()} {where} issued under the name \"{current.Ca.Issuer}\" but no key in the bundle with that name verifies its signature; " +
                    "add the CA certificate that signed it."
                : $"{intermediate.Ca.Describe()} {where} issued by \"{current.Ca.Issuer}\", which is not in the bundle; clients under it are rejected " +
                    "until you add that CA (up to its root) to spec.sources.";
            findings.Add(intermediate.Ca.Source, TrustBundleReasons.IntermediateWithoutRoot, message, blocking: false);
        }
    }

    private static void ReportOtherBlocks(string entry, IReadOnlyList<string> labels, Findings findings)
    {
        foreach (var label in labels.Distinct())
        {
            if (label.Contains("PRIVATE KEY", StringComparison.Ordinal))
            {
                findings.Add(entry, TrustBundleReasons.PrivateKeyInSource,
                    $"{entry} contains a private key ({label}); it was ignored and never copied. A trust bundle needs only certificates: " +
                    "remove the key from that source and treat it as exposed to everyone who can read it.", blocking: false);
            }
            else
            {
                findings.Add(entry, TrustBundleReasons.UnexpectedPemBlock,
                    $"{entry} contains a {label} block, which was ignored; put CRLs under spec.crls and only certificates under spec.sources.", blocking: false);
            }
        }
    }

    internal static string Format(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);
}
