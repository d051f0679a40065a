using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;
using k8s.Models;
using MtlsOperator.Engine.Api;
using MtlsOperator.Engine.Evaluation;
using MtlsOperator.Hosting;
using MtlsOperator.Runtime;

namespace MtlsOperator.Controller;

/// <summary>The operator's own instruments (the runtime's cover queues, watches and reconciles): expiry, readiness, CRLs and leadership per resource.</summary>
/// <remarks>Absolute timestamps and a 0/1 ready gauge per condition status follow cert-manager's
/// <c>certmanager_certificate_expiration_timestamp_seconds</c> and <c>..._ready_status</c>, so alert rules written for
/// it carry over; the relative <c>..._expiry_seconds</c> gauge stays for existing dashboards.</remarks>
internal sealed class OperatorMetrics : IDisposable
{
    private static readonly string[] s_conditionStatuses = ["True", "False", "Unknown"];

    // One meter per instance, subscribed to by name: an operator's /metrics shows its own resources only, even with
    // several operators in one process (the tests).
    private readonly Meter _meter = new(RuntimeMetrics.MeterName + ".Operator." + Guid.NewGuid().ToString("N"));
    private readonly ConcurrentDictionary<ResourceKey, DateTimeOffset> _expiries = new();
    private readonly ConcurrentDictionary<ResourceKey, string> _ready = new();
    private readonly ConcurrentDictionary<ResourceKey, IReadOnlyList<(string Issuer, DateTimeOffset NextUpdate)>> _crls = new();
    private readonly ConcurrentDictionary<(ResourceKey Bundle, string Url), DateTimeOffset> _crlFetchSuccesses = new();
    private readonly Counter<long> _crlFetches;
    private readonly TimeProvider _time;

    public OperatorMetrics(TimeProvider time, Func<bool>? leading = null, string identity = "")
    {
        _time = time;
        _crlFetches = _meter.CreateCounter<long>("mtls_operator.crl.fetches", null,
            "Fetches of each CRL URL a TrustBundle names, by result: fetched (a new CRL), unchanged (the same CRL, or 304) or failed (the error is in the bundle's status.crlFetches).");
        if (leading is not null)
        {
            _meter.CreateObservableGauge("mtls_operator.leader", () => new Measurement<int>(leading() ? 1 : 0, new KeyValuePair<string, object?>("identity", identity)), null,
                "1 while this replica holds the leader Lease and runs the controllers, else 0.");
        }
    }

    /// <summary>Publishes how much work was shared instead of repeated, read from <paramref name="current"/> (the leader's term; nothing
    /// on a standby): evaluations run and reused, by kind, and reconciles answered from memory.</summary>
    public void ObserveReuse(Func<ReuseCounts?> current)
    {
        _meter.CreateObservableCounter<long>("mtls_operator.evaluations", () => current() is { } c
                ? (IEnumerable<Measurement<long>>)[Evaluations(ServerCertificate.KindName, "evaluated", c.CertificatesEvaluated), Evaluations(ServerCertificate.KindName, "reused", c.CertificatesReused),
                   Evaluations(ClientAuthPolicy.KindName, "evaluated", c.PoliciesEvaluated), Evaluations(ClientAuthPolicy.KindName, "reused", c.PoliciesReused)]
                : [],
            null, "ServerCertificate and ClientAuthPolicy evaluations asked for, by result: evaluated, or reused (a ServerCertificate's by its listeners and its own reconcile, a policy's by the listeners sharing it, while nothing it read changed).");
        _meter.CreateObservableCounter<long>("mtls_operator.reconcile.converged", () => current() is { } c ? (IEnumerable<Measurement<long>>)[new Measurement<long>(c.ConvergedRecalls)] : [],
            null, "Reconciles answered without evaluating: everything the resource reads was unchanged since its last reconcile that wrote nothing (a resync of a converged cluster).");

        static Measurement<long> Evaluations(string kind, string result, long value) =>
            new(value, new KeyValuePair<string, object?>("kind", kind), new KeyValuePair<string, object?>("result", result));
    }

