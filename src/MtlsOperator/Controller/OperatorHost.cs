using k8s;
using Microsoft.Extensions.Logging;
using MtlsOperator.Hosting;
using MtlsOperator.Runtime;
using OpenTelemetry;
using OpenTelemetry.Metrics;

using MtlsOperator.Engine.Evaluation;

namespace MtlsOperator.Controller;

/// <summary>The running operator: probes and metrics always; the controllers only while this replica holds the Lease.</summary>
public sealed partial class OperatorHost
{
    private readonly IKubernetes _client;

    // The Lease is renewed through a client of its own when the main one is paced (--kube-api-qps): behind a reconcile
    // backlog's debt a renewal could miss its deadline and cost the leadership (controller-runtime gives leader election
    // its own client for the same reason).
    private readonly IKubernetes _leaseClient;
    private readonly OperatorOptions _options;
    private readonly ILoggerFactory _loggers;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private volatile ControllerRun? _current;
    private Webhook.WebhookCertificateRotator? _rotator;
    private Func<bool> _webhookServing = () => true;
    private volatile bool _running;

    public OperatorHost(IKubernetes client, OperatorOptions options, ILoggerFactory loggers, TimeProvider? time = null, IKubernetes? leaseClient = null)
    {
        _client = client;
        _leaseClient = leaseClient ?? client;
        _options = options;
        _loggers = loggers;
        _time = time ?? TimeProvider.System;
        _logger = loggers.CreateLogger("operator");
    }

    /// <summary>True while this replica runs the controllers.</summary>
    public bool IsLeading => _current is not null;

    /// <summary>Ready to serve: a standby replica is ready; a leader once its caches have synced; with the webhook, once
    /// its serving certificate is loaded (so the Service sends admission requests only to replicas that can answer).</summary>
    public bool IsReady => _running && (_current is not { } run || run.HasSynced) && _webhookServing();

    /// <summary>Reconciles finished in the current leadership term.</summary>
    public long ReconcileCount => _current?.Reconciles ?? 0;

    /// <summary>Reconciles of the current term answered from <see cref="Converged.ConvergedReconciles"/> (inputs unchanged since one that wrote nothing).</summary>
    internal long ConvergedRecalls => _current?.Converged.Recalls ?? 0;

    /// <summary>How much the current term shared or recalled instead of evaluating (null while not leading).</summary>
    internal ReuseCounts? Reuse => _current?.Reuse;

    /// <summary>The fingerprints of the current term's converged reconciles, by resource.</summary>
    internal IReadOnlyDictionary<ResourceKey, UInt128> ConvergedFingerprints => _current?.Converged.ThisTerm ?? new Dictionary<ResourceKey, UInt128>();

    /// <summary>Leading, synced, nothing queued and nothing in flight.</summary>
    public bool IsIdle => _current is { } run && run.HasSynced && run.IsIdle;

    /// <summary>The informer caches of the current term (null while not leading); for tests that inspect what is kept in memory.</summary>
    internal ClusterCache? Cache => _current?.Cache;

    /// <summary>Where the admission webhook listens, once started (null without one).</summary>
    public string? WebhookUrl { get; private set; }

    /// <summary>Where the probe endpoints listen, once started.</summary>
    public string? ProbeUrl { get; private set; }

    /// <summary>Runs until <paramref name="cancellationToken"/> is cancelled (SIGTERM), then stops the workers and releases nothing it does not own.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var metrics = new OperatorMetrics(_time, () => IsLeading, _options.Identity);
        metrics.ObserveReuse(() => _current?.Reuse);
        metrics.ObserveRetrying(() => _current?.RetryingByKind());
        var exporter = new PrometheusTextExporter();
        var reader = new BaseExportingMetricReader(exporter) { TemporalityPreference = MetricReaderTemporalityPreference.Cumulative };
        exporter.Reader = reader;
        exporter.Append = metrics.WriteResourceSeries;
        // System.Net.Http is .NET's own meter: http.client.request.duration by method, status code and server, which
        // here means every request the API client sends. Runtime instrumentation adds GC, heap, thread pool and CPU.
        // Every metric stream preallocates a point per series up to its cardinality limit (2,000 by default, ~150 KiB each): the
        // queue, informer, HTTP and runtime instruments have a few series per kind, verb or generation, so 200 is ample and saves
        // ~5 MiB; the per-resource gauges of this operator's own meter keep the default.
        using var meters = Sdk.CreateMeterProviderBuilder()
            .AddMeter(RuntimeMetrics.MeterName, metrics.MeterName, "System.Net.Http")
            .AddView(instrument => instrument.Meter.Name == metrics.MeterName ? null : new MetricStreamConfiguration { CardinalityLimit = 200 })
            .AddRuntimeInstrumentation()
            .AddReader(reader)
            .Build();
        using var traces = OperatorTraceExport.Start(_options.Traces);
        ProbeServer? probes = null;
        if (_options.HealthPort is { } port)
        {
            probes = await ProbeServer.StartAsync(_options.HealthAddress, port, () => _running, () => IsReady, exporter.Scrape, _loggers, cancellationToken).ConfigureAwait(false);
            ProbeUrl = probes.Url;
            LogProbesListening(_logger, ProbeUrl);
        }

        Webhook.WebhookHost? webhook = null;
        if (_options.Webhook is { } webhookOptions)
        {
            webhook = new Webhook.WebhookHost(_client, webhookOptions, _options.Namespaces, _loggers, _time);
            await webhook.StartAsync(cancellationToken).ConfigureAwait(false);
            WebhookUrl = webhook.Url;
            _rotator = webhook.Rotator;
            _webhookServing = () => webhook.IsServing;
        }

        _running = true;
        try
        {
            if (_options.LeaderElection)
            {
                await RunElectedAsync(metrics, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await RunTermAsync(metrics, cancellationToken, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _running = false;
            if (webhook is not null)
            {
                await webhook.DisposeAsync().ConfigureAwait(false);
            }

            if (probes is not null)
            {
                await probes.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private Task RunElectedAsync(OperatorMetrics metrics, CancellationToken cancellationToken)
    {
        var election = new LeaseElection(_leaseClient, new LeaseElectionOptions(_options.LeaseNamespace, _options.LeaseName, _options.Identity)
        {
            LeaseDuration = _options.LeaseDuration,
            RenewDeadline = _options.RenewDeadline,
            RetryPeriod = _options.RetryPeriod,
        }, _loggers.CreateLogger("election"));
        return election.RunAsync(term => RunTermAsync(metrics, term, cancellationToken), cancellationToken);
    }

    private async Task RunTermAsync(OperatorMetrics metrics, CancellationToken cancellationToken, CancellationToken stopping)
    {
        var run = new ControllerRun(_client, _options, metrics, _loggers, _time);
        _current = run;
        // The leader alone writes the webhook's Secret and caBundle; every replica serves them. It stops with the term.
        using var term = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var rotation = _rotator?.RunAsync(term.Token) ?? Task.CompletedTask;
        try
        {
            try
            {
                await run.RunAsync(cancellationToken, stopping).ConfigureAwait(false);
            }
            finally
            {
                await term.CancelAsync().ConfigureAwait(false);
                await rotation.ConfigureAwait(false);
            }
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            LogRunFailed(_logger, e);
            throw;
        }
        finally
        {
            _current = null;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Probes and metrics on {Url}")]
    private static partial void LogProbesListening(ILogger logger, string? url);

    [LoggerMessage(Level = LogLevel.Error, Message = "Controller run failed")]
    private static partial void LogRunFailed(ILogger logger, Exception exception);
}
