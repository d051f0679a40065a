using MtlsOperator.Tests.Cli;

namespace MtlsOperator.Tests.Controller;

/// <summary>Level-based and idempotent: reconciling an unchanged world issues no write at all (no output, status, event or anything else).</summary>
public sealed class ZeroWriteTests
{
    [Fact]
    public async Task Resyncing_every_key_of_a_converged_world_issues_no_writes()
    {
        await using var fx = await OperatorFixture.StartAsync();
        var host = fx.StartOperator(OperatorFixture.TestOptions() with { ResyncPeriod = TimeSpan.FromMilliseconds(200) });
        await fx.ApplyAsync(new ListenerManifests().Yaml());
        await ExampleFolder.ApplyAsync(fx, "02-many-to-one-corporate");
        await fx.WaitReadyAsync("mtlslisteners", "agent");
        await fx.WaitReadyAsync("mtlslisteners", "payments-api", ns: "payments");
        await fx.WaitSettledAsync(host);

        var mark = fx.Server.Requests.Mark();
        var reconciles = host.ReconcileCount;
        // Eight resources; two full resync rounds re-queue each of them at least twice.
        await OperatorFixture.Eventually(() => Task.FromResult(host.ReconcileCount >= reconciles + 16 && host.IsIdle), "two resync rounds ran");

        Assert.Empty(fx.Server.Requests.WritesSince(mark));
    }

    [Fact]
    public async Task A_restarted_operator_keeps_the_self_signed_bootstrap_certificate_and_writes_nothing()
    {
        await using var fx = await OperatorFixture.StartAsync();
        var first = fx.StartOperator();
        await ExampleFolder.ApplyAsync(fx, "05-self-signed-bootstrap");
        await fx.WaitReadyAsync("mtlslisteners", "inventory-api", ns: "inventory");
        await OperatorFixture.WaitIdleAsync(first);
        var output = await fx.TryGetSecretAsync("inventory", "inventory-api-mtls");
        await fx.StopAsync(first);

        var mark = fx.Server.Requests.Mark();
        var second = fx.StartOperator();
        await OperatorFixture.Eventually(() => Task.FromResult(second.ReconcileCount >= 4 && second.IsIdle), "the restarted operator reconciled everything");

        Assert.Empty(fx.Server.Requests.WritesSince(mark));
        var after = await fx.TryGetSecretAsync("inventory", "inventory-api-mtls");
        Assert.Equal(output!.Metadata.ResourceVersion, after!.Metadata.ResourceVersion);
    }

    [Fact]
    public async Task Relisting_after_expired_resource_versions_issues_no_writes()
    {
        await using var fx = await OperatorFixture.StartAsync();
        var host = fx.StartOperator();
        await fx.ApplyAsync(new ListenerManifests().Yaml());
        await fx.WaitReadyAsync("mtlslisteners", "agent");
        // Idle is not enough: until the watch brings the echo of the operator's own last status write, its cache holds the status
        // before it, and a reconcile the relist queues in that window can write against the older resourceVersion (a 409, then
        // "already so") — a cold start's write, not the relist's.
        await fx.WaitSettledAsync(host);
        var mark = fx.Server.Requests.Mark();

        fx.ExpireEveryWatch();

        // Ten informers (the seven kinds, Secrets, ConfigMaps, injected Pods), each answered with 410 Gone, list again.
        await OperatorFixture.Eventually(() => Task.FromResult(fx.Server.Requests.Since(mark).Where(r => r.Verb == "list").Select(r => r.Resource).Distinct().Count() == 10), "every informer relisted");
        await fx.WaitSettledAsync(host);
        Assert.Empty(fx.Server.Requests.WritesSince(mark));
    }
}
