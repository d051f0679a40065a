using System.Collections.Immutable;
using MtlsOperator.Engine.Api;
using MtlsOperator.Engine.PathRules;
using MtlsOperator.Engine.Policy;

namespace MtlsOperator.Engine.Evaluation;

/// <summary>Turns spec.paths into <see cref="PathAdmission"/>s: each prefix valid and distinct (ASCII case aside, as requests are
/// matched), each with at least one pin or rule, read exactly as the policy's own pins and rules (pins by issuedCertificateRef included:
/// they follow renewals, and a revoked one stays pinned only where a CRL the listeners check lists it).</summary>
internal static class PolicyPaths
{
    /// <param name="checkedCrlPem">The CRLs listeners of this policy check, or null, as for the policy's own pins.</param>
    public static ImmutableArray<PathAdmission> Read(IReadOnlyList<PathRuleSpec> specs, string ns, EvaluationContext context, TrustAnchors? anchors,
        Findings findings, Func<List<MatchRuleSpec>, string, List<ClientMatchRule>> readRules, string? checkedCrlPem)
    {
        var paths = ImmutableArray.CreateBuilder<PathAdmission>();
        var seen = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < specs.Count; i++)
        {
            var entry = $"spec.paths[{i}]";
            var spec = specs[i];
            if (spec is null)
            {
                findings.Add(entry, ClientAuthPolicyReasons.InvalidPath, $"{entry} is empty; give a prefix and pins or rules.", blocking: true);
                continue;
            }

            var prefix = spec.Prefix ?? "";
            if (PathPrefix.Problem(prefix) is { } problem)
            {
                findings.Add(entry, ClientAuthPolicyReasons.InvalidPath, $"{entry}.prefix \"{prefix}\" {problem}.", blocking: true);
                continue;
            }

            if (seen.TryGetValue(prefix, out var earlier))
            {
                findings.Add(entry, ClientAuthPolicyReasons.InvalidPath,
                    $"{entry}.prefix \"{prefix}\" repeats {earlier} (prefixes match regardless of case); merge their pins and rules into one entry.", blocking: true);
                continue;
            }

            seen[prefix] = entry;
            if ((spec.Pins?.Count ?? 0) + (spec.Rules?.Count ?? 0) == 0)
            {
                findings.Add(entry, ClientAuthPolicyReasons.InvalidPath,
                    $"{entry} ({prefix}) has neither pins nor rules, so it would admit no one there; add a pin or a rule.", blocking: true);
                continue;
            }

            var pins = PolicyPins.Read(spec.Pins ?? [], entry + ".pins", ns, context, anchors, findings, checkedCrlPem);
            var rules = readRules(spec.Rules ?? [], entry + ".rules");
            if (pins.Entries.IsEmpty && rules.Count == 0 && !findings.HasBlocking)
            {
                findings.Add(entry, ClientAuthPolicyReasons.NoClientsAdmitted,
                    $"{entry} ({prefix}): no pin admits a certificate any more (every pinned issued certificate is revoked and not on a CRL this policy " +
                    "checks), and an empty path never means \"anyone\"; pin another certificate, or check the CA's CRL (TrustBundle spec.crls).", blocking: true);
                continue;
            }

            paths.Add(new PathAdmission(prefix, pins.Entries, [.. rules], entry));
        }

        return paths.ToImmutable();
    }
}
