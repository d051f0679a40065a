using System.Globalization;
using System.Text;

namespace MtlsOperator.Engine.Serving;

/// <summary>The sidecar's <c>/metrics</c> in the Prometheus text format, from its report.</summary>
public static class SidecarMetrics
{
    /// <summary>The exposition text: served hash (info gauge), ready, reloads, rejected configs, served certificate expiry.</summary>
    /// <param name="rejectedConfigs">Versions the proxy's own check (or reload) refused since the sidecar started.</param>
    public static string Render(SidecarReport report, long rejectedConfigs)
    {
        ArgumentNullException.ThrowIfNull(report);
        var proxy = Label(report.Proxy);
        var text = new StringBuilder();
        Metric(text, "mtls_sidecar_served_config_info", "gauge", "The content hash of the output Secret version the proxy serves (value 1).");
        if (report.ServedContentHash is { } served)
        {
            text.Append(CultureInfo.InvariantCulture, $"mtls_sidecar_served_config_info{{proxy=\"{proxy}\",hash=\"{Label(served)}\"}} 1\n");
        }

        Metric(text, "mtls_sidecar_ready", "gauge", "1 when a checked configuration is loaded and the proxy serves it.");
        text.Append(CultureInfo.InvariantCulture, $"mtls_sidecar_ready{{proxy=\"{proxy}\"}} {(report.State == SidecarState.Serving ? 1 : 0)}\n");
        Metric(text, "mtls_sidecar_reloads_total", "counter", "Successful graceful reloads (or restarts) onto a new version.");
        text.Append(CultureInfo.InvariantCulture, $"mtls_sidecar_reloads_total{{proxy=\"{proxy}\"}} {report.Reloads}\n");
        Metric(text, "mtls_sidecar_rejected_configs_total", "counter", "Mounted versions the proxy refused; the running version kept serving.");
        text.Append(CultureInfo.InvariantCulture, $"mtls_sidecar_rejected_configs_total{{proxy=\"{proxy}\"}} {rejectedConfigs}\n");
        Metric(text, "mtls_sidecar_config_rejected", "gauge", "1 while the newest mounted version is one the proxy refused.");
        text.Append(CultureInfo.InvariantCulture, $"mtls_sidecar_config_rejected{{proxy=\"{proxy}\"}} {(report.RejectedContentHash is null ? 0 : 1)}\n");
        if (report.ServedCertificateNotAfter is { } notAfter)
        {
            Metric(text, "mtls_sidecar_served_certificate_expiry_timestamp_seconds", "gauge", "Earliest notAfter of the served server certificates (Unix time).");
            text.Append(CultureInfo.InvariantCulture, $"mtls_sidecar_served_certificate_expiry_timestamp_seconds{{proxy=\"{proxy}\"}} {notAfter.ToUnixTimeSeconds()}\n");
        }

        return text.ToString();
    }

    private static void Metric(StringBuilder text, string name, string type, string help) =>
        text.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n').Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');

    private static string Label(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}
