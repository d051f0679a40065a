namespace MtlsOperator.Hosting;

/// <summary>The Prometheus text exposition format's label value escaping (backslash, double quote, line feed).</summary>
internal static class PrometheusText
{
    public static string Escape(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}
