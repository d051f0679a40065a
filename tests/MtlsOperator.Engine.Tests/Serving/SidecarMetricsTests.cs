using MtlsOperator.Engine.Serving;

namespace MtlsOperator.Engine.Tests.Serving;

public sealed class SidecarMetricsTests
{
    private const string Hash = "sha256:ab7ccebcdf777652a64bcb883c0b4a3e0d02e5a10f480bf0cadaba518e9016cd";

    [Fact]
    public void Exposes_the_served_hash_reloads_rejections_and_expiry_of_a_serving_sidecar()
    {
        var report = new SidecarReport("haproxy", SidecarState.Serving, Hash, "sha256:" + new string('1', 64), "[ALERT] parsing", 4, DateTimeOffset.UnixEpoch,
            DateTimeOffset.FromUnixTimeSeconds(1_900_000_000));

        var lines = SidecarMetrics.Render(report, 2).Split('\n');

        Assert.Contains($"mtls_sidecar_served_config_info{{proxy=\"haproxy\",hash=\"{Hash}\"}} 1", lines);
        Assert.Contains("mtls_sidecar_ready{proxy=\"haproxy\"} 1", lines);
        Assert.Contains("mtls_sidecar_reloads_total{proxy=\"haproxy\"} 4", lines);
        Assert.Contains("mtls_sidecar_rejected_configs_total{proxy=\"haproxy\"} 2", lines);
        Assert.Contains("mtls_sidecar_config_rejected{proxy=\"haproxy\"} 1", lines);
        Assert.Contains("mtls_sidecar_served_certificate_expiry_timestamp_seconds{proxy=\"haproxy\"} 1900000000", lines);
        Assert.Contains("# TYPE mtls_sidecar_reloads_total counter", lines);
    }

    [Fact]
    public void A_starting_sidecar_is_not_ready_and_names_no_served_hash()
    {
        var text = SidecarMetrics.Render(new SidecarReport("nginx", SidecarState.Starting, null, null, null, 0, null, null), 0);

        Assert.Contains("mtls_sidecar_ready{proxy=\"nginx\"} 0\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("hash=", text, StringComparison.Ordinal);
        Assert.DoesNotContain("expiry_timestamp_seconds{", text, StringComparison.Ordinal);
    }
}
