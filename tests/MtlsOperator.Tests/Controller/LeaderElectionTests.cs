using k8s;
using MtlsOperator.Controller;
using MtlsOperator.Tests.Cli;

namespace MtlsOperator.Tests.Controller;

/// <summary>Two replicas, one Lease: only the holder reconciles and writes; a stopped or cut-off leader hands over.</summary>
public sealed class LeaderElectionTests
{
    [Fact]
    public async Task Only_the_leader_writes_and_a_stopped_leader_hands_over_to_the_standby_which_converges_later_changes()
    {
        await using var fx = await OperatorFixture.StartAsync();
        var (first, second) = await StartReplicasAsync(fx);
        var manifests = new ListenerManifests();

        await fx.ApplyAsync(manifests.Yaml());
        await fx.WaitReadyAsync("mtlslisteners", "agent");
        await fx.WaitSettledAsync(first);

        Assert.Equal("replica-a", await HolderAsync(fx));
        Assert.False(second.IsLeading);
        Assert.Equal(0, second.ReconcileCount);
        Assert.Empty(fx.TrafficOf(second).Writes);
        Assert.Contains(fx.TrafficOf(first).Writes, w => w.EndsWith("/secrets", StringComparison.Ordinal));

        await fx.StopAsync(first);
        await OperatorFixture.Eventually(() => Task.FromResult(second.IsLeading), "replica-b leads");
        var renewed = manifests.Root.IssueServer("agent.example.com");
        await fx.ApplyAsync(Manifests.TlsSecret("apps", "agent-tls", renewed));

        await fx.WaitServedAsync(renewed, "the new leader renders the renewed certificate");
        Assert.Equal("replica-b", await HolderAsync(fx));
        Assert.Contains(fx.TrafficOf(second).Writes, w => w.EndsWith("/secrets/agent-mtls", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_leader_cut_off_from_the_server_stops_reconciling_and_the_standby_takes_over()
    {
        await using var fx = await OperatorFixture.StartAsync();
        var (first, second) = await StartReplicasAsync(fx);
        var manifests = new ListenerManifests();
        await fx.ApplyAsync(manifests.Yaml());
        await fx.WaitReadyAsync("mtlslisteners", "agent");

        // No release happens: the lease must expire, and the old leader must give up on its own (RenewDeadline).
        fx.TrafficOf(first).Partitioned = true;

        await OperatorFixture.Eventually(() => Task.FromResult(!first.IsLeading), "the cut-off leader stops leading");
        await OperatorFixture.Eventually(() => Task.FromResult(second.IsLeading), "replica-b leads");
        var renewed = manifests.Root.IssueServer("agent.example.com");
        await fx.ApplyAsync(Manifests.TlsSecret("apps", "agent-tls", renewed));
        await fx.WaitServedAsync(renewed, "the new leader renders the renewed certificate");

        // Back on the network, the old leader finds the lease held and stays a standby that writes nothing.
        var writesBefore = fx.TrafficOf(first).Writes.Count;
        fx.TrafficOf(first).Partitioned = false;
        await fx.ApplyAsync(Manifests.TlsSecret("apps", "agent-tls", manifests.Root.IssueServer("agent.example.com")));
        await fx.WaitSettledAsync(second);
        Assert.False(first.IsLeading);
        Assert.Equal(writesBefore, fx.TrafficOf(first).Writes.Count);
        Assert.Equal("replica-b", await HolderAsync(fx));
    }

    [Fact]
    public async Task A_standby_taking_over_from_a_stopped_leader_recalls_the_converged_world_the_leader_saved()
    {
        await using var fx = await OperatorFixture.StartAsync();
        var (first, second) = await StartReplicasAsync(fx);
        await fx.ApplyAsync(new ListenerManifests().Yaml());
        await fx.WaitReadyAsync("mtlslisteners", "agent");
        await fx.WaitSettledAsync(first);

        await fx.StopAsync(first);
        await OperatorFixture.Eventually(() => Task.FromResult(second.IsLeading), "replica-b leads");

        // Bundle, certificate, policy and listener, none evaluated again, nothing written.
        await OperatorFixture.Eventually(() => Task.FromResult(second.IsIdle && second.ConvergedRecalls >= 4), "replica-b recalled every resource");
        Assert.Equal(0, second.Reuse?.CertificatesEvaluated);
        Assert.DoesNotContain(fx.TrafficOf(second).Writes, w => !w.Contains("/leases", StringComparison.Ordinal));
    }

    /// <summary>Starts replica-a, waits until it leads, then starts replica-b as its standby.</summary>
    private static async Task<(OperatorHost First, OperatorHost Second)> StartReplicasAsync(OperatorFixture fx)
    {
        var first = fx.StartOperator(OperatorFixture.TestOptions("replica-a", leaderElection: true));
        await OperatorFixture.Eventually(() => Task.FromResult(first.IsLeading), "replica-a leads");
        return (first, fx.StartOperator(OperatorFixture.TestOptions("replica-b", leaderElection: true)));
    }

    private static async Task<string?> HolderAsync(OperatorFixture fx) =>
        (await fx.Client.CoordinationV1.ReadNamespacedLeaseAsync("mtls-operator", "kube-system")).Spec.HolderIdentity;
}
