using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using k8s.Models;
using MtlsOperator.Engine.Api;
using MtlsOperator.Engine.Evaluation;
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
        _meter.CreateObservableGauge("mtls_operator.certificate.expiry", ObserveRemaining, "s",
            "Seconds until the earliest certificate of a resource expires (negative once expired).");
        _meter.CreateObservableGauge("mtls_operator.certificate.expiration_timestamp", ObserveExpirations, "s",
            "When the earliest certificate of a resource expires, as seconds since the Unix epoch.");
        _meter.CreateObservableGauge("mtls_operator.resource.ready_status", ObserveReady, null,
            "1 for the status of the resource's Ready condition (label condition), 0 for the other two.");
        _meter.CreateObservableGauge("mtls_operator.crl.next_update_timestamp", ObserveCrls, "s",
            "When each CRL a TrustBundle uses is due to be replaced (nextUpdate), as seconds since the Unix epoch; once past, HAProxy and nginx refuse every client the CRL covers.");
        _crlFetches = _meter.CreateCounter<long>("mtls_operator.crl.fetches", null,
            "Fetches of each CRL URL a TrustBundle names, by result: fetched (a new CRL), unchanged (the same CRL, or 304) or failed (the error is in the bundle's status.crlFetches).");
        _meter.CreateObservableGauge("mtls_operator.crl.fetch.last_success_timestamp", ObserveCrlFetchSuccesses, "s",
            "When each CRL URL of a TrustBundle last answered with a CRL (new or unchanged), as seconds since the Unix epoch: how old the revocation information is.");
        if (leading is not null)
        {
            _meter.CreateObservableGauge("mtls_operator.leader", () => new Measurement<int>(leading() ? 1 : 0, new KeyValuePair<string, object?>("identity", identity)), null,
                "1 while this replica holds the leader Lease and runs the controllers, else 0.");
        }
    }

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
        _ready[key] = conditions.FirstOrDefault(c => c.Type == ConditionTypes.Ready)?.Status is { } s && s_conditionStatuses.Contains(s) ? s : "Unknown";

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

    private IEnumerable<Measurement<double>> ObserveRemaining()
    {
        var now = _time.GetUtcNow();
        foreach (var (key, expiry) in _expiries)
        {
            yield return new Measurement<double>((expiry - now).TotalSeconds, Labels(key));
        }
    }

    private IEnumerable<Measurement<double>> ObserveExpirations()
    {
        foreach (var (key, expiry) in _expiries)
        {
            yield return new Measurement<double>(expiry.ToUnixTimeMilliseconds() / 1000.0, Labels(key));
        }
    }

    private IEnumerable<Measurement<int>> ObserveReady()
    {
        foreach (var (key, status) in _ready)
        {
            foreach (var candidate in s_conditionStatuses)
            {
                yield return new Measurement<int>(candidate == status ? 1 : 0, Labels(key, new KeyValuePair<string, object?>("condition", candidate)));
            }
        }
    }

    private IEnumerable<Measurement<double>> ObserveCrlFetchSuccesses()
    {
        foreach (var ((bundle, url), at) in _crlFetchSuccesses)
        {
            yield return new Measurement<double>(at.ToUnixTimeMilliseconds() / 1000.0, Labels(bundle, new KeyValuePair<string, object?>("url", url)));
        }
    }

    private IEnumerable<Measurement<double>> ObserveCrls()
    {
        foreach (var (key, crls) in _crls)
        {
            foreach (var (issuer, nextUpdate) in crls)
            {
                yield return new Measurement<double>(nextUpdate.ToUnixTimeMilliseconds() / 1000.0, Labels(key, new KeyValuePair<string, object?>("issuer", issuer)));
            }
        }
    }
}
