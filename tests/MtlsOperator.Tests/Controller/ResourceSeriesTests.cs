using System.Text;
using System.Text.RegularExpressions;
using k8s.Models;
using MtlsOperator.Controller;
using MtlsOperator.Engine.Api;
using MtlsOperator.Engine.Evaluation;

namespace MtlsOperator.Tests.Controller;

/// <summary>The per-resource gauges of <c>/metrics</c> (expiry, ready status) have one series per resource however many there are: an
/// alert on one certificate out of thousands must still see it.</summary>
public sealed partial class ResourceSeriesTests
{
    [Fact]
    public void Every_one_of_5000_resources_has_its_expiry_and_ready_series()
    {
        const int Resources = 5000;
        using var metrics = new OperatorMetrics(TimeProvider.System);
        var expiry = new DateTime(2027, 3, 1, 12, 0, 0, DateTimeKind.Utc);
        for (var i = 0; i < Resources; i++)
        {
            var key = new ResourceKey(ServerCertificate.KindName, "team-" + (i % 7), "cert-" + i);
            metrics.RecordExpiry(key, expiry.AddSeconds(i));
            metrics.RecordReady(key, [new V1Condition { Type = ConditionTypes.Ready, Status = i % 2 == 0 ? "True" : "False" }]);
        }

        var text = new StringBuilder();
        metrics.WriteResourceSeries(text);
        var lines = text.ToString().Split('\n');

        var timestamps = lines.Where(l => l.StartsWith("mtls_operator_certificate_expiration_timestamp_seconds{", StringComparison.Ordinal)).ToList();
        Assert.Equal(Resources, timestamps.Count);
        Assert.Contains($"mtls_operator_certificate_expiration_timestamp_seconds{{kind=\"ServerCertificate\",namespace=\"team-{4999 % 7}\",name=\"cert-4999\"}} " +
            (new DateTimeOffset(expiry.AddSeconds(4999)).ToUnixTimeSeconds()).ToString(System.Globalization.CultureInfo.InvariantCulture), timestamps);
        Assert.Equal(3 * Resources, lines.Count(l => l.StartsWith("mtls_operator_resource_ready_status{", StringComparison.Ordinal)));
        Assert.Equal(Resources, lines.Count(l => ReadyTrue().IsMatch(l)));
        Assert.Contains("mtls_operator_resource_ready_status{kind=\"ServerCertificate\",namespace=\"team-1\",name=\"cert-1\",condition=\"False\"} 1", lines);
        Assert.Equal(3, lines.Count(l => l.StartsWith("# TYPE ", StringComparison.Ordinal)));
    }

    [Fact]
    public void A_forgotten_resource_has_no_series_and_label_values_are_escaped()
    {
        using var metrics = new OperatorMetrics(TimeProvider.System);
        var gone = new ResourceKey(MtlsListener.KindName, "ns", "gone");
        var odd = new ResourceKey(MtlsListener.KindName, "ns", "a\"b\\c");
        metrics.RecordReady(gone, []);
        metrics.RecordReady(odd, []);
        metrics.Forget(gone);

        var text = new StringBuilder();
        metrics.WriteResourceSeries(text);

        Assert.DoesNotContain("name=\"gone\"", text.ToString(), StringComparison.Ordinal);
        Assert.Contains("name=\"a\\\"b\\\\c\",condition=\"Unknown\"} 1", text.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Only_the_named_families_are_written_when_asked()
    {
        using var metrics = new OperatorMetrics(TimeProvider.System);
        var key = new ResourceKey(ServerCertificate.KindName, "ns", "one");
        metrics.RecordExpiry(key, new DateTime(2027, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        metrics.RecordReady(key, []);

        var text = new StringBuilder();
        metrics.WriteResourceSeries(text, name => name == "mtls_operator_certificate_expiry_seconds");

        Assert.All(text.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries), l => Assert.Contains("mtls_operator_certificate_expiry_seconds", l, StringComparison.Ordinal));
        Assert.Contains("mtls_operator_certificate_expiry_seconds{kind=\"ServerCertificate\",namespace=\"ns\",name=\"one\"}", text.ToString(), StringComparison.Ordinal);
    }

    [GeneratedRegex("^mtls_operator_resource_ready_status\\{[^}]*\\} 1$")]
    private static partial Regex ReadyTrue();
}
