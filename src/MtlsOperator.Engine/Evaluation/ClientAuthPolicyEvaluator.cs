using System.Text.RegularExpressions;
using MtlsOperator.Engine.Api;
using MtlsOperator.Engine.Policy;

namespace MtlsOperator.Engine.Evaluation;

/// <summary>Evaluates a <see cref="ClientAuthPolicy"/> into the <see cref="ClientAdmission"/> a listener renders. Fails closed: a malformed
/// pin or rule, an unusable trust bundle, or a policy that names no client gives Ready=False and no admission, never "anyone".</summary>
public sealed partial class ClientAuthPolicyEvaluator
{
    private const string Auto = "Auto";
    private const string Required = "Required";
    private const string Disabled = "Disabled";

    /// <summary>Headers a proxy or upstream gives meaning to; carrying a client identity in them would break or spoof the request.</summary>
    private static readonly HashSet<string> s_reservedHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Host", "Content-Length", "Content-Type", "Transfer-Encoding", "Connection", "Upgrade", "Te", "Trailer", "Keep-Alive",
        "Proxy-Connection", "Authorization", "Cookie", "Expect",
    };

    private readonly TrustBundleEvaluator _bundles = new();

    public ClientAuthPolicyEvaluation Evaluate(ClientAuthPolicy policy, EvaluationContext context)
    {
        var ns = policy.Metadata.NamespaceProperty ?? "default";
        var spec = policy.Spec;
        var findings = new Findings();
        var revocation = spec.Revocation ?? Auto;
        if (revocation is not (Auto or Required or Disabled))
        {
            findings.Add("spec.revocation", ClientAuthPolicyReasons.InvalidSpec,
                $"spec.revocation \"{revocation}\" is not one of Auto, Required or Disabled.", blocking: true);
        }

        CheckHeader(spec.ForwardIdentityHeader, findings);
        var anchors = ResolveBundle(spec.TrustBundleRef, ns, context, findings);
        var crlPem = revocation == Disabled ? null : anchors?.CrlPem;
        var pins = PolicyPins.Read(policy, ns, context, anchors, findings, crlPem);
        var rules = ReadRules(spec.Rules, "spec.rules", spec.TrustBundleRef.Name, anchors, findings);
        var paths = PolicyPaths.Read(spec.Paths, ns, context, anchors, findings,
            (list, field) => ReadRules(list, field, spec.TrustBundleRef.Name, anchors, findings), crlPem);
        if (spec.Pins.Count == 0 && spec.Rules.Count == 0 && spec.Paths.Count == 0)
        {
            findings.Add("spec", ClientAuthPolicyReasons.NoClientsAdmitted,
                "The policy has no pins, no rules and no paths, so it would admit no one (it never means \"anyone\"); add a pin or a rule.", blocking: true);
        }
        else if (spec.Pins.Count > 0 && pins.Entries.IsEmpty && rules.Count == 0 && spec.Paths.Count == 0 && !findings.HasBlocking)
        {
            findings.Add("spec.pins", ClientAuthPolicyReasons.NoClientsAdmitted,
                "No pin admits a certificate any more (every pinned issued certificate is revoked and not on a CRL this policy checks), and an empty " +
                "policy never means \"anyone\"; pin another certificate, or check the CA's CRL (TrustBundle spec.crls).", blocking: true);
        }

        if (revocation == Required && anchors is not null && anchors.CrlPem is null)
        {
            findings.Add("spec.revocation", ClientAuthPolicyReasons.CrlRequired,
                $"spec.revocation is Required but TrustBundle {spec.TrustBundleRef.Name} has no CRLs; add them to its spec.crls, or set revocation to Auto.",
                blocking: true);
        }

        var status = new ClientAuthPolicyStatus
        {
            ObservedGeneration = policy.Metadata.Generation,
            Pins = [.. pins.Entries.Concat(paths.SelectMany(p => p.Pins))
                .SelectMany(e => e.Forms.Select(f => new NormalizedPinStatus { Algorithm = PinNames.Of(f.Algorithm), Value = f.Value, Source = e.Source }))],
            Rules = [.. rules.Select(MatchRuleParser.Describe), .. paths.SelectMany(p => p.Rules.Select(r => $"{p.Prefix}: {MatchRuleParser.Describe(r)}"))],
            Problems = findings.Problems,
            RevocationChecked = !findings.HasBlocking && crlPem is not null,
        };
        var conditions = new ConditionSet(policy.Status?.Conditions, policy.Metadata.Generation, context.Now);
        if (findings.HasBlocking)
        {
            var (reason, message) = findings.BlockingSummary();
            conditions.Set(ConditionTypes.Ready, false, reason, message + " Listeners using this policy keep their last good output.");
            status.Conditions = conditions.Build();
            return new ClientAuthPolicyEvaluation(status, null);
        }

        var admission = new ClientAdmission(anchors!.CaBundlePem, crlPem, crlPem is null ? [] : anchors.CasWithoutCrl, pins.Entries, [.. rules],
            spec.ForwardIdentityHeader)
        {
            ForwardClientCertificate = spec.ForwardClientCertificate == true,
            Paths = paths,
        };
        conditions.Set(ConditionTypes.Ready, true,
            status.Problems.Count == 0 ? ClientAuthPolicyReasons.Accepted : ClientAuthPolicyReasons.AcceptedWithProblems,
            AcceptedMessage(spec, pins.Entries.Length, rules.Count, revocation, crlPem is not null, status.Problems.Count));
        status.Conditions = conditions.Build();
        return new ClientAuthPolicyEvaluation(status, admission);
    }

    private TrustAnchors? ResolveBundle(ObjectReference reference, string ns, EvaluationContext context, Findings findings)
    {
        const string entry = "spec.trustBundleRef";
        if (string.IsNullOrWhiteSpace(reference.Name))
        {
            findings.Add(entry, ClientAuthPolicyReasons.InvalidSpec, "spec.trustBundleRef.name is empty; name the TrustBundle clients must chain to.", blocking: true);
            return null;
        }

        if (!string.IsNullOrEmpty(reference.Namespace) && reference.Namespace != ns)
        {
            findings.Add(entry, DataSourceReasons.CrossNamespaceReference,
                $"spec.trustBundleRef points to TrustBundle {reference.Namespace}/{reference.Name}, outside this policy's namespace {ns}; references never cross " +
                $"namespaces. Create the TrustBundle in {ns}.", blocking: true);
            return null;
        }

        var bundle = context.Lookup.FindTrustBundle(ns, reference.Name);
        if (bundle is null)
        {
            findings.Add(entry, ClientAuthPolicyReasons.TrustBundleNotFound,
                $"TrustBundle {ns}/{reference.Name} does not exist; create it or fix spec.trustBundleRef.name.", blocking: true);
            return null;
        }

        var evaluated = _bundles.Evaluate(bundle, context);
        if (evaluated.Anchors is null)
        {
            var ready = evaluated.Status.Conditions.FirstOrDefault(c => c.Type == ConditionTypes.Ready);
            findings.Add(entry, ClientAuthPolicyReasons.TrustBundleNotReady,
                $"TrustBundle {reference.Name} is not ready ({ready?.Reason}: {ready?.Message}) Fix the bundle first.", blocking: true);
        }

        return evaluated.Anchors;
    }

    private static List<ClientMatchRule> ReadRules(List<MatchRuleSpec> specs, string field, string bundleName, TrustAnchors? anchors, Findings findings)
    {
        var rules = new List<ClientMatchRule>();
        for (var i = 0; i < specs.Count; i++)
        {
            var entry = $"{field}[{i}]";
            var parsed = MatchRuleParser.Parse(specs[i], entry);
            foreach (var error in parsed.Errors)
            {
                findings.Add(entry, ClientAuthPolicyReasons.InvalidRule, error, blocking: true);
            }

            if (parsed.Rule is not { } rule || anchors is null || RuleIssuers.Bind(rule, entry, bundleName, anchors, findings) is not { } bound)
            {
                continue;
            }

            if (bound.All(rules.Contains))
            {
                findings.Add(entry, ClientAuthPolicyReasons.DuplicateRule, $"{entry} repeats an earlier rule; it adds nothing. Remove it.", blocking: false);
                continue;
            }

            rules.AddRange(bound.Where(b => !rules.Contains(b)));
        }

        return rules;
    }

    private static void CheckHeader(string? header, Findings findings)
    {
        if (header is null)
        {
            return;
        }

        if (!HeaderToken().IsMatch(header))
        {
            findings.Add("spec.forwardIdentityHeader", ClientAuthPolicyReasons.InvalidSpec,
                $"spec.forwardIdentityHeader \"{header}\" is not a valid HTTP header name (letters, digits and !#$%&'*+.^_`|~- only), e.g. X-Client-Identity.",
                blocking: true);
        }
        else if (s_reservedHeaders.Contains(header))
        {
            findings.Add("spec.forwardIdentityHeader", ClientAuthPolicyReasons.InvalidSpec,
                $"spec.forwardIdentityHeader \"{header}\" is a standard header with its own meaning; use a dedicated name such as X-Client-Identity.", blocking: true);
        }
    }

    private static string AcceptedMessage(ClientAuthPolicySpec spec, int pins, int rules, string revocation, bool checkedCrl, int problems)
    {
        var crl = checkedCrl ? "revocation is checked against the bundle's CRLs"
            : revocation == Disabled ? "revocation checking is disabled"
            : "revocation is not checked (the bundle has no CRLs)";
        var tail = problems == 0 ? "" : $" {Wording.Count(problems, "problem")} in status.problems; fix them.";
        var paths = spec.Paths.Count == 0 ? "" : $" ({Wording.Count(spec.Paths.Count, "path")} with pins and rules of their own)";
        return $"Admits clients that chain to TrustBundle {spec.TrustBundleRef.Name} and match one of {Wording.Count(pins, "pin")} or {Wording.Count(rules, "rule")}{paths}; {crl}.{tail}";
    }

    [GeneratedRegex("^[A-Za-z0-9!#$%&'*+.^_`|~-]+$")]
    private static partial Regex HeaderToken();
}
