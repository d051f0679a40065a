using OpenTelemetry.Exporter;

namespace MtlsOperator.Hosting;

/// <summary>Where reconcile spans go by OTLP. Null fields defer to the exporter's own reading of the <c>OTEL_EXPORTER_OTLP_*</c> variables.</summary>
public sealed record OtlpTraceExport(Uri? Endpoint = null, OtlpExportProtocol? Protocol = null)
{
    /// <summary>Tracing is on when <c>OTEL_TRACES_EXPORTER</c> says <c>otlp</c>, or an OTLP endpoint variable is set and
    /// <c>OTEL_TRACES_EXPORTER</c> does not say <c>none</c> (the OpenTelemetry SDK specification's variables).</summary>
    public static OtlpTraceExport? FromEnvironment(Func<string, string?> variable)
    {
        var exporter = variable("OTEL_TRACES_EXPORTER")?.Trim().ToLowerInvariant();
        if (exporter == "none" || (exporter is not null && exporter != "otlp"))
        {
            return null;
        }

        var endpointSet = !string.IsNullOrWhiteSpace(variable("OTEL_EXPORTER_OTLP_ENDPOINT"))
            || !string.IsNullOrWhiteSpace(variable("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"));
        return exporter == "otlp" || endpointSet ? new OtlpTraceExport() : null;
    }
}
