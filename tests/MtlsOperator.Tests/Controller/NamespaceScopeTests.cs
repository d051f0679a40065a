using MtlsOperator.Tests.Cli;

namespace MtlsOperator.Tests.Controller;

/// <summary>An operator configured for a list of namespaces reconciles those and never touches the rest.</summary>
public sealed class NamespaceScopeTests
{
    [Fact]
    public async Task Resources_outside_the_watched_namespaces_are_left_alone()
    {
        await using var fx = await OperatorFixture.StartAsync();
        var host = fx.StartOperator(OperatorFixture.TestOptions() with { Namespaces = ["team-b"] });
        var yaml = new ListenerManifests().Yaml();

        await fx.ApplyAsync(yaml);
        await fx.ApplyAsync(yaml.Replace("namespace: apps", "namespace: team-b", StringComparison.Ordinal), "team-b");

        await fx.WaitReadyAsync("mtlslisteners", "agent", ns: "team-b");
        await OperatorFixture.WaitIdleAsync(host);
        Assert.NotNull(await fx.TryGetSecretAsync("team-b", "agent-mtls"));
        Assert.Null(await fx.TryGetSecretAsync("apps", "agent-mtls"));
        Assert.Null(await fx.ReadyAsync("mtlslisteners", "agent", "apps"));
        var writes = fx.TrafficOf(host).Writes;
        Assert.Contains(writes, w => w.Contains("/namespaces/team-b/", StringComparison.Ordinal));
        Assert.DoesNotContain(writes, w => w.Contains("/namespaces/apps/", StringComparison.Ordinal));
    }
}
