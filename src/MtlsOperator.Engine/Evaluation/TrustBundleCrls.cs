using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MtlsOperator.Engine.Api;
using MtlsOperator.Engine.CrlDistribution;
using MtlsOperator.Engine.Pki;

namespace MtlsOperator.Engine.Evaluation;

/// <summary>A CRL matched to the bundle CA whose key signed it.</summary>
internal sealed record MatchedCrl(CertificateRevocationList Crl, AcceptedCa Issuer, string Source);

/// <summary>A bundle's CRLs: the one kept per issuer, every fetched URL's state, and the CRL held per URL (ConfigMap key to DER).</summary>
internal sealed record BundleCrls(List<MatchedCrl> Kept, List<CrlFetchStatus> Fetches, IReadOnlyDictionary<string, byte[]> Held);

/// <summary>Reads a bundle's CRLs, matches each to its issuer and keeps the one CRL per issuer that is rendered (<see cref="TrustBundleCrlChoice"/>).
/// Every CRL that cannot be honoured is blocking: with a CRL file, HAProxy and nginx reject every client of a CA whose CRL is missing, expired,
/// badly signed or unusable to OpenSSL, so such a change must not replace a working output.</summary>
internal static class TrustBundleCrls
{
    public static BundleCrls ReadAndMatch(TrustBundle bundle, string ns, EvaluationContext context, IReadOnlyList<AcceptedCa> cas, Findings findings)
    {
        var spec = bundle.Spec;
        var fetched = new FetchedCrls(bundle, ns, context, cas);
        var matched = new List<MatchedCrl>();
        var seen = new List<(CertificateRevocationList Crl, string Source)>();
        var urls = new List<(string Url, string Source)>();
        for (var i = 0; i < spec.Crls.Count; i++)
        {
            var entry = $"spec.crls[{i}]";
            var source = spec.Crls[i];
            var given = source is null ? 0 : (source.Inline is null ? 0 : 1) + (source.Secret is null ? 0 : 1) + (source.ConfigMap is null ? 0 : 1) + (source.Url is null ? 0 : 1);
            if (given != 1)
            {
                findings.Add(entry, DataSourceReasons.InvalidSource, $"{entry} must set exactly one of inline, secret, configMap or url (it sets {given}).", blocking: true);
                continue;
            }

            if (source!.Url is { } url)
            {
                if (!urls.Any(u => u.Url == url))
                {
                    urls.Add((url, entry));
                }

                continue;
            }

            Add(Read(source.AsDataSource(), entry, ns, context.Lookup, findings), entry);
        }

        urls.AddRange(DistributionPointUrls.Of(spec, cas, findings).Where(d => !urls.Any(u => u.Url == d.Url)));
        if (urls.Count > ApiLimits.CrlUrls)
        {
            findings.Add("spec.crls", EvaluationGuard.LimitExceeded,
                $"The bundle names {urls.Count} CRL URLs (url entries and CRL Distribution Points), more than the limit of {ApiLimits.CrlUrls}; " +
                "split the CAs across bundles or give some CRLs another way.", blocking: true);
            urls = [.. urls.Take(ApiLimits.CrlUrls)];
        }

        foreach (var (url, entry) in urls)
        {
            if (fetched.Resolve(url, entry, findings) is { } crl)
            {
                Add([crl], entry);
            }
        }

        var kept = new List<MatchedCrl>();
        foreach (var group in matched.GroupBy(m => m.Issuer))
        {
            if (TrustBundleCrlChoice.Choose([.. group], findings) is { } chosen && IsCurrent(chosen, context.Now, findings))
            {
                kept.Add(chosen);
            }
        }

        return new BundleCrls(kept, fetched.Statuses, fetched.Held);

        void Add(IEnumerable<CertificateRevocationList> crls, string entry)
        {
            foreach (var crl in crls)
            {
                if (seen.FirstOrDefault(m => m.Crl.Der.Span.SequenceEqual(crl.Der.Span)) is { Crl: not null } same)
                {
                    findings.Add(entry, TrustBundleReasons.DuplicateCrl,
                        $"{entry} repeats the CRL from \"{crl.Issuer}\" already given in {same.Source}; the copy is ignored. Remove one of them.", blocking: false);
                    continue;
                }

                seen.Add((crl, entry));
                if (CrlUsability.Check(crl, entry, findings) && Match(crl, entry, cas, findings) is { } issuer)
                {
                    matched.Add(new MatchedCrl(crl, issuer, entry));
                }
            }
        }
    }

    private static List<CertificateRevocationList> Read(DataSource source, string entry, string ns, IResourceLookup lookup, Findings findings)
    {
        var read = DataSourceReader.Read(source, entry, ns, lookup);
        if (read.Bytes is not { } bytes)
        {
            findings.Add(entry, read.Reason!, read.Message!, blocking: true);
            return [];
        }

        return Parse(bytes, entry, findings);
    }

