using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using MtlsOperator.Controller;
using MtlsOperator.Engine.Pki;
using MtlsOperator.Hosting;
using MtlsOperator.Runtime;
using MtlsOperator.Tests.Hosting;
using OpenTelemetry.Exporter;
using TestPki;

namespace MtlsOperator.Tests.Controller;

/// <summary>What the running operator tells Prometheus and an OTLP collector about a converged world.</summary>
public sealed class ObservabilityTests
{
    private const string Ns = "observed";

    private static readonly HttpClient s_http = new() { Timeout = TimeSpan.FromSeconds(10) };

    [Fact]
    public async Task Metrics_expose_expiry_as_a_timestamp_the_ready_status_per_condition_crl_next_update_and_the_leader()
    {
        await using var world = await ObservedWorld.StartAsync();
        var samples = await world.SamplesAsync();

        var expiration = Single(samples, "mtls_operator_certificate_expiration_timestamp_seconds", ("kind", "ServerCertificate"), ("name", "observed"));
        Assert.Equal(world.Server.NotAfter.ToUniversalTime(), DateTimeOffset.FromUnixTimeMilliseconds((long)(expiration * 1000)).UtcDateTime, TimeSpan.FromSeconds(1));
        Assert.Equal(1, Single(samples, "mtls_operator_resource_ready_status", ("kind", "MtlsListener"), ("name", "observed"), ("condition", "True")));
        Assert.Equal(0, Single(samples, "mtls_operator_resource_ready_status", ("kind", "MtlsListener"), ("name", "observed"), ("condition", "False")));
        Assert.Equal(0, Single(samples, "mtls_operator_resource_ready_status", ("kind", "MtlsListener"), ("name", "observed"), ("condition", "Unknown")));
        var nextUpdate = Single(samples, "mtls_operator_crl_next_update_timestamp_seconds", ("kind", "TrustBundle"), ("name", "observed-ca"));
        Assert.Equal(world.CrlNextUpdate.ToUnixTimeSeconds(), nextUpdate, 1.0);
        Assert.Equal(1, Single(samples, "mtls_operator_leader", ("identity", ObservedWorld.Identity)));
    }

    [Fact]
    public async Task Evaluations_asked_for_by_listeners_are_counted_by_kind_and_result_and_so_are_reconciles_answered_from_memory()
    {
        await using var world = await ObservedWorld.StartAsync();
        var samples = await world.SamplesAsync();

        double Evaluations(string kind, string result) => Single(samples, "mtls_operator_evaluations_total", ("kind", kind), ("result", result));
        Assert.True(Evaluations("ServerCertificate", "evaluated") + Evaluations("ServerCertificate", "reused") >= 1, "the listener's certificate was not counted");
        Assert.True(Evaluations("ClientAuthPolicy", "evaluated") + Evaluations("ClientAuthPolicy", "reused") >= 1, "the listener's policy was not counted");
        Assert.True(Single(samples, "mtls_operator_reconcile_converged_total") >= 0);
    }

    [Fact]
    public async Task Reconcile_durations_fall_into_buckets_in_seconds_not_the_sdk_millisecond_defaults()
    {
        await using var world = await ObservedWorld.StartAsync();
        var samples = await world.SamplesAsync();

        var bounds = samples.Where(s => s.Name == "mtls_operator_reconcile_duration_seconds_bucket" && s.Labels["kind"] == "MtlsListener")
            .Select(s => s.Labels["le"]).ToList();
        Assert.Equal([.. RuntimeMetrics.ReconcileDurationBuckets.Select(b => b.ToString(CultureInfo.InvariantCulture)), "+Inf"], bounds);
        // A reconcile against a local server takes well under a second: it must not all land in the last finite bucket.
        var underOneSecond = samples.Single(s => s.Name == "mtls_operator_reconcile_duration_seconds_bucket" && s.Labels["kind"] == "MtlsListener" && s.Labels["le"] == "1");
        Assert.True(underOneSecond.Value >= 1, "no MtlsListener reconcile counted under 1 s");
    }

    [Fact]
    public async Task Api_client_requests_and_the_dotnet_runtime_are_measured()
    {
        await using var world = await ObservedWorld.StartAsync();
        var samples = await world.SamplesAsync();

        Assert.Contains(samples, s => s.Name == "http_client_request_duration_seconds_count" && s.Labels.GetValueOrDefault("http_request_method") == "GET" && s.Value > 0);
        Assert.Contains(samples, s => s.Name == "http_client_request_duration_seconds_count" && s.Labels.GetValueOrDefault("http_request_method") is "PUT" or "PATCH" or "POST");
        Assert.Contains(samples, s => s.Name.StartsWith("dotnet_gc_", StringComparison.Ordinal));
        Assert.Contains(samples, s => s.Name.StartsWith("dotnet_process_cpu_time", StringComparison.Ordinal) || s.Name.StartsWith("process_cpu_time", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_exposition_meets_the_prometheus_text_format()
    {
        await using var world = await ObservedWorld.StartAsync();

        var (samples, violations) = PrometheusExposition.Read(await s_http.GetStringAsync(world.MetricsUrl));

        Assert.True(violations.Count == 0, string.Join("\n", violations));
        Assert.True(samples.Count > 50, $"only {samples.Count} samples");
    }

    [Fact]
    public async Task Reconcile_spans_are_exported_by_otlp_to_the_configured_collector()
    {
        await using var collector = await OtlpCollector.StartAsync();
        await using var world = await ObservedWorld.StartAsync(new OtlpTraceExport(new Uri(collector.Url + "/v1/traces"), OtlpExportProtocol.HttpProtobuf));

        await OperatorFixture.Eventually(() => Task.FromResult(collector.Bodies.Any(b => Contains(b, "MtlsOperator") && Contains(b, "MtlsListener"))),
            "a trace export naming the MtlsOperator source and an MtlsListener reconcile", TimeSpan.FromSeconds(60));
        Assert.Contains(collector.Bodies, b => Contains(b, "mtls-operator"));
    }

    private static bool Contains(byte[] body, string text) => body.AsSpan().IndexOf(Encoding.UTF8.GetBytes(text)) >= 0;

    private static double Single(IReadOnlyList<PrometheusExposition.Sample> samples, string name, params (string Label, string Value)[] labels)
    {
        var matches = samples.Where(s => s.Name == name && labels.All(l => s.Labels.GetValueOrDefault(l.Label) == l.Value)).ToList();
        Assert.True(matches.Count == 1, $"{matches.Count} samples of {name} with {string.Join(",", labels)}; names seen: {string.Join(" ", samples.Select(s => s.Name).Distinct().Where(n => n.StartsWith("mtls", StringComparison.Ordinal)))}");
        return matches[0].Value;
    }

    /// <summary>An OTLP/HTTP receiver on loopback that keeps every export request body (protobuf, unparsed).</summary>
    private sealed class OtlpCollector : IAsyncDisposable
    {
        private readonly WebApplication _app;

        private OtlpCollector(WebApplication app) => _app = app;

        public ConcurrentBag<byte[]> Bodies { get; } = [];

        public string Url => _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

        public static async Task<OtlpCollector> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            var app = builder.Build();
            var collector = new OtlpCollector(app);
            app.MapPost("/v1/traces", async (HttpContext context) =>
            {
                using var body = new MemoryStream();
                await context.Request.Body.CopyToAsync(body);
                collector.Bodies.Add(body.ToArray());
                context.Response.ContentType = "application/x-protobuf";
                return Results.Bytes([], "application/x-protobuf");
            });
            await app.StartAsync();
            return collector;
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
