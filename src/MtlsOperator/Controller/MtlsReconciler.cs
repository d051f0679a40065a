using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using MtlsOperator.Controller.Converged;
using MtlsOperator.Engine.Api;
using MtlsOperator.Engine.Evaluation;

namespace MtlsOperator.Controller;

/// <summary>Reconciles one resource: evaluate with the engine, write only what differs (outputs, then status), record transitions.</summary>
/// <remarks><c>fetchedFromServer</c> is told of each referenced object read through to the server, so its other readers are re-queued.</remarks>
internal sealed partial class MtlsReconciler(
    ClusterCache cache,
    ReferenceIndex references,
    TrustEngine engine,
    OutputWriter outputs,
    StatusWriter statuses,
    EventRecorder events,
    SigningRequestSync signingRequests,
    IReadOnlySet<string> allowedSigners,
    OperatorMetrics metrics,
    TimeProvider time,
    Action<ResourceKey> fetchedFromServer,
    Func<string, string, IReadOnlyList<Engine.Rollout.PodServing>> podsOf,
    Engine.CrlDistribution.ICrlDownloads crlDownloads,
    CrlFetching.CrlRefresher? crlRefresher,
    ConvergedReconciles converged,
    QueueBacklog backlog,
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
            crlRefresher?.Forget(key);
            converged.Forget(key);
            return null;
        }

        if (resource.Metadata.DeletionTimestamp is not null)
        {
            return null;
        }

        // Outputs (its own, and those of the bundles it reads) are not read through: managed objects are always cached, so
        // a miss means "not created yet", and the writer reads one back only if its create finds it there (someone else's,
        // or ours not yet seen).
        var closure = references.ClosureOf(key);
        var written = closure.Select(cache.FindResource).Append(resource).Select(OwnOutputOf).OfType<ResourceKey>().ToHashSet();
        foreach (var fetched in await cache.FetchMissingAsync(closure.Where(k => !written.Contains(k)), cancellationToken).ConfigureAwait(false))
        {
            fetchedFromServer(fetched);
        }

        var context = new EvaluationContext(cache, time.GetUtcNow()) { AllowedSigners = allowedSigners, CrlDownloads = crlDownloads };
        var pods = resource is MtlsListener ? podsOf(key.Namespace, key.Name) : [];
        var othersOutputs = OthersOutputs(key, closure);
        var inputs = ReconcileInputs.Read(resource, closure.Concat(written), cache, cache.FindResource, pods, othersOutputs);
        if (inputs is not null && converged.Recalled(key, inputs.Fingerprint, context.Now, out var due) is var recall and not Recall.None)
        {
            if (recall == Recall.EarlierTerm)
            {
                // This process never evaluated it: its gauges come from the status, which is what the evaluation wrote.
                RecordFromStatus(key, resource);
            }

            return due;
        }

        if (Evaluate(resource, context, pods) is not { } outcome)
        {
            LogNoReconciler(logger, key);
            return null;
        }

        // In order: a ServerCertificate's key Secret before its pins and status, which describe the keys it holds.
        var stored = new List<StoredVersion>();
        foreach (var output in outcome.Outputs)
        {
            var write = output switch
            {
                V1Secret secret => await outputs.ApplyAsync(secret, resource, cancellationToken).ConfigureAwait(false),
                V1ConfigMap configMap => await outputs.ApplyAsync(configMap, resource, cancellationToken).ConfigureAwait(false),
                _ => null,
            };
            if (write is { } w)
            {
                stored.Add(w);
            }
        }

        var wrote = stored.Any(s => s.Written);

        // A listener's status that only restates what was just rendered (a new contentHash, no condition changed) waits behind
        // the outputs other listeners still have to write: when one bundle changes under a thousand listeners, every proxy gets
        // its new config after a thousand writes instead of two thousand. The key goes to the back of the queue and its next
        // reconcile, finding its output current, writes the status. Listeners only: no other kind fans out like this, and the
        // key-generating flows of a ServerCertificate keep writing their status right after their key.
        if (resource is MtlsListener && wrote && ConditionSet.Same(outcome.Before, outcome.After) && backlog.OthersWaiting(key))
        {
            backlog.Again(key);
            return null;
        }

        if (await FinishAsync(resource, outcome.Before, outcome.Status, outcome.After, cancellationToken).ConfigureAwait(false) is { } status)
        {
            stored.Add(status);
            wrote |= status.Written;
        }

        RecordGauges(key, resource, outcome.Expiry, outcome.After, outcome.Status);

        // Kubernetes CertificateSigningRequests are cluster-scoped and not watched: a pending one is read again after a while.
        var poll = resource is ServerCertificate certificate && outcome.Status is ServerCertificateStatus certificateStatus
            ? await signingRequests.SyncAsync(certificate, certificateStatus, cancellationToken).ConfigureAwait(false)
            : null;
        var recheck = outcome.RecheckAt.Select(m => RecheckBefore(m, context.Now)).Aggregate(Min(s_maxRecheck, poll), Min);
        // What this reconcile leaves is converged: the inputs it read, at the versions its writes were given (or the server was found to
        // hold already, where the cache was behind), which a reconcile re-queued by their echo, a resync or the next term then finds.
        // Unless something it read moved while it ran: the evaluation may have seen either version, so it runs once more (an earlier
        // reconcile's record, if any, is left: it is at worst of a state that is gone). The move itself need not re-queue it: the echo
        // of its own earlier output write queues no owner, so a reconcile that read its output before that echo reached the cache
        // went idle with no record of a state it had converged (ConvergedSaveTests failed 3 runs in 36 on a loaded machine).
        if (poll is not null || (stored.Count > 0 ? inputs?.After(stored) : inputs) is not { } converging)
        {
            converged.Forget(key);
        }
        else if (cache.FindResource(key) is { } now
            && ReconcileInputs.Read(now, closure.Concat(written), cache, cache.FindResource, pods, othersOutputs) is { } later)
        {
            if (inputs!.Unmoved(later, stored))
            {
                converged.Remember(key, converging.Fingerprint, context.Now, recheck);
            }
            else
            {
                backlog.Again(key);
            }
        }

        return recheck;
    }

    /// <summary>The outputs of the resources <paramref name="key"/> reads that nothing in its closure but their owner reads, by output;
    /// their owner's own writes of them re-queue no dependent, so they are part of its inputs only by whose they are.</summary>
    private Dictionary<ResourceKey, ResourceKey> OthersOutputs(ResourceKey key, IReadOnlyList<ResourceKey> closure)
    {
        var readers = closure.Append(key).ToList();
        var outputs = new Dictionary<ResourceKey, ResourceKey>();
        foreach (var owner in closure)
        {
            if (OwnOutputOf(cache.FindResource(owner)) is { } output && !references.ReadByOtherThan(output, owner, readers))
            {
                outputs[output] = owner;
            }
        }

        return outputs;
    }

    private static ResourceKey? OwnOutputOf(IKubernetesObject<V1ObjectMeta>? resource) => resource switch
    {
        MtlsListener { Spec: not null } l => new ResourceKey(V1Secret.KubeKind, l.Metadata.NamespaceProperty ?? "default", ListenerSpecDefaults.OutputSecretName(l)),
        TrustBundle { Spec: not null } b => new ResourceKey(V1ConfigMap.KubeKind, b.Metadata.NamespaceProperty ?? "default", TrustBundleEvaluator.OutputNameOf(b)),
        // Its pins ConfigMap (public data); its key Secrets are read as before, so a key is never generated over one not yet cached.
        ServerCertificate c => new ResourceKey(V1ConfigMap.KubeKind, c.Metadata.NamespaceProperty ?? "default", c.Metadata.Name + ResourceReferences.PinsConfigMapSuffix),
        _ => null,
    };

    /// <summary>What one evaluation asks of the shell: outputs to apply (in order), the status, and the moments worth a re-check.</summary>
    private sealed record Outcome(IReadOnlyList<object> Outputs, IReadOnlyList<V1Condition>? Before, object Status, IReadOnlyList<V1Condition> After, DateTime? Expiry, IReadOnlyList<DateTime?> RecheckAt);

    private Outcome? Evaluate(IKubernetesObject<V1ObjectMeta> resource, EvaluationContext context, IReadOnlyList<Engine.Rollout.PodServing> pods)
    {
        switch (resource)
        {
            case TrustBundle bundle:
            {
                var r = engine.Evaluate(bundle, context);
                crlRefresher?.Want(ResourceKey.Of(bundle), r.Status.CrlFetches ?? [], Engine.CrlDistribution.CrlRefreshSchedule.IntervalOf(bundle.Spec));
                var crlWarning = TrustBundleEvaluator.CrlWarningOf(bundle.Spec);
                // A CRL entering its warning window, and passing nextUpdate, are both worth a look although nothing is written.
                DateTime?[] crlMoments = [.. r.Status.Crls.SelectMany(c => new[] { c.NextUpdate - crlWarning, c.NextUpdate })];
                return new(Some(r.Output), bundle.Status?.Conditions, r.Status, r.Status.Conditions, r.Status.EarliestExpiry, [r.Status.EarliestExpiry, .. crlMoments]);
            }

            case ServerCertificate certificate:
            {
                var r = engine.Evaluate(certificate, context);
                return new([.. r.Outputs], certificate.Status?.Conditions, r.Status, r.Status.Conditions, r.Status.NotAfter,
                    [.. ServerCertificateMoments.Of(certificate.Spec, r.Status).Select(m => (DateTime?)m)]);
            }

            case ClientAuthPolicy policy:
            {
                var r = engine.Evaluate(policy, context);
                return new([], policy.Status?.Conditions, r.Status, r.Status.Conditions, null, []);
            }

            case ClientCertificateAuthority authority:
            {
                var r = engine.Evaluate(authority, context);
                return new(r.Output is null ? [] : [r.Output], authority.Status?.Conditions, r.Status, r.Status.Conditions, null, [r.RecheckAt?.UtcDateTime, r.Status.NotAfter]);
            }

            case IssuedClientCertificate issued:
            {
                var r = engine.Evaluate(issued, context);
                return new(r.Output is null ? [] : [r.Output], issued.Status?.Conditions, r.Status, r.Status.Conditions, r.Status.NotAfter,
                    [r.Status.RenewalTime, .. r.Status.Certificates.Select(c => (DateTime?)c.NotAfter)]);
            }

            case ClientCertificateRevocation revocation:
            {
                var r = engine.Evaluate(revocation, context);
                return new([], revocation.Status?.Conditions, r.Status, r.Status.Conditions, null, [r.RecheckAt?.UtcDateTime]);
            }

            case MtlsListener listener:
            {
                var r = engine.Evaluate(listener, context);
                Engine.Rollout.ListenerRollout.Apply(listener, r.Status, pods, context.Now);
                return new(Some(r.Output), listener.Status?.Conditions, r.Status, r.Status.Conditions, r.Status.Expires, [r.Status.Expires]);
            }

            default:
                return null;
        }
    }

    /// <returns>The resource's version after its status was written (or found current on the server); null when the cached one was current.</returns>
    private async Task<StoredVersion?> FinishAsync(IKubernetesObject<V1ObjectMeta> resource, IReadOnlyList<V1Condition>? before, object status, IReadOnlyList<V1Condition> after, CancellationToken cancellationToken)
    {
        var stored = await statuses.UpdateAsync(resource, status, cancellationToken).ConfigureAwait(false);
        if (stored is not { Written: true })
        {
            return stored;
        }

        await events.RecordTransitionsAsync(resource, before, after, cancellationToken).ConfigureAwait(false);
        var ready = after.FirstOrDefault(c => c.Type == ConditionTypes.Ready);
        LogStatusWritten(logger, resource.Kind, resource.Metadata.NamespaceProperty, resource.Metadata.Name, ready?.Status, ready?.Reason);
        return stored;
    }

    /// <summary>The per-resource gauges of a converged resource, read from its status (the kinds <see cref="ReconcileInputs"/> remembers):
    /// what its last evaluation wrote there.</summary>
    private void RecordFromStatus(ResourceKey key, IKubernetesObject<V1ObjectMeta> resource)
    {
        var (expiry, conditions, status) = resource switch
        {
            MtlsListener l => (l.Status?.Expires, l.Status?.Conditions, (object?)l.Status),
            ServerCertificate c => (c.Status?.NotAfter, c.Status?.Conditions, c.Status),
            TrustBundle b => (b.Status?.EarliestExpiry, b.Status?.Conditions, b.Status),
            ClientAuthPolicy p => ((DateTime?)null, p.Status?.Conditions, p.Status),
            _ => (null, null, null),
        };
        RecordGauges(key, resource, expiry, conditions ?? [], status);
    }

    private void RecordGauges(ResourceKey key, IKubernetesObject<V1ObjectMeta> resource, DateTime? expiry, IReadOnlyList<V1Condition> conditions, object? status)
    {
        if (resource is not (ClientAuthPolicy or ClientCertificateAuthority or ClientCertificateRevocation))
        {
            metrics.RecordExpiry(key, expiry);
        }

        metrics.RecordReady(key, conditions);
        if (status is TrustBundleStatus bundleStatus)
        {
            metrics.RecordCrls(key, bundleStatus.Crls);
        }
    }

    private static TimeSpan? RecheckBefore(DateTime? moment, DateTimeOffset now)
    {
        if (moment is not { } m)
        {
            return null;
        }

        var wait = new DateTimeOffset(DateTime.SpecifyKind(m, DateTimeKind.Utc)) - now;
        return wait <= TimeSpan.Zero ? s_maxRecheck : (wait < s_maxRecheck ? wait + TimeSpan.FromSeconds(1) : s_maxRecheck);
    }

    private static IReadOnlyList<object> Some(object? output) => output is null ? [] : [output];

    private static TimeSpan? Min(TimeSpan? a, TimeSpan? b) => a is null ? b : b is null ? a : (a < b ? a : b);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No reconciler for {Key}")]
    private static partial void LogNoReconciler(ILogger logger, ResourceKey key);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Kind} {Namespace}/{Name}: Ready={Ready} {Reason}")]
    private static partial void LogStatusWritten(ILogger logger, string kind, string? @namespace, string name, string? ready, string? reason);
}
