using System.Collections.Immutable;
using System.Globalization;
using System.Text.RegularExpressions;
using k8s.Models;
using MtlsOperator.Engine.Api;
using MtlsOperator.Engine.Pki;

namespace MtlsOperator.Engine.Evaluation;

/// <summary>Evaluates a <see cref="TrustBundle"/>: which CAs and CRLs it holds, what is wrong with them, and the <c>ca.crt</c> ConfigMap to write.
/// Fails closed: an unreadable source, malformed PEM, no usable CA or a CRL that cannot be honoured make Ready=False with no output,
/// so the last good ConfigMap stays; other problems are listed while the bundle is rendered, each saying what was left out and what that changes.</summary>
public sealed partial class TrustBundleEvaluator
{
    /// <summary>Key of the CA certificates in the output ConfigMap.</summary>
    public const string CaKey = "ca.crt";

    /// <summary>Key of the CRLs in the output ConfigMap, present only when the bundle has CRLs.</summary>
    public const string CrlKey = "ca.crl";

    /// <summary>The name of the ConfigMap a bundle renders into.</summary>
    public static string OutputNameOf(TrustBundle bundle) =>
        string.IsNullOrWhiteSpace(bundle.Spec.OutputConfigMapName) ? bundle.Metadata.Name + "-ca" : bundle.Spec.OutputConfigMapName;

    public TrustBundleEvaluation Evaluate(TrustBundle bundle, EvaluationContext context)
    {
        var ns = bundle.Metadata.NamespaceProperty ?? "default";
        var outputName = OutputNameOf(bundle);
        var findings = new Findings();
        if (!ConfigMapName().IsMatch(outputName) || outputName.Length > 253)
        {
            findings.Add("spec.outputConfigMapName", TrustBundleReasons.InvalidSpec,
                $"spec.outputConfigMapName \"{outputName}\" is not a valid ConfigMap name (lowercase letters, digits, '-' and '.', at most 253 characters).", blocking: true);
        }

        if (bundle.Spec.Sources.Count == 0)
        {
            findings.Add("spec.sources", TrustBundleReasons.NoSources, "spec.sources is empty; list at least one source of CA certificates.", blocking: true);
        }

        var read = TrustBundleCertificates.Read(bundle.Spec, ns, context.Lookup, findings);
        var cas = TrustBundleCertificates.Accept(read, context.Now, findings);
        var bundleCrls = TrustBundleCrls.ReadAndMatch(bundle, ns, context, cas, findings);
        var crls = bundleCrls.Kept;
        if (!findings.HasBlocking && !cas.Any(c => c.ValidNow))
        {
            findings.Add("spec.sources", TrustBundleReasons.NoUsableCertificateAuthority, cas.Count == 0
                ? "The sources hold no CA certificate, so no client could ever be verified; add the root (and intermediate) CA certificates."
                : "Every CA certificate in the bundle is expired or not yet valid, so no client could be verified; add the CA's current certificate.",
                blocking: true);
        }

        crls = [.. crls.OrderBy(m => cas.IndexOf(m.Issuer))];
        var status = StatusOf(bundle, outputName, cas, crls, findings);
        status.CrlFetches = bundleCrls.Fetches.Count == 0 ? null : bundleCrls.Fetches;
        var conditions = new ConditionSet(bundle.Status?.Conditions, bundle.Metadata.Generation, context.Now);
        CrlDistribution.CrlFetchCondition.Set(conditions, bundleCrls.Fetches);
        if (findings.HasBlocking)
        {
            var (reason, message) = findings.BlockingSummary();
            conditions.Set(ConditionTypes.Ready, false, reason, message + LiveOutputNote(bundle, ns, outputName, context.Lookup));
            status.Conditions = conditions.Build();
            return new TrustBundleEvaluation(status, null, null);
        }

        var anchors = AnchorsOf(cas, crls);
        var problems = status.Problems.Count;
        conditions.Set(ConditionTypes.Ready, true, problems == 0 ? TrustBundleReasons.Rendered : TrustBundleReasons.RenderedWithProblems,
            $"ConfigMap {outputName} holds {Wording.Count(cas.Count, "CA certificate")} ({cas.Count(c => c.Role == CertificateRole.Root)} root, " +
            $"{cas.Count(c => c.Role == CertificateRole.Intermediate)} intermediate) and {Wording.Count(crls.Count, "CRL")}." +
            (problems == 0 ? "" : $" {Wording.Count(problems, "problem")} in status.problems: each says what was left out and why; fix them."));
        SetCrlExpiry(conditions, bundle.Spec, crls, context.Now);
        status.Conditions = conditions.Build();
        return new TrustBundleEvaluation(status, OutputOf(bundle, outputName, anchors, bundleCrls.Held), anchors);
    }

    /// <summary>The warning window before a CRL's nextUpdate (<c>spec.crlExpiryWarningHours</c>, default 24 hours).</summary>
    public static TimeSpan CrlWarningOf(TrustBundleSpec spec) => TimeSpan.FromHours(spec.CrlExpiryWarningHours ?? 24);

