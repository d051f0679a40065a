using System.Diagnostics.Metrics;

namespace MtlsOperator.Runtime;

/// <summary>The instruments of the controller runtime, all on the <c>MtlsOperator</c> meter.</summary>
public static class RuntimeMetrics
{
    /// <summary>Name of the meter an exporter subscribes to.</summary>
    public const string MeterName = "MtlsOperator";

    private static readonly Meter Meter = new(MeterName);

    internal static readonly UpDownCounter<long> QueueDepth =
        Meter.CreateUpDownCounter<long>("mtls_operator.workqueue.depth", "{key}", "Keys waiting in a work queue (not counting delayed ones).");

    internal static readonly Counter<long> QueueAdds =
        Meter.CreateCounter<long>("mtls_operator.workqueue.adds", "{key}", "Keys added to a work queue.");

    internal static readonly Counter<long> QueueRetries =
        Meter.CreateCounter<long>("mtls_operator.workqueue.retries", "{key}", "Keys re-queued with backoff after a failure.");

    internal static readonly Counter<long> Reconciles =
        Meter.CreateCounter<long>("mtls_operator.reconcile.total", "{reconcile}", "Reconciles by controller and result.");

    internal static readonly Counter<long> ReconcileErrors =
        Meter.CreateCounter<long>("mtls_operator.reconcile.errors", "{reconcile}", "Reconciles that threw.");

    /// <summary>Bucket bounds of <see cref="ReconcileDuration"/>, in seconds (Prometheus client defaults plus 30 s and 60 s).</summary>
    /// <remarks>Without advice the SDK applies its millisecond defaults (0, 5, 10, 25 ... 10000) to this seconds
    /// instrument, and every reconcile lands in the <c>le="5"</c> bucket.</remarks>
    public static readonly IReadOnlyList<double> ReconcileDurationBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

    internal static readonly Histogram<double> ReconcileDuration =
        Meter.CreateHistogram("mtls_operator.reconcile.duration", "s", "Time spent in one reconcile.", tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = ReconcileDurationBuckets });

    internal static readonly Counter<long> WatchRestarts =
        Meter.CreateCounter<long>("mtls_operator.informer.watch_restarts", "{restart}", "Watches re-opened, by kind and reason.");

    internal static readonly Counter<long> Relists =
        Meter.CreateCounter<long>("mtls_operator.informer.relists", "{list}", "Full lists, by kind and reason.");

    internal static readonly Counter<long> ApiRetries =
        Meter.CreateCounter<long>("mtls_operator.api.retries", "{request}", "Requests sent again after the API server answered 429 or 5xx with a Retry-After, by code and method.");

    internal static readonly Counter<double> ClientThrottleWait =
        Meter.CreateCounter<double>("mtls_operator.api.client_throttle_wait", "s", "Time requests waited for the client-side rate limit (--kube-api-qps), by method.");

    internal static readonly UpDownCounter<long> CachedObjects =
        Meter.CreateUpDownCounter<long>("mtls_operator.informer.cached_objects", "{object}", "Objects held in an informer cache.");
}
