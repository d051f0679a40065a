using System.Collections.Frozen;
using k8s.Models;
using MtlsOperator.Engine.Api;

namespace MtlsOperator.Engine.Evaluation;

/// <summary>Derives kstatus' <c>Stalled</c> and <c>Reconciling</c> from <c>Ready</c>, the same way for every kind, so Flux, kstatus and
/// Argo CD tell "a person must change something" from "waiting for something that will come": Ready=False with a reason that waits
/// for a referenced object (which the operator watches, so it re-evaluates when it appears or becomes Ready) is Reconciling=True;
/// every other Ready=False is Stalled=True, including reasons added later (a new failure counts as needing a person until it is
/// listed here).</summary>
public static class HealthConditions
{
    /// <summary>Ready=False reasons that resolve without a change to this resource: a referenced object that does not exist yet (cert-manager
    /// has not issued, the Secret is synced later by GitOps) or is not Ready yet (its own status says whether it is stalled).</summary>
    public static FrozenSet<string> WaitingReasons { get; } = new[]
    {
        DataSourceReasons.SourceNotFound,
        TrustBundleReasons.CrlNotFetched,
        ServerCertificateReasons.SecretNotFound,
        ServerCertificateReasons.BootstrapPending,
        ServerCertificateReasons.AwaitingSignedCertificate,
        ServerCertificateReasons.KeyPending,
        ClientAuthPolicyReasons.TrustBundleNotFound,
        ClientAuthPolicyReasons.TrustBundleNotReady,
        ListenerReasons.ServerCertificateNotFound,
        ListenerReasons.ServerCertificateNotReady,
        ListenerReasons.ClientAuthPolicyNotFound,
        ListenerReasons.ClientAuthPolicyNotReady,
        UpstreamTls.UpstreamTlsReasons.TrustBundleNotFound,
        UpstreamTls.UpstreamTlsReasons.TrustBundleNotReady,
        UpstreamTls.UpstreamTlsReasons.ClientCertificateNotFound,
        Issuance.IssuanceReasons.SecretNotFound,
        Issuance.IssuanceReasons.AuthorityNotFound,
        Issuance.IssuanceReasons.AuthorityNotReady,
        Issuance.IssuanceReasons.RevocationPending,
        ClientAuthPolicyReasons.IssuedCertificateNotFound,
    }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Reason of Stalled=False and Reconciling=False when the resource is Ready.</summary>
    public const string ReadyReason = "Ready";

    /// <summary>Reason of Stalled=False while waiting for a referenced object.</summary>
    public const string WaitingReason = "WaitingForReference";

    /// <summary>Reason of Reconciling=False while stalled.</summary>
    public const string StalledReason = "NeedsChange";

    /// <summary><paramref name="conditions"/> with Stalled and Reconciling set from its Ready condition (replacing any), transition times
    /// kept from <paramref name="previous"/> while a status is unchanged. Unchanged when there is no Ready condition.</summary>
    public static List<V1Condition> Complete(List<V1Condition> conditions, IReadOnlyList<V1Condition>? previous, DateTimeOffset now)
    {
        if (conditions.FirstOrDefault(c => c.Type == ConditionTypes.Ready) is not { } ready)
        {
            return conditions;
        }

        var derived = new ConditionSet(previous, ready.ObservedGeneration, now);
        if (ready.Status == "True")
        {
            derived.Set(ConditionTypes.Stalled, false, ReadyReason, "Nothing needs a person's attention.");
            derived.Set(ConditionTypes.Reconciling, false, ReadyReason, "The outputs hold this generation.");
        }
        else if (WaitingReasons.Contains(ready.Reason))
        {
            derived.Set(ConditionTypes.Stalled, false, WaitingReason, "Waiting for a referenced object; the operator re-evaluates when it changes.");
            derived.Set(ConditionTypes.Reconciling, true, ready.Reason, ready.Message);
        }
        else
        {
            derived.Set(ConditionTypes.Stalled, true, ready.Reason, ready.Message);
            derived.Set(ConditionTypes.Reconciling, false, StalledReason, "No progress until the spec or a referenced object is changed.");
        }

        return [.. conditions.Where(c => c.Type is not (ConditionTypes.Stalled or ConditionTypes.Reconciling)), .. derived.Build()];
    }
}
