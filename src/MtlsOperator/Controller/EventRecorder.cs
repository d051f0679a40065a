using System.Globalization;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using MtlsOperator.Engine.Api;

namespace MtlsOperator.Controller;

/// <summary>Emits Kubernetes Events for transitions a person should notice, and only for transitions (steady state and a healthy cold start write nothing).</summary>
internal sealed partial class EventRecorder(IKubernetes client, TimeProvider time, string instance, ILogger logger)
{
    public const string Component = "mtls-operator";
    public const string ExpiringSoonCondition = "ExpiringSoon";
    public const string RenewalPendingCondition = "RenewalPending";

    public async Task RecordTransitionsAsync(IKubernetesObject<V1ObjectMeta> resource, IReadOnlyList<V1Condition>? before, IReadOnlyList<V1Condition> after, CancellationToken cancellationToken)
    {
        var wasReady = before?.FirstOrDefault(c => c.Type == ConditionTypes.Ready);
        var ready = after.FirstOrDefault(c => c.Type == ConditionTypes.Ready);
        // A resource Ready at its first evaluation has made no transition a person needs told about (a cold start of N
        // healthy resources records nothing); one that starts out not Ready is worth a Warning.
        var first = wasReady is null || wasReady.Status == "Unknown";
        if (ready is not null && (first ? ready.Status != "True" : wasReady!.Status != ready.Status || wasReady.Reason != ready.Reason))
        {
            await EmitAsync(resource, ready.Status == "True" ? "Normal" : "Warning", ready.Reason, ready.Message, cancellationToken).ConfigureAwait(false);
        }

        var expiring = after.FirstOrDefault(c => c.Type == ExpiringSoonCondition && c.Status == "True");
        var wasExpiring = before?.Any(c => c.Type == ExpiringSoonCondition && c.Status == "True") ?? false;
        if (expiring is not null && !wasExpiring)
        {
            await EmitAsync(resource, "Warning", "CertificateExpiring", expiring.Message, cancellationToken).ConfigureAwait(false);
        }

        var renewal = after.FirstOrDefault(c => c.Type == RenewalPendingCondition && c.Status == "True");
        var wasRenewing = before?.Any(c => c.Type == RenewalPendingCondition && c.Status == "True") ?? false;
        if (renewal is not null && !wasRenewing)
        {
            await EmitAsync(resource, "Normal", renewal.Reason, renewal.Message, cancellationToken).ConfigureAwait(false);
        }

        var crlExpiring = after.FirstOrDefault(c => c.Type == ConditionTypes.CrlExpiringSoon && c.Status == "True");
        var wasCrlExpiring = before?.Any(c => c.Type == ConditionTypes.CrlExpiringSoon && c.Status == "True") ?? false;
        if (crlExpiring is not null && !wasCrlExpiring)
        {
            await EmitAsync(resource, "Warning", "CrlExpiring", crlExpiring.Message, cancellationToken).ConfigureAwait(false);
        }

        var fetchFailing = after.FirstOrDefault(c => c.Type == ConditionTypes.CrlsFetched && c.Status == "False");
        var wasFetchFailing = before?.Any(c => c.Type == ConditionTypes.CrlsFetched && c.Status == "False") ?? false;
        if (fetchFailing is not null && !wasFetchFailing)
        {
            await EmitAsync(resource, "Warning", "CrlFetchFailed", fetchFailing.Message, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Records one Event the caller decided is a transition (e.g. a CertificateSigningRequest denied).</summary>
    public Task RecordAsync(IKubernetesObject<V1ObjectMeta> resource, string type, string reason, string message, CancellationToken cancellationToken) =>
        EmitAsync(resource, type, reason, message, cancellationToken);

    private async Task EmitAsync(IKubernetesObject<V1ObjectMeta> resource, string type, string reason, string message, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var ns = resource.Metadata.NamespaceProperty ?? "default";
        var e = new Corev1Event
        {
            Metadata = new V1ObjectMeta
            {
                Name = $"{resource.Metadata.Name}.{now.Ticks.ToString("x", CultureInfo.InvariantCulture)}",
                NamespaceProperty = ns,
            },
            InvolvedObject = new V1ObjectReference
            {
                ApiVersion = resource.ApiVersion,
                Kind = resource.Kind,
                Name = resource.Metadata.Name,
                NamespaceProperty = ns,
                Uid = resource.Metadata.Uid,
                ResourceVersion = resource.Metadata.ResourceVersion,
            },
            Type = type,
            Reason = reason,
            Message = ConditionLimits.Message(message, 1024),
            FirstTimestamp = now,
            LastTimestamp = now,
            Count = 1,
            Source = new V1EventSource { Component = Component },
            ReportingComponent = "mtls-operator.io/operator",
            ReportingInstance = instance,
        };
        try
        {
            await client.CoreV1.CreateNamespacedEventAsync(e, ns, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Events are best effort: losing one must not fail or retry the reconcile that already converged.
            LogEventNotRecorded(logger, ex, reason, resource.Kind, ns, resource.Metadata.Name);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not record event {Reason} on {Kind} {Namespace}/{Name}")]
    private static partial void LogEventNotRecorded(ILogger logger, Exception exception, string reason, string kind, string @namespace, string name);
}