    /// <summary>Publishes how many resources wait for a retry after a failed reconcile, by kind, read from <paramref name="current"/>
    /// (the leader's term, every kind with 0 included so an alert sees a kind recover rather than its series vanish; nothing on a standby).</summary>
    /// <remarks>The work queue depth leaves these out (a retry waits out its backoff outside the queue): depth 0 while this
    /// gauge is above 0 is a cluster that has not converged.</remarks>
    public void ObserveRetrying(Func<IReadOnlyList<KeyValuePair<string, int>>?> current) =>
        _meter.CreateObservableGauge("mtls_operator.reconcile.retrying",
            () => current()?.Select(c => new Measurement<int>(c.Value, new KeyValuePair<string, object?>("kind", c.Key))) ?? [],
            null, "Resources whose latest reconcile failed and that wait for their retry with backoff (not in the work queue depth meanwhile).");

    /// <summary>The name of this instance's meter, for the meter provider to subscribe to.</summary>
    public string MeterName => _meter.Name;

    public void RecordExpiry(ResourceKey key, DateTime? notAfter)
    {
        if (notAfter is { } n)
        {
            _expiries[key] = Utc(n);
        }
        else
        {
            _expiries.TryRemove(key, out _);
        }
    }

    /// <summary>Records the status of the resource's Ready condition (Unknown when it has none yet).</summary>
    public void RecordReady(ResourceKey key, IReadOnlyList<V1Condition> conditions) =>
        _ready[key] = conditions.FirstOrDefault(c => c?.Type == ConditionTypes.Ready)?.Status is { } s && s_conditionStatuses.Contains(s) ? s : "Unknown";

    /// <summary>Records the nextUpdate of each CRL a bundle uses; CRLs without one are left out (nothing to alert on).</summary>
    public void RecordCrls(ResourceKey key, IEnumerable<CrlStatus> crls) =>
        _crls[key] = [.. crls.Where(c => c.NextUpdate is not null).Select(c => (c.Issuer, Utc(c.NextUpdate!.Value)))];

    /// <summary>Counts one fetch of <paramref name="url"/> for a bundle; <paramref name="succeededAt"/> is set when it answered with a CRL.</summary>
    public void RecordCrlFetch(ResourceKey bundle, string url, string result, DateTimeOffset? succeededAt)
    {
        _crlFetches.Add(1, [.. Labels(bundle, new KeyValuePair<string, object?>("url", url), new KeyValuePair<string, object?>("result", result))]);
        if (succeededAt is { } at)
        {
            _crlFetchSuccesses[(bundle, url)] = at;
        }
    }

    /// <summary>Drops the fetch gauges of URLs <paramref name="bundle"/> no longer names.</summary>
    public void KeepCrlUrls(ResourceKey bundle, IReadOnlyCollection<string> urls)
    {
        foreach (var gone in _crlFetchSuccesses.Keys.Where(k => k.Bundle == bundle && !urls.Contains(k.Url)).ToList())
        {
            _crlFetchSuccesses.TryRemove(gone, out _);
        }
    }

    public void Forget(ResourceKey key)
    {
        foreach (var gone in _crlFetchSuccesses.Keys.Where(k => k.Bundle == key).ToList())
        {
            _crlFetchSuccesses.TryRemove(gone, out _);
        }

        _expiries.TryRemove(key, out _);
        _ready.TryRemove(key, out _);
        _crls.TryRemove(key, out _);
    }

    public void Dispose() => _meter.Dispose();

    private static DateTimeOffset Utc(DateTime moment) => new(DateTime.SpecifyKind(moment, DateTimeKind.Utc));

    private static KeyValuePair<string, object?>[] Labels(ResourceKey key, params KeyValuePair<string, object?>[] extra) =>
    [
        new("kind", key.Kind),
        new("namespace", key.Namespace),
        new("name", key.Name),
        .. extra,
    ];

    /// <summary>Appends the per-resource gauges to a <c>/metrics</c> text (Prometheus exposition format).</summary>
    /// <remarks>Written here rather than as OpenTelemetry observable gauges: those keep at most 2,000 series per instrument (the
    /// SDK's cardinality limit; the rest fold into one overflow series), so past 2,000 resources the expiry and ready gauges
    /// alerts rely on went missing, and a scrape of 100,000 measurements through the SDK's aggregation cost the operator a
    /// noticeable share of its CPU at 10,000 listeners.</remarks>
    public void WriteResourceSeries(StringBuilder text) => WriteResourceSeries(text, static _ => true);

