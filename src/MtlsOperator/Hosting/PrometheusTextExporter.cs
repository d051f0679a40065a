using System.Globalization;
using System.Text;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace MtlsOperator.Hosting;

/// <summary>Renders OpenTelemetry metrics in the Prometheus text exposition format on demand (pull), for <c>/metrics</c>.</summary>
/// <remarks>Ours rather than the beta Prometheus exporter package: the format subset an operator needs is small and stable.</remarks>
internal sealed class PrometheusTextExporter : BaseExporter<Metric>
{
    private readonly Lock _lock = new();
    private StringBuilder _buffer = new();

    /// <summary>Set by the host after the reader exists; collecting runs <see cref="Export"/> synchronously.</summary>
    public BaseExportingMetricReader? Reader { get; set; }

    /// <summary>Families rendered outside OpenTelemetry (per-resource gauges), appended after the SDK's; given the family filter.</summary>
    public Action<StringBuilder, Func<string, bool>>? Append { get; set; }

    private Func<string, bool> _include = static _ => true;

    /// <summary>Collects now and returns the exposition text: every family, or only those named in <paramref name="families"/>
    /// (exposed names, e.g. <c>mtls_operator_workqueue_depth</c>).</summary>
    public string Scrape(IReadOnlySet<string>? families = null)
    {
        lock (_lock)
        {
            _buffer = new StringBuilder();
            _include = families is null ? static _ => true : families.Contains;
            Reader?.Collect(5000);
            Append?.Invoke(_buffer, _include);
            var text = _buffer.ToString();
            // Not kept until the next scrape: with thousands of resources the text is megabytes (24 MiB of chunks at 10,000 listeners).
            _buffer = new StringBuilder();
            return text;
        }
    }

    public override ExportResult Export(in Batch<Metric> batch)
    {
        foreach (var metric in batch)
        {
            Write(metric);
        }

        return ExportResult.Success;
    }

    private void Write(Metric metric)
    {
        var name = Sanitize(metric.Name) + UnitSuffix(metric.Unit);
        var (type, suffix) = metric.MetricType switch
        {
            // A counter already named "..._total" keeps its name; appending again would expose "..._total_total".
            MetricType.LongSum or MetricType.DoubleSum => ("counter", name.EndsWith("_total", StringComparison.Ordinal) ? "" : "_total"),
            MetricType.Histogram => ("histogram", ""),
            _ => ("gauge", ""),
        };
        if (!_include(name + suffix))
        {
            return;
        }

        var b = _buffer;
        b.Append("# HELP ").Append(name).Append(suffix).Append(' ').Append(metric.Description.Replace("\n", " ", StringComparison.Ordinal)).Append('\n');
        b.Append("# TYPE ").Append(name).Append(suffix).Append(' ').Append(type).Append('\n');
        foreach (ref readonly var point in metric.GetMetricPoints())
        {
            var labels = Labels(point.Tags);
            switch (metric.MetricType)
            {
                case MetricType.LongSum or MetricType.LongSumNonMonotonic:
                    Line(name + suffix, labels, point.GetSumLong());
                    break;
                case MetricType.DoubleSum or MetricType.DoubleSumNonMonotonic:
                    Line(name + suffix, labels, point.GetSumDouble());
                    break;
                case MetricType.LongGauge:
                    Line(name, labels, point.GetGaugeLastValueLong());
                    break;
                case MetricType.DoubleGauge:
                    Line(name, labels, point.GetGaugeLastValueDouble());
                    break;
                case MetricType.Histogram:
                    long cumulative = 0;
                    foreach (var bucket in point.GetHistogramBuckets())
                    {
                        cumulative += bucket.BucketCount;
                        var le = double.IsPositiveInfinity(bucket.ExplicitBound) ? "+Inf" : bucket.ExplicitBound.ToString(CultureInfo.InvariantCulture);
                        Line(name + "_bucket", Join(labels, $"le=\"{le}\""), cumulative);
                    }

                    Line(name + "_sum", labels, point.GetHistogramSum());
                    Line(name + "_count", labels, point.GetHistogramCount());
                    break;
            }
        }
    }

    private void Line(string name, string labels, double value) =>
        _buffer.Append(name).Append(labels.Length == 0 ? "" : "{" + labels + "}").Append(' ')
            .Append(value.ToString(CultureInfo.InvariantCulture)).Append('\n');

    private static string Labels(ReadOnlyTagCollection tags)
    {
        var parts = new List<string>();
        foreach (var tag in tags)
        {
            var value = Convert.ToString(tag.Value, CultureInfo.InvariantCulture) ?? "";
            parts.Add($"{Sanitize(tag.Key)}=\"{PrometheusText.Escape(value)}\"");
        }

        return string.Join(',', parts);
    }

    private static string Join(string labels, string extra) => labels.Length == 0 ? extra : labels + "," + extra;

    private static string UnitSuffix(string? unit) => unit switch
    {
        "s" => "_seconds",
        "ms" => "_milliseconds",
        "By" => "_bytes",
        _ => "",
    };

    private static string Sanitize(string name)
    {
        var chars = name.Select(c => char.IsAsciiLetterOrDigit(c) || c == '_' ? c : '_').ToArray();
        return new string(chars);
    }
}
