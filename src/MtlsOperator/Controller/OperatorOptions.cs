using MtlsOperator.Hosting;

namespace MtlsOperator.Controller;

/// <summary>How the controller runs: scope, concurrency, timing, endpoints and leader election.</summary>
public sealed record OperatorOptions
{
    /// <summary>Namespaces to watch; empty means all namespaces.</summary>
    public IReadOnlyList<string> Namespaces { get; init; } = [];

    /// <summary>Concurrent reconciles per kind (a key is never reconciled by two workers at once).</summary>
    /// <remarks>Four: a reconcile spends much of its time waiting for the API server (an output write, a status write), so two
    /// left a 2-core operator partly idle; at 10,000 listeners four brought a cold start from 26.8 to 20.4 s (docs/benchmarks.md).</remarks>
    public int Workers { get; init; } = 4;

    /// <summary>Every resource is re-queued this often, so time-driven changes (expiry) are noticed even when nothing is written.</summary>
    public TimeSpan ResyncPeriod { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>How often, at most, the leader saves which reconciles have converged (when idle after a change, and when it stops), so the
    /// next process answers an unchanged world without evaluating it; null neither saves nor reads them.</summary>
    public TimeSpan? ConvergedSavePeriod { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Port of <c>/healthz</c>, <c>/readyz</c> and <c>/metrics</c>; 0 picks a free port, null disables them.</summary>
    public int? HealthPort { get; init; } = 8080;

    /// <summary>Address the health/metrics endpoints bind to.</summary>
    public string HealthAddress { get; init; } = "0.0.0.0";

    /// <summary>Run only while holding the Lease; false runs unconditionally (single replica, tests).</summary>
    public bool LeaderElection { get; init; } = true;

    public string LeaseNamespace { get; init; } = "default";

    public string LeaseName { get; init; } = "mtls-operator";

    /// <summary>Unique per replica; the pod name in a cluster.</summary>
    public string Identity { get; init; } = Environment.MachineName + "-" + Guid.NewGuid().ToString("N")[..8];

    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromSeconds(15);

    public TimeSpan RenewDeadline { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan RetryPeriod { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Watch timeout asked of the server; the watch is resumed after it.</summary>
    public TimeSpan WatchTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Export reconcile spans by OTLP; null exports none. <c>run</c> sets it from the standard <c>OTEL_*</c> variables.</summary>
    public OtlpTraceExport? Traces { get; init; }

    /// <summary>How often the leader asks every injected pod's sidecar what it serves (status.pods, Served).</summary>
    public TimeSpan SidecarPollPeriod { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Longest wait for one sidecar's /status answer.</summary>
    public TimeSpan SidecarPollTimeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Sidecars asked at once.</summary>
    public int SidecarPollConcurrency { get; init; } = 16;

    /// <summary>The mutating admission webhook this operator serves; null serves none.</summary>
    public Webhook.WebhookOptions? Webhook { get; init; }

    /// <summary>Signers spec.csr.signingRequest may name (an allowlist: the operator's identity must not let every namespace
    /// request certificates from every signer); empty submits none (ServerCertificates naming one are SignerNotAllowed).</summary>
    public IReadOnlyList<string> SigningRequestSigners { get; init; } = [];

    /// <summary>How often a submitted Kubernetes CertificateSigningRequest (spec.csr.signingRequest) is read while it is pending.</summary>
    public TimeSpan SigningRequestPollPeriod { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Fetch the CRLs TrustBundles name by URL; false leaves them "not fetched" (their bundles not Ready).</summary>
    public bool CrlFetch { get; init; } = true;

    /// <summary>Longest one CRL fetch may take, headers and body together.</summary>
    public TimeSpan CrlFetchTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The shortest waits between fetches of one CRL URL (tests shorten them).</summary>
    public Engine.CrlDistribution.CrlRefreshTiming CrlRefreshTiming { get; init; } = Engine.CrlDistribution.CrlRefreshTiming.Default;

    /// <summary>CRL URLs fetched at once.</summary>
    public int CrlFetchConcurrency { get; init; } = 4;

    /// <summary>A watch silent for this long (no event, no bookmark) is restarted.</summary>
    public TimeSpan WatchStallTimeout { get; init; } = TimeSpan.FromMinutes(5.5);
}
