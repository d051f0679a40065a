using System.Diagnostics;
using MtlsOperator.Controller;
using OpenTelemetry;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace MtlsOperator.Hosting;

/// <summary>Who listens to the reconcile spans: an OTLP exporter when asked for, else a listener that only gives them ids.</summary>
internal static class OperatorTraceExport
{
    /// <summary>Starts the listener; dispose it to flush (OTLP) and stop.</summary>
    /// <remarks>Without any listener <see cref="ActivitySource.StartActivity(string, ActivityKind)"/> returns null, and the
    /// log lines of a reconcile would carry no trace id to tie them together. Propagation-only activities get ids but
    /// record nothing, so that costs next to nothing when no collector is configured.</remarks>
    public static IDisposable Start(OtlpTraceExport? export)
    {
        if (export is null)
        {
            var listener = new ActivityListener
            {
                ShouldListenTo = source => source.Name == OperatorTracing.SourceName,
                Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.PropagationData,
            };
            ActivitySource.AddActivityListener(listener);
            return listener;
        }

        return Sdk.CreateTracerProviderBuilder()
            // OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES still override this default, as the SDK reads them too.
            .ConfigureResource(r => r.AddService("mtls-operator"))
            .AddSource(OperatorTracing.SourceName)
            .AddOtlpExporter(o =>
            {
                if (export.Endpoint is { } endpoint)
                {
                    o.Endpoint = endpoint;
                }

                if (export.Protocol is { } protocol)
                {
                    o.Protocol = protocol;
                }
            })
            .Build();
    }
}