    /// <summary>Appends those of the per-resource gauges <paramref name="include"/> names.</summary>
    public void WriteResourceSeries(StringBuilder text, Func<string, bool> include)
    {
        var now = _time.GetUtcNow();
        var expiry = include("mtls_operator_certificate_expiry_seconds");
        var expiration = include("mtls_operator_certificate_expiration_timestamp_seconds");
        var ready = include("mtls_operator_resource_ready_status");
        var crls = include("mtls_operator_crl_next_update_timestamp_seconds");
        var fetches = include("mtls_operator_crl_fetch_last_success_timestamp_seconds");
        // A family with no resource has no lines at all, as OpenTelemetry exposed none for a gauge without measurements.
        Family(text, expiry && !_expiries.IsEmpty, "mtls_operator_certificate_expiry_seconds", "Seconds until the earliest certificate of a resource expires (negative once expired).");
        foreach (var (key, notAfter) in expiry ? _expiries : [])
        {
            Sample(text, "mtls_operator_certificate_expiry_seconds", key, null, (notAfter - now).TotalSeconds);
        }

        Family(text, expiration && !_expiries.IsEmpty, "mtls_operator_certificate_expiration_timestamp_seconds", "When the earliest certificate of a resource expires, as seconds since the Unix epoch.");
        foreach (var (key, notAfter) in expiration ? _expiries : [])
        {
            Sample(text, "mtls_operator_certificate_expiration_timestamp_seconds", key, null, notAfter.ToUnixTimeMilliseconds() / 1000.0);
        }

        Family(text, ready && !_ready.IsEmpty, "mtls_operator_resource_ready_status", "1 for the status of the resource's Ready condition (label condition), 0 for the other two.");
        foreach (var (key, status) in ready ? _ready : [])
        {
            foreach (var candidate in s_conditionStatuses)
            {
                Sample(text, "mtls_operator_resource_ready_status", key, ("condition", candidate), candidate == status ? 1 : 0);
            }
        }

        Family(text, crls && _crls.Values.Any(c => c.Count > 0), "mtls_operator_crl_next_update_timestamp_seconds",
            "When each CRL a TrustBundle uses is due to be replaced (nextUpdate), as seconds since the Unix epoch; once past, HAProxy and nginx refuse every client the CRL covers.");
        foreach (var (key, held) in crls ? _crls : [])
        {
            foreach (var (issuer, nextUpdate) in held)
            {
                Sample(text, "mtls_operator_crl_next_update_timestamp_seconds", key, ("issuer", issuer), nextUpdate.ToUnixTimeMilliseconds() / 1000.0);
            }
        }

        Family(text, fetches && !_crlFetchSuccesses.IsEmpty, "mtls_operator_crl_fetch_last_success_timestamp_seconds",
            "When each CRL URL of a TrustBundle last answered with a CRL (new or unchanged), as seconds since the Unix epoch: how old the revocation information is.");
        foreach (var ((bundle, url), at) in fetches ? _crlFetchSuccesses : [])
        {
            Sample(text, "mtls_operator_crl_fetch_last_success_timestamp_seconds", bundle, ("url", url), at.ToUnixTimeMilliseconds() / 1000.0);
        }
    }

    private static void Family(StringBuilder text, bool any, string name, string help)
    {
        if (any)
        {
            text.Append("# HELP ").Append(name).Append(' ').Append(help).Append("\n# TYPE ").Append(name).Append(" gauge\n");
        }
    }

    private static void Sample(StringBuilder text, string name, ResourceKey key, (string Name, string Value)? extra, double value)
    {
        // The labels are escaped as they are written, not kept per resource: 20,000 resources' label strings held ~5 MiB between
        // scrapes, and escaping a value with nothing to escape returns it as it is.
        text.Append(name).Append("{kind=\"").Append(PrometheusText.Escape(key.Kind)).Append("\",namespace=\"").Append(PrometheusText.Escape(key.Namespace))
            .Append("\",name=\"").Append(PrometheusText.Escape(key.Name)).Append('"');
        if (extra is { } e)
        {
            text.Append(',').Append(e.Name).Append("=\"").Append(PrometheusText.Escape(e.Value)).Append('"');
        }

        text.Append("} ").Append(value.ToString(CultureInfo.InvariantCulture)).Append('\n');
    }
}
