using Microsoft.Extensions.Time.Testing;
using MtlsOperator.Controller;

namespace MtlsOperator.Tests.Controller;

/// <summary>When the operator compacts its memory: once after each burst of work, when it has been idle for a moment, never for a trickle.</summary>
public sealed class IdleCompactionTests
{
    private readonly FakeTimeProvider _time = new();
    private volatile bool _idle;
    private long _reconciles;
    private int _releases;

    [Fact]
    public async Task A_burst_of_reconciles_is_compacted_once_the_operator_has_been_idle_for_two_polls()
    {
        var (compaction, stop, run) = Start();
        Interlocked.Add(ref _reconciles, IdleCompaction.MinimumReconciles);
        await PollsAsync(3);
        Assert.Equal(0, compaction.Compactions);

        _idle = true;
        await PollsAsync(1);
        Assert.Equal(0, compaction.Compactions);
        await PollsAsync(1);
        await OperatorFixture.Eventually(() => Task.FromResult(compaction.Compactions == 1), "the burst was compacted");
        await PollsAsync(5);
        Assert.Equal(1, compaction.Compactions);
        Assert.Equal(1, Volatile.Read(ref _releases));
        await StopAsync(stop, run);
    }

    [Fact]
    public async Task A_trickle_of_changes_is_never_compacted_and_the_next_burst_is()
    {
        var (compaction, stop, run) = Start();
        _idle = true;
        for (var i = 0; i < 10; i++)
        {
            Interlocked.Add(ref _reconciles, (IdleCompaction.MinimumReconciles / 10) - 1);
            await PollsAsync(3);
        }

        Assert.Equal(0, compaction.Compactions);
        Interlocked.Add(ref _reconciles, IdleCompaction.MinimumReconciles);
        await PollsAsync(2);
        await OperatorFixture.Eventually(() => Task.FromResult(compaction.Compactions == 1), "the burst was compacted");
        await StopAsync(stop, run);
    }

    private (IdleCompaction Compaction, CancellationTokenSource Stop, Task Run) Start()
    {
        var compaction = new IdleCompaction(() => _idle, () => Interlocked.Read(ref _reconciles), () => Interlocked.Increment(ref _releases), _time);
        var stop = new CancellationTokenSource();
        return (compaction, stop, compaction.RunAsync(stop.Token));
    }

    // Each poll: the timer fires on the fake clock, then the loop gets a moment to run on the thread pool.
    private async Task PollsAsync(int count)
    {
        for (var i = 0; i < count; i++)
        {
            _time.Advance(IdleCompaction.Poll);
            await Task.Delay(50);
        }
    }

    private static async Task StopAsync(CancellationTokenSource stop, Task run)
    {
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
        stop.Dispose();
    }
}
