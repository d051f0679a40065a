using MtlsOperator.Tests.Chart;

namespace MtlsOperator.Tests.Cli;

/// <summary>The command line a person explores: help for every command, a version, and a clear word for a typo.</summary>
public sealed class CommandLineHelpTests
{
    [Theory]
    [InlineData("render")]
    [InlineData("thumbprint")]
    [InlineData("check")]
    [InlineData("inject")]
    [InlineData("crds")]
    [InlineData("run")]
    [InlineData("sidecar")]
    [InlineData("version")]
    public void Every_command_prints_its_own_usage_for_help_and_exits_0(string command)
    {
        foreach (var flag in new[] { "--help", "-h" })
        {
            var (exit, stdout, stderr) = CliRunner.Run(command, flag);

            Assert.Equal(0, exit);
            Assert.StartsWith($"usage: mtls-operator {command}", stdout.TrimStart(), StringComparison.Ordinal);
            Assert.Equal("", stderr);
        }
    }

    [Fact]
    public void Help_after_other_arguments_still_prints_usage_without_running_the_command()
    {
        var (exit, stdout, _) = CliRunner.Run("render", "-f", "/nonexistent", "--help");

        Assert.Equal(0, exit);
        Assert.Contains("usage: mtls-operator render", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Version_prints_the_version_the_chart_deploys()
    {
        var (exit, stdout, _) = CliRunner.Run("version");

        Assert.Equal(0, exit);
        Assert.StartsWith($"mtls-operator {(string)HelmChart.ReadObject("Chart.yaml")["appVersion"]!}", stdout, StringComparison.Ordinal);
        Assert.Equal(stdout, CliRunner.Run("--version").Stdout);
    }

    [Fact]
    public void An_unknown_command_is_named_and_exits_2_with_the_list_of_commands()
    {
        var (exit, stdout, stderr) = CliRunner.Run("rendr", "-f", "examples/");

        Assert.Equal(2, exit);
        Assert.Equal("", stdout);
        Assert.StartsWith("error: unknown command 'rendr'", stderr, StringComparison.Ordinal);
        Assert.Contains("render -f PATH", stderr, StringComparison.Ordinal);
    }
}
