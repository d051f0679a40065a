using MtlsOperator.Tests.Cli;
using TestApiServer;

namespace MtlsOperator.Tests.Controller;

/// <summary>Watches that drop, failed writes, throttling, latency and 410 Gone only delay convergence.</summary>
public sealed class FaultConvergenceTests
{
    public static TheoryData<string> Faults => new() { "dropped-watches", "conflicts", "internal-errors", "throttling", "latency", "expired-resource-versions" };

    [Theory]
    [MemberData(nameof(Faults))]
    public async Task The_operator_converges_under_the_fault_to_a_state_that_resyncs_with_zero_writes(string fault)
    {
        await using var fx = await OperatorFixture.StartAsync();
        var host = fx.StartOperator(OperatorFixture.TestOptions() with { ResyncPeriod = TimeSpan.FromMilliseconds(300) });
        await OperatorFixture.WaitIdleAsync(host);
        Inject(fx, fault);
        var manifests = new ListenerManifests();

        await fx.ApplyAsync(manifests.Yaml());
        // A change on top of the first render: a second round of writes under the same fault.
        var renewed = manifests.Root.IssueServer("agent.example.com");
        await fx.WaitReadyAsync("mtlslisteners", "agent", timeout: TimeSpan.FromSeconds(30));
        Inject(fx, fault);
        await fx.ApplyAsync(Manifests.TlsSecret("apps", "agent-tls", renewed));

        await fx.WaitServedAsync(renewed, "the renewed certificate is rendered", TimeSpan.FromSeconds(30));
        await fx.WaitReadyAsync("trustbundles", "corp");
        await fx.WaitReadyAsync("servercertificates", "agent");
        await fx.WaitReadyAsync("clientauthpolicies", "controller-only");
        await fx.WaitReadyAsync("mtlslisteners", "agent");

        fx.Server.Faults.Clear();
        await fx.WaitSettledAsync(host, TimeSpan.FromSeconds(30));
        var mark = fx.Server.Requests.Mark();
        var reconciles = host.ReconcileCount;
        await OperatorFixture.Eventually(() => Task.FromResult(host.ReconcileCount >= reconciles + 8 && host.IsIdle), "two resync rounds ran");
        Assert.Empty(fx.Server.Requests.WritesSince(mark));
    }

    private static void Inject(OperatorFixture fx, string fault)
    {
        var faults = fx.Server.Faults;
        var operatorWrites = RequestMatch.Writes();
        switch (fault)
        {
            case "dropped-watches":
                faults.DropAllWatches();
                faults.CloseWatchesAfterEvents = 2;
                break;
            case "conflicts":
                faults.FailFraction(0.3, InjectedFailure.Conflict, operatorWrites, seed: 7);
                break;
            case "internal-errors":
                faults.FailFraction(0.3, InjectedFailure.InternalError, operatorWrites, seed: 11);
                break;
            case "throttling":
                faults.FailFraction(0.3, InjectedFailure.TooManyRequests(), operatorWrites, seed: 13);
                break;
            case "latency":
                faults.AddLatency(TimeSpan.FromMilliseconds(50));
                break;
            case "expired-resource-versions":
                fx.ExpireEveryWatch();
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(fault), fault, "unknown fault");
        }
    }
}
