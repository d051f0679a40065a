using System.Diagnostics;
using System.Collections.Concurrent;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using MtlsOperator.Controller.Converged;
using MtlsOperator.Engine.Api;
using MtlsOperator.Engine.Evaluation;
using MtlsOperator.Runtime;

namespace MtlsOperator.Controller;

/// <summary>One leadership term of the operator: informers, the dependency index, one work queue per kind and their workers.</summary>
internal sealed partial class ControllerRun
{
    private static readonly string[] s_kinds =
        [TrustBundle.KindName, ServerCertificate.KindName, ClientAuthPolicy.KindName, MtlsListener.KindName, ClientCertificateAuthority.KindName, IssuedClientCertificate.KindName,
         ClientCertificateRevocation.KindName];

    private readonly OperatorOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ReferenceIndex _references;
    private readonly Dictionary<string, Runtime.Controller> _controllers;
    private readonly MtlsReconciler _reconciler;
    private readonly OutputWriter _outputs;
    private readonly ConvergedStore _convergedStore;
    private readonly ConcurrentDictionary<ResourceKey, byte> _retrying = new();
    private long _inFlight;
    private long _reconciles;

    public ControllerRun(IKubernetes client, OperatorOptions options, OperatorMetrics metrics, ILoggerFactory loggers, TimeProvider time)
    {
        _options = options;
        _time = time;
        _logger = loggers.CreateLogger("controller");
        // The index's keys take their names from the cache's name table; the cache needs the index first, and nothing is
        // referenced before the cache below exists and its informers run.
        ClusterCache? cache = null;
        _references = new ReferenceIndex(name => cache!.Names.Share(name)!);
        Cache = cache = new ClusterCache(client, options, _references, loggers, time);
        // Reconciles answered from memory allocate next to nothing: a resync of a converged world is not a burst worth a full collection.
        // A restart answered from the previous process's records is: each of its recalls follows the listing of what it reads.
        Compaction = new IdleCompaction(() => HasSynced && IsIdle, () => Reconciles - Converged.Recalls + Converged.EarlierTermRecalls, Cache.Names.Rebuild, time);
        if (options.CrlFetch)
        {
            CrlRefresher = new CrlFetching.CrlRefresher(new CrlFetching.CrlHttpFetcher(options.CrlFetchTimeout), options.CrlRefreshTiming, options.CrlFetchConcurrency, EnqueueWithDependents, metrics, time, loggers.CreateLogger("crl-fetch"));
        }

        Sidecars = new Rollout.SidecarStatusPoller(Cache.Pods, options.SidecarPollTimeout, options.SidecarPollPeriod, options.SidecarPollConcurrency, Enqueue, time, loggers.CreateLogger("rollout"));
        var events = new EventRecorder(client, time, options.Identity, loggers.CreateLogger("events"));
        _outputs = new OutputWriter(client, Cache, loggers.CreateLogger("outputs"));
        _convergedStore = new ConvergedStore(client, options.LeaseNamespace, options.LeaseName, ConvergedStore.BuildOf(options), loggers.CreateLogger("converged"));
        _reconciler = new MtlsReconciler(
            Cache,
            _references,
            new TrustEngine(Shared),
            _outputs,
            new StatusWriter(client),
            events,
            new SigningRequestSync(client, Cache, events, options.SigningRequestPollPeriod, loggers.CreateLogger("signing-requests")),
            options.SigningRequestSigners.ToHashSet(StringComparer.Ordinal),
            metrics,
            time,
            EnqueueDependents,
            Sidecars.PodsOf,
            (Engine.CrlDistribution.ICrlDownloads?)CrlRefresher ?? Engine.CrlDistribution.CrlDownloads.NotFetching(
                "CRL fetching is turned off for this operator (run --crl-fetch false); give the CRL as a configMap, secret or inline entry instead."),
            CrlRefresher,
            Converged,
            new QueueBacklog(OthersWaiting, Enqueue),
            loggers.CreateLogger("reconciler"));
        _controllers = s_kinds.ToDictionary(k => k, k => new Runtime.Controller(
            k, (key, ct) => ReconcileAsync(k, key, ct), new ControllerOptions { Workers = options.Workers, RateLimiter = RetryLimiter(time) }, loggers.CreateLogger("controller." + k), time));
        Watch(Cache.TrustBundles);
        Watch(Cache.ServerCertificates);
        Watch(Cache.ClientAuthPolicies);
        Watch(Cache.Listeners);
        Watch(Cache.Authorities);
        Watch(Cache.IssuedCertificates);
        Watch(Cache.Revocations);
        WatchReferenced(Cache.Secrets);
        WatchReferenced(Cache.ConfigMaps);
        WatchPods(Cache.Pods);
    }

