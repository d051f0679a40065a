using MtlsOperator.Tests.Cli;

namespace MtlsOperator.Tests.Controller;

/// <summary>Without faults, the operator's own writes racing its caches do not surface as failed reconciles (no error noise, no backoff).</summary>
public sealed class CleanConvergenceTests
{
    [Fact]
    public async Task A_fault_free_world_renders_and_rotates_without_a_single_failed_reconcile()
    {
        await using var fx = await OperatorFixture.StartAsync();
        var host = fx.StartOperator();
        var manifests = new ListenerManifests();
        await fx.ApplyAsync(manifests.Yaml());
        await fx.WaitReadyAsync("mtlslisteners", "agent");
        var renewed = manifests.Root.IssueServer("agent.example.com");
        await fx.ApplyAsync(Manifests.TlsSecret("apps", "agent-tls", renewed));
        await fx.WaitServedAsync(renewed, "the renewed certificate is served");
        await fx.WaitSettledAsync(host);

        // Writes from a stale cache still meet 409 (optimistic concurrency at work); they just need no retry.
        Assert.DoesNotContain(fx.Log.Lines, l => l.Contains("failed (attempt", StringComparison.Ordinal));
    }
}
