using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using MtlsOperator.Engine.Evaluation;
using MtlsOperator.Runtime;

namespace MtlsOperator.Controller;

/// <summary>The operator's own instruments (the runtime's cover queues, watches and reconciles): certificate expiry per resource.</summary>
internal sealed class OperatorMetrics : IDisposable
{
    private readonly Meter _meter = new(RuntimeMetrics.MeterName + ".Operator");
    private readonly ConcurrentDictionary<ResourceKey, DateTimeOffset> _expiries = new();
    private readonly TimeProvider _time;

    public OperatorMetrics(TimeProvider time)
    {
        _time = time;
        _meter.CreateObservableGauge("mtls_operator.certificate.expiry", Observe, "s",
            "Seconds until the earliest certificate of a resource expires (negative once expired).");
    }

    public void RecordExpiry(ResourceKey key, DateTime? notAfter)
    {
        if (notAfter is { } n)
        {
            _expiries[key] = new DateTimeOffset(DateTime.SpecifyKind(n, DateTimeKind.Utc));
        }
        else
        {
            _expiries.TryRemove(key, out _);
        }
    }

    public void Forget(ResourceKey key) => _expiries.TryRemove(key, out _);

    public void Dispose() => _meter.Dispose();

    private IEnumerable<Measurement<double>> Observe()
    {
        var now = _time.GetUtcNow();
        foreach (var (key, expiry) in _expiries)
        {
            yield return new Measurement<double>((expiry - now).TotalSeconds,
                new KeyValuePair<string, object?>("kind", key.Kind),
                new KeyValuePair<string, object?>("namespace", key.Namespace),
                new KeyValuePair<string, object?>("name", key.Name));
        }
    }
}