    public ClusterCache Cache { get; }

    /// <summary>Returns the memory of a burst of work once this term is idle again.</summary>
    internal IdleCompaction Compaction { get; }

    /// <summary>Fetches the CRLs bundles name by URL; null when fetching is turned off.</summary>
    internal CrlFetching.CrlRefresher? CrlRefresher { get; }

    /// <summary>What each injected pod's sidecar reports serving.</summary>
    public Rollout.SidecarStatusPoller Sidecars { get; }

    public bool HasSynced => Cache.All.All(i => i.HasSynced);

    /// <summary>The evaluations listeners share with their ServerCertificates and with each other (a policy's).</summary>
    internal SharedEvaluations Shared { get; } = new();

    /// <summary>How often this term shared an evaluation, evaluated one, and answered a reconcile from <see cref="Converged"/>.</summary>
    internal ReuseCounts Reuse => new(Shared.CertificateEvaluations + Shared.OwnCertificateEvaluations, Shared.CertificateReuses, Shared.Evaluations, Shared.Reuses, Converged.Recalls);

    /// <summary>Resources whose latest reconcile failed and that wait for their retry, counted for every reconciled kind (0 included).</summary>
    internal IReadOnlyList<KeyValuePair<string, int>> RetryingByKind()
    {
        var retrying = _retrying.Keys.CountBy(k => k.Kind, StringComparer.Ordinal).ToDictionary(StringComparer.Ordinal);
        return [.. s_kinds.Select(kind => KeyValuePair.Create(kind, retrying.GetValueOrDefault(kind)))];
    }

    /// <summary>The reconciles that found nothing to write, by their inputs (a resync of a converged cluster is answered from it).</summary>
    internal Converged.ConvergedReconciles Converged { get; } = new();

    /// <summary>Runs until cancelled: informers first, workers once every cache has synced (so no reconcile sees a half-listed world).</summary>
    /// <param name="stopping">Cancelled when the process stops (not when only the term ends): the converged reconciles are saved then.</param>
    public async Task RunAsync(CancellationToken cancellationToken, CancellationToken stopping = default)
    {
        if (_options.ConvergedSavePeriod is not null)
        {
            await _convergedStore.LoadAsync(Converged, cancellationToken).ConfigureAwait(false);
        }

        var host = new ControllerHost(Cache.All, [.. _controllers.Values], _logger);
        var resync = ResyncAsync(cancellationToken);
        var polls = PollSidecarsAsync(cancellationToken);
        var crls = RefreshCrlsAsync(cancellationToken);
        var compaction = Compaction.RunAsync(cancellationToken);
        var saves = SaveConvergedAsync(cancellationToken);
        await host.RunAsync(cancellationToken).ConfigureAwait(false);
        await resync.ConfigureAwait(false);
        await polls.ConfigureAwait(false);
        await crls.ConfigureAwait(false);
        await compaction.ConfigureAwait(false);
        await saves.ConfigureAwait(false);
        if (stopping.IsCancellationRequested && HasSynced && _options.ConvergedSavePeriod is not null)
        {
            // What changed since the last idle save (a burst the stop cut short) is kept for the next process. A term that lost its
            // lease does not save: the new leader may be saving already.
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await _convergedStore.SaveAsync(Converged, _time.GetUtcNow(), timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested)
            {
                // A stop must not hang on the API server: the next process evaluates what this save would have spared it.
                LogSaveAtStopTimedOut(_logger);
            }
        }
    }