    /// <summary>CrlExpiringSoon, set only on bundles with CRLs. The message names an absolute time, never "in N hours",
    /// so it does not change (and cause a status write) on every reconcile while the window lasts.</summary>
    private static void SetCrlExpiry(ConditionSet conditions, TrustBundleSpec spec, List<MatchedCrl> crls, DateTimeOffset now)
    {
        var dated = crls.Where(m => m.Crl.NextUpdate is not null).OrderBy(m => m.Crl.NextUpdate).ToList();
        if (crls.Count == 0)
        {
            return;
        }

        if (dated.Count == 0)
        {
            conditions.Set(ConditionTypes.CrlExpiringSoon, false, "NoNextUpdate", "No CRL in the bundle states a nextUpdate.");
            return;
        }

        var warning = CrlWarningOf(spec);
        var soon = dated.Where(m => m.Crl.NextUpdate!.Value - warning <= now).ToList();
        if (soon.Count == 0)
        {
            var first = dated[0];
            conditions.Set(ConditionTypes.CrlExpiringSoon, false, "CrlsCurrent",
                $"The first CRL due is from \"{first.Crl.Issuer}\" ({first.Source}), nextUpdate {TrustBundleCertificates.Format(first.Crl.NextUpdate!.Value)}.");
            return;
        }

        conditions.Set(ConditionTypes.CrlExpiringSoon, true, "CrlExpiringSoon",
            string.Join(" ", soon.Select(m => $"The CRL from \"{m.Crl.Issuer}\"{NumberOf(m)} ({m.Source}) reaches nextUpdate at {TrustBundleCertificates.Format(m.Crl.NextUpdate!.Value)}.")) +
            " Publish a fresh CRL into its source before then: once nextUpdate has passed, HAProxy and nginx refuse every client certificate the CRL covers.");
    }

    private static string NumberOf(MatchedCrl m) => m.Crl.Extensions.Number is { } n ? $" (CRL number {n.ToString(CultureInfo.InvariantCulture)})" : "";

    private static TrustBundleStatus StatusOf(TrustBundle bundle, string outputName, List<AcceptedCa> cas, List<MatchedCrl> crls, Findings findings) => new()
    {
        ObservedGeneration = bundle.Metadata.Generation,
        CertificateCount = cas.Count,
        Certificates = [.. cas.Select(c => new TrustedCertificateStatus
        {
            Role = c.Role.ToString(),
            Subject = c.Ca.Subject,
            Issuer = c.Ca.Issuer,
            Sha256 = c.Ca.Sha256,
            NotAfter = c.Ca.Certificate.NotAfter.ToUniversalTime(),
            Source = c.Ca.Source,
        })],
        EarliestExpiry = cas.Count == 0 ? null : cas.Min(c => c.Ca.Certificate.NotAfter.ToUniversalTime()),
        Crls = [.. crls.Select(m => new CrlStatus
        {
            Issuer = m.Crl.Issuer,
            ThisUpdate = m.Crl.ThisUpdate.UtcDateTime,
            NextUpdate = m.Crl.NextUpdate?.UtcDateTime,
            CrlNumber = m.Crl.Extensions.Number?.ToString(CultureInfo.InvariantCulture),
            RevokedCount = m.Crl.RevokedSerials.Length,
            Source = m.Source,
        })],
        Problems = findings.Problems,
        OutputConfigMap = outputName,
    };

    private static TrustAnchors AnchorsOf(List<AcceptedCa> cas, List<MatchedCrl> crls)
    {
        var caPem = PemBlock.Join(cas.Select(c => new PemBlock(PemLabels.Certificate, c.Ca.Certificate.RawData)));
        var crlPem = crls.Count == 0 ? null : string.Concat(crls.Select(m => m.Crl.ToPem()));
        var subjects = cas.Select(c => c.Ca.Subject).Distinct().ToImmutableArray();
        var withCrl = crls.Select(m => m.Issuer.Ca.Subject).ToHashSet();
        return new TrustAnchors(caPem, crlPem, subjects, [.. subjects.Where(s => !withCrl.Contains(s))])
        {
            Authorities = [.. cas.Select(c => new TrustedAuthority(c.Ca.Certificate, c.Ca.Subject, c.Ca.SubjectName, c.Ca.Sha256, c.Role == CertificateRole.Root))],
        };
    }

    private static V1ConfigMap OutputOf(TrustBundle bundle, string outputName, TrustAnchors anchors, IReadOnlyDictionary<string, byte[]> held)
    {
        var data = new Dictionary<string, string> { [CaKey] = anchors.CaBundlePem };
        if (anchors.CrlPem is { } crl)
        {
            data[CrlKey] = crl;
        }

        return new V1ConfigMap
        {
            ApiVersion = "v1",
            Kind = V1ConfigMap.KubeKind,
            Metadata = OutputOwnership.MetadataFor(outputName, bundle),
            Data = data,
            // The last good CRL of each URL, so a restarted operator keeps it (CrlDistribution.HeldCrls); absent without URLs.
            BinaryData = held.Count == 0 ? null : held.OrderBy(h => h.Key, StringComparer.Ordinal).ToDictionary(h => h.Key, h => h.Value),
        };
    }

    private static string LiveOutputNote(TrustBundle bundle, string ns, string outputName, IResourceLookup lookup) =>
        lookup.FindConfigMap(ns, outputName) is { } existing && OutputOwnership.IsOwnedBy(existing.Metadata, bundle)
            ? OutputOwnership.GenerationOf(existing.Metadata) is { } g
                ? $" ConfigMap {outputName} keeps the content of generation {g.ToString(CultureInfo.InvariantCulture)}."
                : $" ConfigMap {outputName} keeps its last good content."
            : $" ConfigMap {outputName} is not written until this is fixed.";

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex ConfigMapName();
}
