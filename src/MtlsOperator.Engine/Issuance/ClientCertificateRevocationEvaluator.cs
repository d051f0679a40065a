using MtlsOperator.Engine.Api;
using MtlsOperator.Engine.Evaluation;

namespace MtlsOperator.Engine.Issuance;

/// <summary>Result of evaluating a <see cref="ClientCertificateRevocation"/>: its status (it writes nothing else; the CA signs the CRL).</summary>
/// <param name="RecheckAt">When an entry's certificate expires (it then leaves the CRL and this status).</param>
public sealed record ClientCertificateRevocationEvaluation(ClientCertificateRevocationStatus Status, DateTimeOffset? RecheckAt);

/// <summary>Reports a revocation: which certificates it lists (remembered, so they stay listed when their IssuedClientCertificate goes) and
/// whether the CA's published CRL lists them all. Ready=True only then: until it is, the proxies still admit them.</summary>
public sealed class ClientCertificateRevocationEvaluator
{
    public ClientCertificateRevocationEvaluation Evaluate(ClientCertificateRevocation resource, EvaluationContext context)
    {
        var ns = resource.Metadata.NamespaceProperty ?? "default";
        var spec = resource.Spec;
        var conditions = new ConditionSet(resource.Status?.Conditions, resource.Metadata.Generation, context.Now);
        var status = new ClientCertificateRevocationStatus { ObservedGeneration = resource.Metadata.Generation, Certificates = [.. (resource.Status?.Certificates ?? []).OfType<RevocationEntryStatus>()] };

        ClientCertificateRevocationEvaluation Done(bool ready, string reason, string message, DateTimeOffset? recheck = null)
        {
            status.Conditions = conditions.Set(ConditionTypes.Ready, ready, reason, message).Build();
            return new ClientCertificateRevocationEvaluation(status, recheck);
        }

        if (spec.Reason is not null && RevocationReasons.Parse(spec.Reason) is null)
        {
            return Done(false, EvaluationGuard.InvalidSpec, $"spec.reason \"{spec.Reason}\" is not one of {string.Join(", ", RevocationReasons.Names)}.");
        }

        if (spec.IssuedCertificateRef is null && (spec.SerialNumbers ?? []).Count == 0)
        {
            return Done(false, EvaluationGuard.InvalidSpec, "Name an IssuedClientCertificate (spec.issuedCertificateRef) or give spec.serialNumbers: a revocation of nothing revokes nothing.");
        }

        var authorityRef = spec.AuthorityRef ?? new ObjectReference();
        if (!string.IsNullOrEmpty(authorityRef.Namespace) && authorityRef.Namespace != ns)
        {
            return Done(false, DataSourceReasons.CrossNamespaceReference,
                $"spec.authorityRef points to {authorityRef.Namespace}/{authorityRef.Name}, outside namespace {ns}; references never cross namespaces.");
        }

        var targets = Revocations.Resolve(resource, context.Lookup, context.Now);
        var authority = context.Lookup.FindClientCertificateAuthority(ns, authorityRef.Name);
        var crl = authority is null ? null : PublishedCrl.Of(authority, context.Lookup);
        var listed = new HashSet<string>((crl?.RevokedSerials ?? []).Select(SerialNumberText.Canonical), StringComparer.Ordinal);
        status.Certificates = [.. targets.Entries.Take(ApiLimits.StatusIssued + ApiLimits.RevocationSerials).Select(e => new RevocationEntryStatus
        {
            SerialNumber = e.Serial,
            NotAfter = e.NotAfter?.UtcDateTime,
            Published = listed.Contains(e.Serial),
        })];
        var recheck = targets.Entries.Where(e => e.NotAfter is not null).Select(e => e.NotAfter).Min();
        if (authority is null)
        {
            return Done(false, IssuanceReasons.AuthorityNotFound,
                $"ClientCertificateAuthority {ns}/{authorityRef.Name} does not exist, so no CRL lists these certificates yet; create it or fix spec.authorityRef.name.", recheck);
        }

        if (targets.Problems.Count > 0)
        {
            var first = targets.Problems[0];
            var reason = first.Kind switch
            {
                RevocationProblemKind.CrossNamespace => DataSourceReasons.CrossNamespaceReference,
                RevocationProblemKind.IssuedCertificateNotFound => ClientAuthPolicyReasons.IssuedCertificateNotFound,
                RevocationProblemKind.AuthorityMismatch => IssuanceReasons.AuthorityMismatch,
                _ => IssuanceReasons.InvalidSerial,
            };
            var message = first.Message;
            var more = targets.Problems.Count > 1 ? $" ({Wording.Count(targets.Problems.Count - 1, "more problem")} after this one.)" : "";
            var still = targets.Entries.Count > 0 ? $" The {Wording.Count(targets.Entries.Count, "certificate")} it could resolve are revoked all the same." : "";
            return Done(false, reason, message + more + still, recheck);
        }

        var pending = status.Certificates.Where(c => !c.Published).Select(c => c.SerialNumber).ToList();
        if (pending.Count > 0)
        {
            return Done(false, IssuanceReasons.RevocationPending,
                $"Waiting for ClientCertificateAuthority {authority.Metadata.Name} to publish a CRL listing {string.Join(", ", pending.Take(8))}" +
                (pending.Count > 8 ? $" and {pending.Count - 8} more" : "") + "; until then the proxies still admit them.", recheck);
        }

        var what = targets.Entries.Count == 0
            ? $"IssuedClientCertificate {spec.IssuedCertificateRef?.Name} has no valid certificate, and none will be issued."
            : $"{Wording.Count(targets.Entries.Count, "certificate")} ({string.Join(", ", targets.Entries.Take(8).Select(e => e.Serial))}" +
              $"{(targets.Entries.Count > 8 ? ", ..." : "")}) on CRL number {crl!.Extensions.Number} of ClientCertificateAuthority {authority.Metadata.Name}.";
        return Done(true, IssuanceReasons.Revoked, $"Revoked: {what} Final: deleting this resource takes nothing off the CRL.", recheck);
    }
}
