using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using MtlsOperator.Controller;
using MtlsOperator.Engine.Pki;
using MtlsOperator.Tests.Hosting;
using TestApiServer;
using TestPki;

namespace MtlsOperator.Tests.Controller;

/// <summary><c>/healthz</c>, <c>/readyz</c> and <c>/metrics</c> as kubelet and Prometheus see them.</summary>
public sealed class ProbeAndMetricsTests
{
    private const string Ns = "observed";

    private static readonly HttpClient s_http = new() { Timeout = TimeSpan.FromSeconds(10) };

    [Fact]
    public async Task Readiness_fails_until_the_caches_have_synced_while_liveness_already_passes()
    {
        await using var fx = await OperatorFixture.StartAsync();
        fx.Server.Faults.AddLatency(TimeSpan.FromSeconds(2), RequestMatch.Verb("list"));
        var host = fx.StartOperator(WithProbes());
        var url = await ProbeUrlAsync(host);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await s_http.GetAsync(url + "/readyz")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await s_http.GetAsync(url + "/healthz")).StatusCode);
        await OperatorFixture.Eventually(async () => (await s_http.GetAsync(url + "/readyz")).StatusCode == HttpStatusCode.OK, "ready once synced");
    }

    [Fact]
    public async Task Metrics_report_reconciles_errors_and_durations_by_kind_queue_depth_watch_restarts_and_certificate_expiry()
    {
        await using var fx = await OperatorFixture.StartAsync();
        var host = fx.StartOperator(WithProbes());
        var url = await ProbeUrlAsync(host);
        await OperatorFixture.WaitIdleAsync(host);
        var root = TestCertificateAuthority.CreateRoot("CN=Metrics Root,O=Test");
        var server = root.IssueServer("observed.example.com");
        // Only the operator writes status: one failed reconcile to count.
        fx.Server.Faults.FailNext(1, InjectedFailure.InternalError, new RequestMatch(ApiCall.WriteVerbs, "mtlslisteners", "status", Ns));
        await OperatorFixture.Eventually(() => Task.FromResult(fx.Server.Requests.Count("watch", "secrets") > 0), "the Secret watch is open");
        fx.Server.Faults.DropAllWatches();

        await fx.ApplyAsync(
            Manifests.TlsSecret(Ns, "observed-tls", server),
            Manifests.InlineBundle(Ns, "observed-ca", PemExport.Certificate(root.Certificate)),
            Manifests.ServerCertificate(Ns, "observed", "observed-tls", "observed.example.com"),
            Manifests.PinnedPolicy(Ns, "observed-clients", "observed-ca", ("sha256", CertificateFingerprints.Of(root.IssueClient()).Sha256)),
            Manifests.Listener(Ns, "observed", "observed", "observed-clients"));
        await fx.WaitReadyAsync("mtlslisteners", "observed", ns: Ns);
        await fx.WaitSettledAsync(host);
        await OperatorFixture.Eventually(() => Task.FromResult(host.Cache!.Secrets.WatchRestarts > 0), "the dropped Secret watch was restarted");

        var text = await s_http.GetStringAsync(url + "/metrics");

        AssertSeries(text, "mtls_operator_reconcile_total", "kind=\"MtlsListener\"");
        AssertSeries(text, "mtls_operator_reconcile_errors_total", "kind=\"MtlsListener\"");
        AssertSeries(text, "mtls_operator_reconcile_duration_seconds_bucket", "kind=\"TrustBundle\"");
        AssertSeries(text, "mtls_operator_reconcile_duration_seconds_count", "kind=\"ServerCertificate\"");
        AssertSeries(text, "mtls_operator_workqueue_depth", "queue=\"ClientAuthPolicy\"");
        AssertSeries(text, "mtls_operator_informer_watch_restarts_total", "kind=\"Secret\"");
        Assert.Contains("# TYPE mtls_operator_reconcile_total counter", text, StringComparison.Ordinal);
        Assert.DoesNotContain("_total_total", text, StringComparison.Ordinal);
        foreach (var kind in new[] { "ServerCertificate", "MtlsListener" })
        {
            var expiry = Regex.Match(text, $"(?m)^mtls_operator_certificate_expiry_seconds\\{{(?=[^}}]*kind=\"{kind}\")(?=[^}}]*namespace=\"{Ns}\")(?=[^}}]*name=\"observed\")[^}}]*\\}} (\\S+)$");
            Assert.True(expiry.Success, $"no expiry series for {kind} in:\n{text}");
            var expected = (server.NotAfter.ToUniversalTime() - DateTime.UtcNow).TotalSeconds;
            Assert.InRange(double.Parse(expiry.Groups[1].Value, CultureInfo.InvariantCulture), expected - 300, expected + 300);
        }
    }

    [Fact]
    public async Task Metrics_asked_for_named_families_render_only_those()
    {
        await using var fx = await OperatorFixture.StartAsync();
        var host = fx.StartOperator(WithProbes());
        var url = await ProbeUrlAsync(host);
        var root = TestCertificateAuthority.CreateRoot("CN=Family Root,O=Test");
        await fx.ApplyAsync(
            Manifests.TlsSecret(Ns, "observed-tls", root.IssueServer("observed.example.com")),
            Manifests.ServerCertificate(Ns, "observed", "observed-tls", "observed.example.com"));
        await fx.WaitReadyAsync("servercertificates", "observed", ns: Ns);
        await OperatorFixture.WaitIdleAsync(host);

        var text = await s_http.GetStringAsync(url + "/metrics?family=mtls_operator_workqueue_depth&family=mtls_operator_resource_ready_status");

        AssertSeries(text, "mtls_operator_workqueue_depth", "queue=\"ServerCertificate\"");
        AssertSeries(text, "mtls_operator_resource_ready_status", "name=\"observed\"");
        Assert.Equal(["mtls_operator_resource_ready_status", "mtls_operator_workqueue_depth"],
            Regex.Matches(text, "(?m)^# TYPE (\\S+) ").Select(m => m.Groups[1].Value).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_resource_whose_reconcile_keeps_failing_is_counted_as_retrying_until_a_retry_succeeds()
    {
        await using var fx = await OperatorFixture.StartAsync();
        var host = fx.StartOperator(WithProbes());
        var url = await ProbeUrlAsync(host);
        await OperatorFixture.WaitIdleAsync(host);
        Assert.Equal(0, await RetryingAsync(url, "MtlsListener"));
        var root = TestCertificateAuthority.CreateRoot("CN=Retry Root,O=Test");
        // Every status write of the listener fails until the faults are cleared: its reconcile throws and waits out its backoff.
        fx.Server.Faults.FailFraction(1.0, InjectedFailure.InternalError, new RequestMatch(ApiCall.WriteVerbs, "mtlslisteners", "status", Ns));

        await fx.ApplyAsync(Manifests.PinnedListenerWorld(Ns, "observed", root));
        await OperatorFixture.Eventually(async () => await RetryingAsync(url, "MtlsListener") == 1, "the failing listener is counted as retrying");

        Assert.Equal(0, await RetryingAsync(url, "ServerCertificate"));
        Assert.False(host.IsIdle, "the operator reports itself idle with a failed reconcile waiting for its retry");
        fx.Server.Faults.Clear();
        // The backoff doubles from 5 ms, so the retry after the faults end can be as far away as the failures lasted.
        await fx.WaitReadyAsync("mtlslisteners", "observed", ns: Ns, timeout: TimeSpan.FromSeconds(60));
        await OperatorFixture.Eventually(async () => await RetryingAsync(url, "MtlsListener") == 0, "the listener's successful retry clears it");
    }

    private static async Task<double> RetryingAsync(string url, string kind)
    {
        var (samples, _) = PrometheusExposition.Read(await s_http.GetStringAsync(url + "/metrics?family=mtls_operator_reconcile_retrying"));
        return samples.Single(s => s.Name == "mtls_operator_reconcile_retrying" && s.Labels.GetValueOrDefault("kind") == kind).Value;
    }

    private static OperatorOptions WithProbes() => OperatorFixture.TestOptions() with { HealthPort = 0, HealthAddress = "127.0.0.1" };

    private static async Task<string> ProbeUrlAsync(OperatorHost host)
    {
        await OperatorFixture.Eventually(() => Task.FromResult(host.ProbeUrl is not null), "the probe server listens");
        return host.ProbeUrl!;
    }

    /// <summary>The exposition has a sample line of <paramref name="name"/> carrying <paramref name="label"/> among its labels.</summary>
    private static void AssertSeries(string text, string name, string label) =>
        Assert.True(Regex.IsMatch(text, $"(?m)^{Regex.Escape(name)}\\{{[^}}]*{Regex.Escape(label)}[^}}]*\\}} \\S+$"), $"no {name} series with {label} in:\n{text}");
}
