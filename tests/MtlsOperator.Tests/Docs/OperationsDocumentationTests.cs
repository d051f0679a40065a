using System.Text.RegularExpressions;
using MtlsOperator.Engine.Serving;
using MtlsOperator.Tests.Chart;
using MtlsOperator.Tests.Controller;

namespace MtlsOperator.Tests.Docs;

/// <summary>docs/operations.md names exactly the metrics a running operator and a sidecar expose, and describes every alert of the chart.</summary>
public sealed partial class OperationsDocumentationTests
{
    private const string RelativePath = "docs/operations.md";
    private static readonly HttpClient s_http = new() { Timeout = TimeSpan.FromSeconds(30) };

    private static string Page => File.ReadAllText(RepositoryRoot.Combine(RelativePath));

    [Fact]
    public async Task Every_metric_family_a_running_operator_exposes_is_on_the_page_and_every_operator_metric_on_it_is_exposed()
    {
        await using var world = await ObservedWorld.StartAsync();
        var families = Families(await s_http.GetStringAsync(world.MetricsUrl));
        var page = Page;

        // The operator's own metrics by name; the platform's (.NET runtime, HTTP client, DNS) by their prefix, e.g. `dotnet_*`.
        var missing = families.Where(f => f.StartsWith("mtls_operator_", StringComparison.Ordinal)
            ? !page.Contains($"`{f}`", StringComparison.Ordinal)
            : !Prefixes(f).Any(p => page.Contains($"`{p}*`", StringComparison.Ordinal))).ToList();
        // A counter is exposed from its first measurement (a retry, an error): named on the page, it must at least be an instrument in src/
        // (its exposed name is the instrument's with the unit's suffix and _total, e.g. `..._wait_seconds_total`).
        var instruments = InstrumentNames();
        var stale = OperatorNames().Matches(page).Select(m => m.Value).Distinct()
            .Where(n => !families.Contains(n) && !instruments.Contains(Regex.Replace(n, "(_seconds)?(_total)?$", ""))).ToList();

        Assert.True(missing.Count == 0, $"{RelativePath} does not name these exposed metrics (add a row: name, type, labels, what it tells you): {string.Join(", ", missing)}");
        Assert.True(stale.Count == 0, $"{RelativePath} names metrics the operator neither exposes nor defines: {string.Join(", ", stale)}; exposed: {string.Join(", ", families)}");
    }

    [Fact]
    public void Every_sidecar_metric_is_on_the_page_and_every_sidecar_metric_on_it_exists()
    {
        var report = new SidecarReport("haproxy", SidecarState.Serving, "sha256:aa", "sha256:bb", "refused", 3, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch);
        var families = Families(SidecarMetrics.Render(report, rejectedConfigs: 1));
        var page = Page;

        var missing = families.Where(f => !page.Contains($"`{f}`", StringComparison.Ordinal)).ToList();
        var stale = SidecarNames().Matches(page).Select(m => m.Value).Distinct().Where(n => !families.Contains(n)).ToList();

        Assert.True(missing.Count == 0, $"{RelativePath} does not name these sidecar metrics: {string.Join(", ", missing)}");
        Assert.True(stale.Count == 0, $"{RelativePath} names sidecar metrics that do not exist: {string.Join(", ", stale)}");
    }

    [Fact]
    public void Every_alert_of_the_charts_prometheus_rule_is_described()
    {
        var alerts = AlertNames().Matches(File.ReadAllText(HelmChart.PathOf(Path.Combine("templates", "prometheusrule.yaml")))).Select(m => m.Groups[1].Value).ToList();

        Assert.NotEmpty(alerts);
        Assert.All(alerts, a => Assert.True(Page.Contains($"| `{a}` |", StringComparison.Ordinal), $"{RelativePath} has no row for the alert {a}"));
    }

    [Fact]
    public void The_readme_links_the_page()
    {
        Assert.Contains("](docs/operations.md)", File.ReadAllText(RepositoryRoot.Combine("README.md")), StringComparison.Ordinal);
    }

    /// <summary>The metric family names of a Prometheus text exposition (its TYPE lines).</summary>
    private static HashSet<string> Families(string exposition) =>
        [.. TypeLine().Matches(exposition).Select(m => m.Groups[1].Value)];

    /// <summary>The operator's instrument names in src/ (<c>mtls_operator.reconcile.total</c>), spelled as the exporter spells them without
    /// the unit or <c>_total</c> suffix (<c>mtls_operator_reconcile_total</c> stays, as the exporter keeps a name already ending in _total).</summary>
    private static HashSet<string> InstrumentNames() =>
        [.. Directory.EnumerateFiles(RepositoryRoot.Combine("src"), "*.cs", SearchOption.AllDirectories)
            .SelectMany(f => InstrumentName().Matches(File.ReadAllText(f)).Select(m => m.Groups[1].Value.Replace('.', '_')))
            .SelectMany(n => new[] { n, Regex.Replace(n, "_total$", "") })];

    private static IEnumerable<string> Prefixes(string name) =>
        name.Select((c, i) => (c, i)).Where(x => x.c == '_').Select(x => name[..(x.i + 1)]);

    [GeneratedRegex(@"^# TYPE (\S+) ", RegexOptions.Multiline)]
    private static partial Regex TypeLine();

    // Names as written in the page, not followed by '*' (a prefix) or by a histogram's series suffix.
    [GeneratedRegex(@"\bmtls_operator_[a-z0-9_]*[a-z0-9](?![a-z0-9_*])")]
    private static partial Regex OperatorNames();

    [GeneratedRegex(@"\bmtls_sidecar_[a-z0-9_]*[a-z0-9](?![a-z0-9_*])")]
    private static partial Regex SidecarNames();

    [GeneratedRegex(@"Create\w*(?:<\w+>)?\(\s*""(mtls_operator\.[a-z0-9_.]+)""")]
    private static partial Regex InstrumentName();

    [GeneratedRegex(@"^\s*- alert: (\S+)", RegexOptions.Multiline)]
    private static partial Regex AlertNames();
}
