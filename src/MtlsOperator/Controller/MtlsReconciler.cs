using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using MtlsOperator.Engine.Api;
using MtlsOperator.Engine.Evaluation;

namespace MtlsOperator.Controller;

/// <summary>Reconciles one resource: evaluate with the engine, write only what differs (outputs, then status), record transitions.</summary>
/// <remarks><c>fetchedFromServer</c> is told of each referenced object read through to the server, so its other readers are re-queued.</remarks>
internal sealed class MtlsReconciler(
    ClusterCache cache,
    ReferenceIndex references,
    TrustEngine engine,
    OutputWriter outputs,
    StatusWriter statuses,
    EventRecorder events,
    OperatorMetrics metrics,
    TimeProvider time,
    Action<ResourceKey> fetchedFromServer,
    ILogger logger)
{
    /// <summary>Longest a resource waits for a time-driven re-check (expiry) when nothing else changes.</summary>
    private static readonly TimeSpan s_maxRecheck = TimeSpan.FromHours(12);

    /// <summary>Converges <paramref name="key"/>; returns when to look again for time-driven changes, if ever.</summary>
    public async Task<TimeSpan?> ReconcileAsync(ResourceKey key, CancellationToken cancellationToken)
    {
        var resource = cache.FindResource(key);
        if (resource is null)
        {
            // Deleted: its outputs carry owner references, so the garbage collector removes them.
            metrics.Forget(key);
            return null;
        }

        if (resource.Metadata.DeletionTimestamp is not null)
        {
            return null;
        }

        foreach (var fetched in await cache.FetchMissingAsync(references.ClosureOf(key), cancellationToken).ConfigureAwait(false))
        {
            fetchedFromServer(fetched);
        }

        var context = new EvaluationContext(cache, time.GetUtcNow());
        switch (resource)
        {
            case TrustBundle bundle:
            {
                var result = engine.Evaluate(bundle, context);
                if (result.Output is { } configMap)
                {
                    await outputs.ApplyAsync(configMap, bundle, cancellationToken).ConfigureAwait(false);
                }

                await FinishAsync(bundle, bundle.Status?.Conditions, result.Status, result.Status.Conditions, cancellationToken).ConfigureAwait(false);
                metrics.RecordExpiry(key, result.Status.EarliestExpiry);
                return RecheckBefore(result.Status.EarliestExpiry, context.Now);
            }

            case ServerCertificate certificate:
            {
                var result = engine.Evaluate(certificate, context);
                if (result.BootstrapSecret is { } secret)
                {
                    await outputs.ApplyAsync(secret, certificate, cancellationToken).ConfigureAwait(false);
                }

                await FinishAsync(certificate, certificate.Status?.Conditions, result.Status, result.Status.Conditions, cancellationToken).ConfigureAwait(false);
                metrics.RecordExpiry(key, result.Status.NotAfter);
                var warning = TimeSpan.FromDays(certificate.Spec.ExpiryWarningDays ?? EvaluationContext.DefaultExpiryWarning.TotalDays);
                return Min(RecheckBefore(result.Status.NotAfter - warning, context.Now), RecheckBefore(result.Status.NotAfter, context.Now));
            }

            case ClientAuthPolicy policy:
            {
                var result = engine.Evaluate(policy, context);
                await FinishAsync(policy, policy.Status?.Conditions, result.Status, result.Status.Conditions, cancellationToken).ConfigureAwait(false);
                return s_maxRecheck;
            }

            case MtlsListener listener:
            {
                var result = engine.Evaluate(listener, context);
                if (result.Output is { } secret)
                {
                    await outputs.ApplyAsync(secret, listener, cancellationToken).ConfigureAwait(false);
                }

                await FinishAsync(listener, listener.Status?.Conditions, result.Status, result.Status.Conditions, cancellationToken).ConfigureAwait(false);
                metrics.RecordExpiry(key, result.Status.Expires);
                return RecheckBefore(result.Status.Expires, context.Now);
            }

            default:
                logger.LogWarning("No reconciler for {Key}", key);
                return null;
        }
    }

    private async Task FinishAsync(IKubernetesObject<V1ObjectMeta> resource, IReadOnlyList<V1Condition>? before, object status, IReadOnlyList<V1Condition> after, CancellationToken cancellationToken)
    {
        if (await statuses.UpdateAsync(resource, status, cancellationToken).ConfigureAwait(false))
        {
            await events.RecordTransitionsAsync(resource, before, after, cancellationToken).ConfigureAwait(false);
            var ready = after.FirstOrDefault(c => c.Type == ConditionTypes.Ready);
            logger.LogInformation("{Kind} {Namespace}/{Name}: Ready={Ready} {Reason}", resource.Kind, resource.Metadata.NamespaceProperty, resource.Metadata.Name, ready?.Status, ready?.Reason);
        }
    }

    private static TimeSpan? RecheckBefore(DateTime? moment, DateTimeOffset now)
    {
        if (moment is not { } m)
        {
            return s_maxRecheck;
        }

        var wait = new DateTimeOffset(DateTime.SpecifyKind(m, DateTimeKind.Utc)) - now;
        return wait <= TimeSpan.Zero ? s_maxRecheck : (wait < s_maxRecheck ? wait + TimeSpan.FromSeconds(1) : s_maxRecheck);
    }

    private static TimeSpan? Min(TimeSpan? a, TimeSpan? b) => a is null ? b : b is null ? a : (a < b ? a : b);
}
