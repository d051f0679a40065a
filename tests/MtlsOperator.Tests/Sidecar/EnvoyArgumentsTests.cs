using MtlsOperator.Sidecar;

namespace MtlsOperator.Tests.Sidecar;

/// <summary>Envoy cannot run here: its command line is checked instead (hot restart by epoch, drain bounded by the drain timeout).</summary>
public sealed class EnvoyArgumentsTests
{
    [Fact]
    public void Each_restart_is_a_hot_restart_with_the_next_epoch_that_drains_the_old_process_within_the_drain_timeout()
    {
        var first = EnvoyDriver.Arguments("/etc/mtls/envoy.yaml", 0, TimeSpan.FromSeconds(20));
        var second = EnvoyDriver.Arguments("/etc/mtls/envoy.yaml", 1, TimeSpan.FromSeconds(20));

        Assert.Equal(["-c", "/etc/mtls/envoy.yaml", "--restart-epoch", "0", "--drain-time-s", "20", "--parent-shutdown-time-s", "25", "--drain-strategy", "gradual"], first);
        Assert.Equal("1", second[3]);
        Assert.True(int.Parse(second[7], System.Globalization.CultureInfo.InvariantCulture) > int.Parse(second[5], System.Globalization.CultureInfo.InvariantCulture),
            "the parent must outlive its drain, or open connections are cut");
    }
}