    /// <summary>Saves the converged reconciles when the term is idle after a change, at most once per
    /// <see cref="OperatorOptions.ConvergedSavePeriod"/>: idle, so the last write of a burst is in what is saved; at most once a period,
    /// so a trickle of changes does not cost a ConfigMap write each (the save at stop keeps the rest).</summary>
    private async Task SaveConvergedAsync(CancellationToken cancellationToken)
    {
        if (_options.ConvergedSavePeriod is not { } period)
        {
            return;
        }

        using var timer = new PeriodicTimer(IdleCompaction.Poll, _time);
        var quiet = 0;
        var saved = Converged.Changes;
        var savedAt = _time.GetUtcNow();
        var firstPassDone = false;
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                quiet = HasSynced && IsIdle ? quiet + 1 : 0;
                if (quiet < IdleCompaction.QuietPolls)
                {
                    continue;
                }

                if (!firstPassDone)
                {
                    // Every resource has been reconciled once: what of the earlier term was not recalled is of resources gone or changed.
                    Converged.ForgetEarlier();
                    firstPassDone = true;
                }

                var changes = Converged.Changes;
                if (changes != saved && _time.GetUtcNow() - savedAt >= period)
                {
                    await _convergedStore.SaveAsync(Converged, _time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
                    saved = changes;
                    savedAt = _time.GetUtcNow();
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The term ended.
        }
    }

    /// <summary>Reconciles finished (successfully or not) in this term.</summary>
    public long Reconciles => Interlocked.Read(ref _reconciles);

    /// <summary>Nothing queued, nothing being reconciled and no failed reconcile waiting for its retry (delayed
    /// time-driven re-checks aside): the world as seen has converged.</summary>
    public bool IsIdle => Interlocked.Read(ref _inFlight) == 0 && _retrying.IsEmpty && _controllers.Values.All(c => c.Queue.Depth == 0);

    private async Task<ReconcileResult> ReconcileAsync(string kind, ObjectKey key, CancellationToken cancellationToken)
    {
        var resourceKey = new ResourceKey(kind, key.Namespace ?? "", key.Name);
        using var span = OperatorTracing.Source.StartActivity("reconcile " + kind);
        span?.SetTag("k8s.resource.kind", kind).SetTag("k8s.namespace.name", resourceKey.Namespace).SetTag("k8s.resource.name", resourceKey.Name);
        Interlocked.Increment(ref _inFlight);
        try
        {
            var again = await _reconciler.ReconcileAsync(resourceKey, cancellationToken).ConfigureAwait(false);
            _retrying.TryRemove(resourceKey, out _);
            span?.SetStatus(ActivityStatusCode.Ok);
            return again is { } delay ? ReconcileResult.After(delay) : ReconcileResult.Done;
        }
        catch (Exception e)
        {
            // The controller retries it with backoff; until then the world has not converged.
            _retrying[resourceKey] = 0;
            span?.SetStatus(ActivityStatusCode.Error, e.Message);
            throw;
        }
        finally
        {
            Interlocked.Increment(ref _reconciles);
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private void Enqueue(ResourceKey key)
    {
        if (_controllers.TryGetValue(key.Kind, out var controller))
        {
            controller.Queue.Add(new ObjectKey(key.Namespace, key.Name));
        }
    }

    // The key being reconciled is not in its queue (a worker holds it), so any depth is others'.
    private bool OthersWaiting(ResourceKey key) => _controllers.TryGetValue(key.Kind, out var controller) && controller.Queue.Depth > 0;

    private void EnqueueWithDependents(ResourceKey key)
    {
        Enqueue(key);
        EnqueueDependents(key);
    }

    private void EnqueueDependents(ResourceKey key)
    {
        foreach (var dependent in _references.DependentsOf(key))
        {
            Enqueue(dependent);
        }
    }

    private void Watch<T>(Informer<T> informer) where T : class, IKubernetesObject<V1ObjectMeta>
    {
        informer.AddHandler(new ResourceEventHandler<T>
        {
            OnAdded = o => Changed(o),
            // Status-only updates (our own status writes among them) change nothing the engine reads: skip them.
            OnUpdated = (before, after) =>
            {
                if (SpecOrMetadataChanged(before.Metadata, after.Metadata))
                {
                    Changed(after);
                }
            },
            OnDeleted = o =>
            {
                var key = ResourceKey.Of(o);
                Cache.Release(_references.Remove(key));
                EnqueueWithDependents(key);
                EnqueueAuthorityOf(o);
            },
        });
    }

    private void Changed(IKubernetesObject<V1ObjectMeta> o)
    {
        Cache.Release(_references.Update(o));
        EnqueueWithDependents(ResourceKey.Of(o));
        EnqueueAuthorityOf(o);
    }

    /// <summary>A CA's CRL lists the revoked IssuedClientCertificates naming it, read from them and their Secrets, and the revocations naming
    /// it: a change to any re-queues the CA (a dependency the reference index cannot hold, since the CA does not name them).</summary>
    private void EnqueueAuthorityOf(IKubernetesObject<V1ObjectMeta> o)
    {
        if (o is IssuedClientCertificate { Spec.AuthorityRef.Name: { Length: > 0 } authority } issued)
        {
            Enqueue(new ResourceKey(ClientCertificateAuthority.KindName, issued.Metadata.NamespaceProperty ?? "", authority));
        }

        // A revocation changes the CA's CRL and, through the IssuedClientCertificates of that CA (revoked as a whole when named or their
        // current serial listed: no renewal), the policies pinning them and their listeners. Nothing names a revocation, so map it here.
        if (o is ClientCertificateRevocation { Spec.AuthorityRef.Name: { Length: > 0 } revokedAt } revocation)
        {
            var ns = revocation.Metadata.NamespaceProperty ?? "";
            Enqueue(new ResourceKey(ClientCertificateAuthority.KindName, ns, revokedAt));
            foreach (var ofCa in Cache.IssuedClientCertificatesIn(ns).Where(i => i.Spec?.AuthorityRef?.Name == revokedAt))
            {
                EnqueueWithDependents(ResourceKey.Of(ofCa));
            }
        }
    }

    private void WatchReferenced<T>(Informer<T> informer) where T : class, IKubernetesObject<V1ObjectMeta>
    {
        void Changed(T o)
        {
            var key = ResourceKey.Of(o);
            var owner = ClusterCache.IsManaged(o.Metadata) && o.Metadata.Labels.TryGetValue(OutputMetadata.OwnerKindLabel, out var kind)
                && o.Metadata.Labels.TryGetValue(OutputMetadata.OwnerNameLabel, out var name)
                    ? new ResourceKey(kind, key.Namespace, name)
                    : null;

            // The output a listener or bundle just wrote, coming back: its owner knows it already, and what reads the owner
            // does not read this through it (the owner references it only to spot a foreign object of that name). Anything
            // that reads it directly still hears of it. A bootstrap Secret is different: listeners read it through their
            // ServerCertificate, so its echo takes the usual path (its pins ConfigMap does not: nothing reads it through it).
            if ((owner is { Kind: MtlsListener.KindName or TrustBundle.KindName } || (owner is { Kind: ServerCertificate.KindName } && o is V1ConfigMap)) && _outputs.Echoes.IsEcho(o))
            {
                foreach (var dependent in _references.DependentsOf(key, except: owner))
                {
                    Enqueue(dependent);
                }

                return;
            }

            EnqueueDependents(key);

            // An output someone edited or deleted is put back by its owner.
            if (owner is not null)
            {
                Enqueue(owner);
                if (owner.Kind == IssuedClientCertificate.KindName && Cache.FindIssuedClientCertificate(key.Namespace, owner.Name) is { } issued)
                {
                    EnqueueAuthorityOf(issued);
                }
            }
        }

        informer.AddHandler(new ResourceEventHandler<T> { OnAdded = Changed, OnUpdated = (_, after) => Changed(after), OnDeleted = Changed });
    }

    /// <summary>A pod that appears, changes (IP, phase, annotation) or goes re-queues the listener it names (before and after).</summary>
    private void WatchPods(Informer<V1Pod> informer)
    {
        void Changed(V1Pod pod)
        {
            if (Rollout.SidecarStatusPoller.ListenerOf(pod) is { } listener)
            {
                Enqueue(new ResourceKey(MtlsListener.KindName, pod.Metadata.NamespaceProperty, listener));
            }
        }

        informer.AddHandler(new ResourceEventHandler<V1Pod> { OnAdded = Changed, OnUpdated = (before, after) => { Changed(before); Changed(after); }, OnDeleted = Changed });
    }

    /// <summary>Asks the sidecars once every cache has synced, then every poll period, for this term.</summary>
    private async Task PollSidecarsAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Task.WhenAll(Cache.All.Select(i => i.WaitForSyncAsync(cancellationToken))).ConfigureAwait(false);
            await Sidecars.RunAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The term ended.
        }
    }

    /// <summary>Fetches CRLs as they fall due, for this term, once every cache has synced (bundles say which URLs once reconciled).</summary>
    private async Task RefreshCrlsAsync(CancellationToken cancellationToken)
    {
        if (CrlRefresher is null)
        {
            return;
        }

        try
        {
            await Task.WhenAll(Cache.All.Select(i => i.WaitForSyncAsync(cancellationToken))).ConfigureAwait(false);
            await CrlRefresher.RunAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The term ended.
        }
    }

    private static bool SpecOrMetadataChanged(V1ObjectMeta before, V1ObjectMeta after) =>
        before.Generation != after.Generation
        || before.DeletionTimestamp != after.DeletionTimestamp
        || before.Uid != after.Uid
        || !SameMap(before.Labels, after.Labels)
        || !SameMap(before.Annotations, after.Annotations);

    private static bool SameMap(IDictionary<string, string>? a, IDictionary<string, string>? b) =>
        (a?.Count ?? 0) == (b?.Count ?? 0) && (a ?? new Dictionary<string, string>()).All(kv => b!.TryGetValue(kv.Key, out var v) && v == kv.Value);

    /// <summary>Retries per kind: client-go's per-key backoff, under a shared bucket of 100 a second (burst 1,000) instead of its 10
    /// (burst 100).</summary>
    /// <remarks>The bucket keeps a mass failure from hammering the API server, but at 10 a second it also meters out recovery: with
    /// 10,000 listeners and a tenth of writes failing (an API server rolling, etcd leader changes), ~2,200 failed reconciles per kind
    /// were retried at 10 a second, so the last listener waited over three minutes while the server idled (docs/benchmarks.md, under
    /// faults). The first attempts of a cold start send thousands of requests a second with no limit at all; retries at a tenth of
    /// that still back off per key from 5 ms to 1,000 s.</remarks>
    internal static Runtime.IRateLimiter<Runtime.ObjectKey> RetryLimiter(TimeProvider time) => Runtime.RateLimiters.WithBucket<Runtime.ObjectKey>(100, 1000, time);

    private async Task ResyncAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_options.ResyncPeriod, _time);
        while (await Tick(timer, cancellationToken).ConfigureAwait(false))
        {
            foreach (var o in Cache.TrustBundles.Cache.List().Cast<IKubernetesObject<V1ObjectMeta>>()
                         .Concat(Cache.ServerCertificates.Cache.List()).Concat(Cache.ClientAuthPolicies.Cache.List()).Concat(Cache.Listeners.Cache.List())
                         .Concat(Cache.Authorities.Cache.List()).Concat(Cache.IssuedCertificates.Cache.List()))
            {
                Enqueue(ResourceKey.Of(o));
            }
        }
    }

    private static async Task<bool> Tick(PeriodicTimer timer, CancellationToken cancellationToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Saving the converged reconciles at stop took longer than 5 s; not saved")]
    private static partial void LogSaveAtStopTimedOut(ILogger logger);
}
