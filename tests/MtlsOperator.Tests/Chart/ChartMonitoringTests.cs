using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using MtlsOperator.Tests.Controller;

namespace MtlsOperator.Tests.Chart;

/// <summary>The optional PrometheusRule and Grafana dashboard: well formed, and querying only series a running operator exposes.</summary>
public sealed partial class ChartMonitoringTests
{
    private static readonly JsonObject s_dashboard = JsonNode.Parse(File.ReadAllText(HelmChart.PathOf(Path.Combine("dashboards", "mtls-operator.json"))))!.AsObject();

    [Fact]
    public void Monitoring_objects_are_off_by_default()
    {
        Assert.False((bool)HelmChart.Values["prometheusRule"]!["enabled"]!);
        Assert.False((bool)HelmChart.Values["grafanaDashboard"]!["enabled"]!);
    }

    [Fact]
    public void Every_alert_has_a_severity_and_a_summary_and_covers_expiry_crls_crl_fetches_readiness_errors_and_leadership()
    {
        var rules = Alerts();

        Assert.All(rules, r =>
        {
            Assert.Contains((string?)r["labels"]!["severity"], (string[])["warning", "critical"]);
            Assert.False(string.IsNullOrWhiteSpace((string?)r["annotations"]!["summary"]));
        });
        Assert.Equal(
            ["MtlsCertificateExpired", "MtlsCertificateExpiringSoon", "MtlsCrlExpired", "MtlsCrlExpiringSoon", "MtlsCrlFetchFailing", "MtlsCrlFetchStale", "MtlsOperatorNoLeader",
             "MtlsReconcileErrors", "MtlsResourceNotReady"],
            rules.Select(r => (string)r["alert"]!).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Every_dashboard_panel_queries_prometheus_through_the_datasource_variable()
    {
        var panels = s_dashboard["panels"]!.AsArray().Select(p => p!.AsObject()).ToList();

        Assert.NotEmpty(panels);
        Assert.Equal(panels.Count, panels.Select(p => (int)p["id"]!).Distinct().Count());
        Assert.All(panels, p =>
        {
            Assert.Equal("${datasource}", (string?)p["datasource"]!["uid"]);
            Assert.All(p["targets"]!.AsArray(), t => Assert.False(string.IsNullOrWhiteSpace((string?)t!["expr"])));
        });
    }

    [Fact]
    public async Task Alerts_and_dashboard_query_only_series_a_running_operator_exposes()
    {
        await using var world = await ObservedWorld.StartAsync();
        var exposed = (await world.SamplesAsync()).Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        var expressions = Alerts().Select(r => (string)r["expr"]!)
            .Concat(s_dashboard["panels"]!.AsArray().SelectMany(p => p!["targets"]!.AsArray()).Select(t => (string)t!["expr"]!))
            .Append((string)s_dashboard["templating"]!["list"]!.AsArray().Single(v => (string?)v!["name"] == "job")!["query"]!)
            .ToList();

        var queried = expressions.SelectMany(e => SeriesName().Matches(e).Select(m => m.Value)).ToHashSet(StringComparer.Ordinal);

        Assert.NotEmpty(queried);
        Assert.All(queried, name => Assert.True(exposed.Contains(name), $"{name} is queried but not exposed; exposed: {string.Join(" ", exposed.Order(StringComparer.Ordinal))}"));
    }

    private static List<JsonObject> Alerts()
    {
        var skeleton = HelmChart.Template("templates/prometheusrule.yaml");
        return [.. skeleton.Documents.Single()["spec"]!["groups"]!.AsArray().SelectMany(g => g!["rules"]!.AsArray()).Select(r => r!.AsObject())];
    }

    [GeneratedRegex(@"\b(?:mtls_operator|http_client)_[a-z0-9_]+\b")]
    private static partial Regex SeriesName();
}
