namespace MtlsOperator.Tests.Cli;

public sealed class SidecarCommandTests
{
    [Theory]
    [InlineData("sidecar")]
    [InlineData("sidecar", "--proxy", "haproxy")]
    [InlineData("sidecar", "--mount", "/etc/mtls")]
    [InlineData("sidecar", "--proxy", "traefik", "--mount", "/etc/mtls")]
    [InlineData("sidecar", "--proxy", "haproxy", "--mount", "/etc/mtls", "--status-port", "port")]
    [InlineData("sidecar", "--proxy", "haproxy", "--mount", "/etc/mtls", "extra")]
    public void Without_a_known_proxy_and_a_mount_or_with_a_bad_value_it_prints_usage_and_exits_2(params string[] args)
    {
        var (exit, _, stderr) = CliRunner.Run(args);

        Assert.Equal(2, exit);
        Assert.Contains("usage: mtls-operator sidecar", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void The_top_level_help_lists_the_sidecar()
    {
        Assert.Contains("sidecar --proxy", CliRunner.Run("--help").Stdout, StringComparison.Ordinal);
    }
}
