using System.Diagnostics;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace MtlsOperator.Runtime;

/// <summary>Reconciles one object, identified by its key, towards the desired state; must be idempotent.</summary>
public delegate Task<ReconcileResult> Reconciler(ObjectKey key, CancellationToken cancellationToken);

/// <summary>
/// Workers that take keys from a de-duplicating queue and reconcile them: failures back off per key, successes
/// reset the backoff, <see cref="ReconcileResult.RequeueAfter"/> schedules a later look. Metrics: reconcile
/// count by result, errors and duration, tagged with <see cref="Kind"/>.
/// </summary>
public sealed partial class Controller
{
    private readonly Reconciler _reconcile;
    private readonly ControllerOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly TagList _tags;

    public Controller(string kind, Reconciler reconcile, ControllerOptions? options = null, ILogger? logger = null, TimeProvider? time = null)
    {
        Kind = kind;
        _reconcile = reconcile;
        _options = options ?? new ControllerOptions();
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(_options.Workers);
        _logger = logger ?? NullLogger.Instance;
        _time = time ?? TimeProvider.System;
        _tags = new TagList { { "kind", kind } };
        // The error series exists at 0 from the start, so rate() and increase() see the first failure.
        RuntimeMetrics.ReconcileErrors.Add(0, _tags);
        Queue = new WorkQueue<ObjectKey>(kind, _time, _options.RateLimiter);
    }

    /// <summary>The kind this controller reconciles; names its queue and metrics.</summary>
    public string Kind { get; }

    /// <summary>The controller's queue; add keys to it from event handlers.</summary>
    public WorkQueue<ObjectKey> Queue { get; }

    /// <summary>A handler that queues the key of every added, updated or deleted object.</summary>
    public ResourceEventHandler<T> EnqueueOwnKey<T>()
        where T : class, IKubernetesObject<V1ObjectMeta> =>
        EnqueueMapped<T>(item => [ObjectKey.Of(item)]);

    /// <summary>A handler that queues the keys <paramref name="map"/> derives from a changed object (its owners, its referrers).</summary>
    public ResourceEventHandler<T> EnqueueMapped<T>(Func<T, IEnumerable<ObjectKey>> map)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        void Enqueue(T item)
        {
            foreach (var key in map(item))
            {
                Queue.Add(key);
            }
        }

        return new ResourceEventHandler<T>
        {
            OnAdded = Enqueue,
            OnUpdated = (old, updated) =>
            {
                Enqueue(old);
                Enqueue(updated);
            },
            OnDeleted = Enqueue,
        };
    }

    /// <summary>
    /// Runs the workers until <paramref name="cancellationToken"/> is cancelled, then stops taking keys, lets
    /// in-flight reconciles finish (cancelling them after the grace period) and returns.
    /// </summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var inFlight = new CancellationTokenSource();
        await using var stopping = cancellationToken.Register(() =>
        {
            Queue.ShutDown();
            inFlight.CancelAfter(_options.ShutdownGrace);
        });

        var workers = Enumerable.Range(0, _options.Workers)
            .Select(_ => Task.Run(() => WorkAsync(inFlight.Token), CancellationToken.None))
            .ToList();
        await Task.WhenAll(workers).ConfigureAwait(false);
    }

    private async Task WorkAsync(CancellationToken reconcileToken)
    {
        while (true)
        {
            var (shutdown, key) = await Queue.GetAsync(CancellationToken.None).ConfigureAwait(false);
            if (shutdown)
            {
                return;
            }

            try
            {
                await ProcessAsync(key, reconcileToken).ConfigureAwait(false);
            }
            finally
            {
                Queue.Done(key);
            }
        }
    }

    private async Task ProcessAsync(ObjectKey key, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        string outcome;
        try
        {
            var result = await _reconcile(key, cancellationToken).ConfigureAwait(false);
            if (result.RequeueAfter is { } delay && delay > TimeSpan.Zero)
            {
                Queue.Forget(key);
                Queue.AddAfter(key, delay);
                outcome = "requeue_after";
            }
            else if (result.Requeue)
            {
                Queue.AddRateLimited(key);
                outcome = "requeue";
            }
            else
            {
                Queue.Forget(key);
                outcome = "success";
            }
        }
        catch (Exception e)
        {
            outcome = "error";
            RuntimeMetrics.ReconcileErrors.Add(1, _tags);
            Queue.AddRateLimited(key);
            LogReconcileFailed(_logger, Kind, key, Queue.NumRequeues(key), e.Message);
        }

        RuntimeMetrics.ReconcileDuration.Record(_time.GetElapsedTime(started).TotalSeconds, _tags);
        RuntimeMetrics.Reconciles.Add(1, [.. _tags, new("result", outcome)]);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reconcile of {Kind} {Key} failed (attempt {Attempt}): {Error}")]
    private static partial void LogReconcileFailed(ILogger logger, string kind, ObjectKey key, int attempt, string error);
}