    /// <summary>The CRLs in <paramref name="bytes"/> (PEM X509 CRL blocks or one DER CRL); each one that cannot be read is a blocking finding.</summary>
    public static List<CertificateRevocationList> Parse(byte[] bytes, string entry, Findings findings)
    {
        var content = PemOrDer.Read(bytes, PemLabels.Crl);
        if (content.Error is not null || content.Objects.Count == 0)
        {
            var why = content.Error ?? $"holds no X509 CRL block (only {string.Join(", ", content.OtherLabels.Distinct())})";
            findings.Add(entry, TrustBundleReasons.MalformedCrl, $"{entry} {why}; give PEM X509 CRL blocks or one DER CRL.", blocking: true);
            return [];
        }

        var crls = new List<CertificateRevocationList>();
        for (var k = 0; k < content.Objects.Count; k++)
        {
            try
            {
                crls.Add(CertificateRevocationList.Parse(content.Objects[k]));
            }
            catch (Exception e) when (e is AsnContentException or CryptographicException)
            {
                findings.Add(entry, TrustBundleReasons.MalformedCrl,
                    $"{entry}: CRL {k + 1} is not a valid X.509 CRL; replace it with the CRL your CA publishes (PEM or DER).", blocking: true);
            }
        }

        return crls;
    }

    /// <summary>The bundle CA whose key signed <paramref name="crl"/>, or null after a blocking finding saying why there is none.</summary>
    public static AcceptedCa? Match(CertificateRevocationList crl, string entry, IReadOnlyList<AcceptedCa> cas, Findings findings)
    {
        var crlIssuer = CanonicalName.FromDer(crl.IssuerDer);
        var named = cas.Where(c => c.Ca.SubjectName.Equals(crlIssuer)).ToList();
        if (named.Count == 0)
        {
            findings.Add(entry, TrustBundleReasons.CrlIssuerNotInBundle,
                $"{entry} is a CRL issued by \"{crl.Issuer}\", which is not a CA in this bundle; add that CA to spec.sources or remove the CRL.", blocking: true);
            return null;
        }

        var checks = named.Select(c => (Ca: c, Check: SignatureVerifier.Verify(crl.Structure, c.Ca.Certificate))).ToList();
        if (checks.FirstOrDefault(c => c.Check == SignatureCheck.Valid).Ca is { } issuer)
        {
            return KeyIdentifierMatches(crl, issuer, entry, findings) ? issuer : null;
        }

        if (checks.Any(c => c.Check == SignatureCheck.Unsupported))
        {
            findings.Add(entry, TrustBundleReasons.CrlSignatureUnsupported,
                $"{entry}: the CRL from \"{crl.Issuer}\" is signed with algorithm {crl.Structure.AlgorithmOid}, which this operator cannot verify, so it " +
                "cannot tell whether the proxies would accept it. Have the CA sign its CRLs with RSA (PKCS#1 v1.5 or PSS) or ECDSA and SHA-256.", blocking: true);
            return null;
        }

        findings.Add(entry, TrustBundleReasons.CrlSignatureInvalid,
            $"{entry} names \"{crl.Issuer}\" as issuer, but its signature does not verify with that CA's key; " +
            "it was altered or signed by another key. Use the CRL the CA currently publishes.", blocking: true);
        return null;
    }

    // OpenSSL looks a CRL up for a certificate only when the CRL's Authority Key Identifier matches the issuer's Subject Key Identifier
    // (X509_check_akid); on a mismatch it finds no CRL and rejects every client of that CA ("unable to get certificate CRL").
    private static bool KeyIdentifierMatches(CertificateRevocationList crl, AcceptedCa issuer, string entry, Findings findings)
    {
        var ski = issuer.Ca.Certificate.Extensions.OfType<X509SubjectKeyIdentifierExtension>().FirstOrDefault();
        if (crl.Extensions.AuthorityKeyId is not { } keyId || ski is null || keyId.Span.SequenceEqual(ski.SubjectKeyIdentifierBytes.Span))
        {
            return true;
        }

        findings.Add(entry, TrustBundleReasons.CrlAuthorityKeyMismatch,
            $"{entry}: the CRL from \"{crl.Issuer}\" is signed by that CA's key but its Authority Key Identifier ({Convert.ToHexString(keyId.Span)}) is not " +
            $"the CA certificate's Subject Key Identifier ({Convert.ToHexString(ski.SubjectKeyIdentifierBytes.Span)}), so HAProxy and nginx would not find " +
            "a CRL for its clients and reject them all (\"unable to get certificate CRL\"). Use the CA certificate the CRL names, or a CRL issued with it.",
            blocking: true);
        return false;
    }

    private static bool IsCurrent(MatchedCrl chosen, DateTimeOffset now, Findings findings)
    {
        var (crl, entry) = (chosen.Crl, chosen.Source);
        if (crl.NextUpdate is { } next && now > next)
        {
            findings.Add(entry, TrustBundleReasons.CrlExpired,
                $"{entry}: the CRL from \"{crl.Issuer}\" expired at {TrustBundleCertificates.Format(next)} (nextUpdate). HAProxy and nginx reject every " +
                "client certificate from that CA while its CRL is expired, so this is not rendered; publish a fresh CRL.", blocking: true);
            return false;
        }

        if (now < crl.ThisUpdate)
        {
            findings.Add(entry, TrustBundleReasons.CrlNotYetValid,
                $"{entry}: the CRL from \"{crl.Issuer}\" is dated {TrustBundleCertificates.Format(crl.ThisUpdate)} (thisUpdate), in the future; proxies reject " +
                "every client of that CA until then. Check the CA's clock.", blocking: true);
            return false;
        }

        return true;
    }
}
