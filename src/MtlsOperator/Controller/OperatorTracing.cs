using System.Diagnostics;

namespace MtlsOperator.Controller;

/// <summary>The operator's trace source: one span per reconcile, for OpenTelemetry (<c>AddSource("MtlsOperator")</c>) or any ActivityListener.</summary>
internal static class OperatorTracing
{
    public const string SourceName = "MtlsOperator";

    public static readonly ActivitySource Source = new(SourceName);
}
