using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using MtlsOperator.Runtime;

namespace MtlsOperator.Runtime.Tests;

/// <summary>Sums the measurements of one runtime instrument whose tag has a given value (tests run in parallel on one static meter).</summary>
internal sealed class MetricRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentBag<(double Value, KeyValuePair<string, object?>[] Tags)> _measurements = [];

    public MetricRecorder(string instrument, string tag, string tagValue)
    {
        _listener.InstrumentPublished = (i, l) =>
        {
            if (i.Meter.Name == RuntimeMetrics.MeterName && i.Name == instrument)
            {
                l.EnableMeasurementEvents(i);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, v, tags, _) => Record(v, tags, tag, tagValue));
        _listener.SetMeasurementEventCallback<double>((_, v, tags, _) => Record(v, tags, tag, tagValue));
        _listener.Start();
    }

    public double Sum => _measurements.Sum(m => m.Value);

    public int Count => _measurements.Count;

    public double SumWhere(string tag, string value) =>
        _measurements.Where(m => m.Tags.Any(t => t.Key == tag && Equals(t.Value, value))).Sum(m => m.Value);

    public void Dispose() => _listener.Dispose();

    private void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags, string tag, string tagValue)
    {
        foreach (var t in tags)
        {
            if (t.Key == tag && Equals(t.Value, tagValue))
            {
                _measurements.Add((value, tags.ToArray()));
                return;
            }
        }
    }
}
