using MtlsOperator.Runtime;
using TestApiServer;
using Xunit.Abstractions;

namespace MtlsOperator.Runtime.Tests;

public sealed class LeaseElectionTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Ns = "operators";
    private readonly string _lease = $"mtls-operator-{Guid.NewGuid():N}";
    private TestKubeApiServer _server = null!;
    private int _leading;
    private int _mostLeadingAtOnce;

    public async Task InitializeAsync() => _server = await TestKubeApiServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Of_two_candidates_for_one_lease_only_one_leads_and_stopping_it_hands_over()
    {
        using var client = _server.CreateClient();
        var first = Candidate(client, "first");
        var second = Candidate(client, "second");
        using var stopFirst = new CancellationTokenSource();
        using var stopSecond = new CancellationTokenSource();
        var runningFirst = first.RunAsync(WorkUntilCancelled, stopFirst.Token);
        var runningSecond = second.RunAsync(WorkUntilCancelled, stopSecond.Token);

        await Eventually.TrueAsync(() => first.IsLeader ^ second.IsLeader, "one candidate leads");
        var (leader, standby, stopLeader, runningLeader) = first.IsLeader
            ? (first, second, stopFirst, runningFirst)
            : (second, first, stopSecond, runningSecond);
        await stopLeader.CancelAsync();
        await runningLeader.WaitAsync(Eventually.DefaultTimeout);

        await Eventually.TrueAsync(() => standby.IsLeader, "the standby took over");
        Assert.False(leader.IsLeader);
        Assert.Equal(1, _mostLeadingAtOnce);
        await stopFirst.CancelAsync();
        await stopSecond.CancelAsync();
        await Task.WhenAll(runningFirst, runningSecond).WaitAsync(Eventually.DefaultTimeout);
    }

    [Fact]
    public async Task Work_stops_when_the_lease_can_no_longer_be_renewed()
    {
        using var client = _server.CreateClient();
        var candidate = Candidate(client, "only");
        var termEnded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var stop = new CancellationTokenSource();
        var running = candidate.RunAsync(
            async token =>
            {
                await WorkUntilCancelled(token);
                termEnded.TrySetResult();
            },
            stop.Token);
        await Eventually.TrueAsync(() => candidate.IsLeader, "the candidate leads");

        _server.Faults.FailFraction(1.0, InjectedFailure.InternalError, RequestMatch.Verb("update", "leases"));

        await termEnded.Task.WaitAsync(Eventually.DefaultTimeout);
        Assert.False(candidate.IsLeader);
        _server.Faults.Clear();
        await Eventually.TrueAsync(() => candidate.IsLeader && candidate.Terms == 2, "leadership was regained once renewals worked again");
        await stop.CancelAsync();
        await running.WaitAsync(Eventually.DefaultTimeout);
    }

    private LeaseElection Candidate(k8s.IKubernetes client, string identity) => new(
        client,
        new LeaseElectionOptions(Ns, _lease, identity)
        {
            LeaseDuration = TimeSpan.FromSeconds(2),
            RenewDeadline = TimeSpan.FromSeconds(1),
            RetryPeriod = TimeSpan.FromMilliseconds(100),
        },
        new TestOutputLogger(output));

    private async Task WorkUntilCancelled(CancellationToken token)
    {
        var now = Interlocked.Increment(ref _leading);
        if (now > Volatile.Read(ref _mostLeadingAtOnce))
        {
            Volatile.Write(ref _mostLeadingAtOnce, now);
        }

        try
        {
            await Task.Delay(Timeout.Infinite, token);
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            Interlocked.Decrement(ref _leading);
        }
    }
}
