using System.Collections.Concurrent;
using System.Diagnostics;
using MtlsOperator.Controller;
using MtlsOperator.Tests.Cli;

namespace MtlsOperator.Tests.Controller;

/// <summary>Every reconcile is a span on the operator's ActivitySource, so OpenTelemetry tracing sees what the controller does.</summary>
public sealed class TracingTests
{
    [Fact]
    public async Task Each_reconcile_is_a_span_tagged_with_the_resource()
    {
        var ns = "trace-" + Guid.NewGuid().ToString("N")[..8];
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == OperatorTracing.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a =>
            {
                if ((string?)a.GetTagItem("k8s.namespace.name") == ns)
                {
                    spans.Enqueue(a);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        await using var fx = await OperatorFixture.StartAsync();
        var host = fx.StartOperator();

        await fx.ApplyAsync(new ListenerManifests().Yaml().Replace("namespace: apps", $"namespace: {ns}", StringComparison.Ordinal), ns);
        await fx.WaitReadyAsync("mtlslisteners", "agent", ns: ns);
        await OperatorFixture.WaitIdleAsync(host);

        var span = spans.Last(s => s.OperationName == "reconcile MtlsListener");
        Assert.Equal(ActivityStatusCode.Ok, span.Status);
        Assert.Equal("agent", span.GetTagItem("k8s.resource.name"));
        Assert.Equal("MtlsListener", span.GetTagItem("k8s.resource.kind"));
        Assert.Contains(spans, s => s.OperationName == "reconcile TrustBundle");
    }
}
