using MtlsOperator.Hosting;

namespace MtlsOperator.Tests.Hosting;

/// <summary>When <c>run</c> exports traces, decided from the OpenTelemetry SDK's standard variables only.</summary>
public sealed class OtlpTraceExportTests
{
    [Theory]
    [InlineData(null, null, null, false)]
    [InlineData("otlp", null, null, true)]
    [InlineData("OTLP", null, null, true)]
    [InlineData(null, "http://collector:4317", null, true)]
    [InlineData(null, null, "http://collector:4318/v1/traces", true)]
    [InlineData("none", "http://collector:4317", null, false)]
    [InlineData("zipkin", "http://collector:4317", null, false)]
    [InlineData(null, "  ", null, false)]
    public void Traces_are_exported_when_the_standard_variables_ask_for_otlp(string? exporter, string? endpoint, string? tracesEndpoint, bool exported)
    {
        var variables = new Dictionary<string, string?>
        {
            ["OTEL_TRACES_EXPORTER"] = exporter,
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = endpoint,
            ["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"] = tracesEndpoint,
        };

        var export = OtlpTraceExport.FromEnvironment(name => variables.GetValueOrDefault(name));

        Assert.Equal(exported, export is not null);
        // Endpoint and protocol are left to the exporter, which reads the same variables (and the headers one) itself.
        Assert.True(export is null || (export.Endpoint is null && export.Protocol is null));
    }
}
