using MtlsOperator.Runtime.Throttling;
using TestApiServer;
using TestPki;

namespace MtlsOperator.Tests.Controller;

/// <summary>The API server's pushback (429 with a Retry-After, as Priority and Fairness answers a flow over its share) is waited
/// out and the request sent again, so it never surfaces as a failed reconcile.</summary>
public sealed class ApiThrottlingTests
{
    [Fact]
    public async Task Writes_the_server_answers_429_with_a_Retry_After_are_sent_again_and_no_reconcile_fails()
    {
        await using var fx = await OperatorFixture.StartAsync();
        var host = fx.StartOperator();
        await OperatorFixture.WaitIdleAsync(host);
        var mark = fx.Server.Requests.Mark();
        fx.Server.Faults.FailFraction(0.3, InjectedFailure.TooManyRequests(retryAfterSeconds: 0), RequestMatch.Writes(), seed: 21);
        var root = TestCertificateAuthority.CreateRoot("CN=Throttled Root,O=Test");

        await fx.ApplyAsync(Manifests.PinnedListenerWorld("apps", "throttled", root));
        await fx.WaitReadyAsync("mtlslisteners", "throttled", timeout: TimeSpan.FromSeconds(60));
        await fx.WaitSettledAsync(host, TimeSpan.FromSeconds(30));

        var throttled = fx.Server.Requests.Since(mark).Count(r => r is { Injected: true, StatusCode: 429 });
        Assert.True(throttled > 0, "the fault answered no write 429: the test proves nothing");
        // Only failures the throttling caused: a reconcile can also meet a 409 from its own cache being a step behind, which
        // has nothing to do with it and is retried as ever.
        Assert.DoesNotContain(fx.Log.Lines, line => line.Contains("Reconcile of", StringComparison.Ordinal) && line.Contains("TooManyRequests", StringComparison.Ordinal));
        Assert.NotNull(await fx.TryGetSecretAsync("apps", "throttled-mtls"));
    }

    [Fact]
    public async Task Under_a_client_side_limit_the_lease_is_renewed_in_time_and_the_leader_keeps_its_term()
    {
        await using var fx = await OperatorFixture.StartAsync();
        var root = TestCertificateAuthority.CreateRoot("CN=Paced Root,O=Test");
        // A backlog of reconciles under a tight limit: behind its debt a renewal would wait longer than the 1.5 s renew deadline.
        await fx.ApplyAsync(Enumerable.Range(0, 4).SelectMany(i => Manifests.PinnedListenerWorld("apps", $"paced-{i}", root)), "apps");
        var host = fx.StartOperator(OperatorFixture.TestOptions(leaderElection: true), throttling: new ClientThrottling { Qps = 4, Burst = 1 });

        for (var i = 0; i < 4; i++)
        {
            await fx.WaitReadyAsync("mtlslisteners", $"paced-{i}", timeout: TimeSpan.FromSeconds(90));
        }

        await fx.WaitSettledAsync(host, TimeSpan.FromSeconds(60));
        Assert.DoesNotContain(fx.Log.Lines, line => line.Contains("stopped leading", StringComparison.Ordinal));
        Assert.Single(fx.Log.Lines, line => line.Contains(" leads kube-system/", StringComparison.Ordinal));
    }
}
