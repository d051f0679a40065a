using Microsoft.Extensions.Time.Testing;
using MtlsOperator.Runtime;

namespace MtlsOperator.Runtime.Tests;

public sealed class ControllerTests
{
    private static readonly ObjectKey KeyA = new("ns", "a");

    [Fact]
    public async Task A_failing_key_is_retried_with_growing_backoff()
    {
        var time = new FakeTimeProvider();
        var attempts = 0;
        var controller = new Controller("Failing", (_, _) =>
        {
            Interlocked.Increment(ref attempts);
            throw new InvalidOperationException("boom");
        }, new() { Workers = 1, RateLimiter = new ItemExponentialRateLimiter<ObjectKey>() }, time: time);
        using var stop = new CancellationTokenSource();
        var running = controller.RunAsync(stop.Token);

        controller.Queue.Add(KeyA);
        await WaitForRetryScheduled(controller, () => attempts == 1);

        foreach (var (backoffMs, attempt) in new[] { (5, 2), (10, 3), (20, 4) })
        {
            time.Advance(TimeSpan.FromMilliseconds(backoffMs - 1));
            Assert.Equal(1, controller.Queue.DelayedCount);
            time.Advance(TimeSpan.FromMilliseconds(1));
            await WaitForRetryScheduled(controller, () => attempts == attempt);
        }

        await stop.CancelAsync();
        await running.WaitAsync(Eventually.DefaultTimeout);
    }

    [Fact]
    public async Task A_success_resets_the_backoff_of_its_key()
    {
        var time = new FakeTimeProvider();
        var attempts = 0;
        var controller = new Controller("Recovering", (_, _) =>
            Interlocked.Increment(ref attempts) <= 2
                ? throw new InvalidOperationException("not yet")
                : Task.FromResult(ReconcileResult.Done),
            new() { Workers = 1, RateLimiter = new ItemExponentialRateLimiter<ObjectKey>() }, time: time);
        using var stop = new CancellationTokenSource();
        var running = controller.RunAsync(stop.Token);

        controller.Queue.Add(KeyA);
        await WaitForRetryScheduled(controller, () => attempts == 1);
        time.Advance(TimeSpan.FromMilliseconds(5));
        await WaitForRetryScheduled(controller, () => attempts == 2);
        time.Advance(TimeSpan.FromMilliseconds(10));
        await Eventually.TrueAsync(() => attempts == 3 && controller.Queue.NumRequeues(KeyA) == 0, "the third attempt succeeded and reset the backoff");

        await stop.CancelAsync();
        await running.WaitAsync(Eventually.DefaultTimeout);
    }

    [Fact]
    public async Task The_same_key_is_never_reconciled_by_two_workers_at_once()
    {
        var current = 0;
        var maxConcurrent = 0;
        var reconciles = 0;
        var controller = new Controller("Concurrent", async (_, ct) =>
        {
            var now = Interlocked.Increment(ref current);
            InterlockedMax(ref maxConcurrent, now);
            await Task.Yield();
            Interlocked.Decrement(ref current);
            Interlocked.Increment(ref reconciles);
            return ReconcileResult.Done;
        }, new() { Workers = 8 });
        using var stop = new CancellationTokenSource();
        var running = controller.RunAsync(stop.Token);

        for (var i = 0; i < 2000; i++)
        {
            controller.Queue.Add(KeyA);
        }

        await Eventually.TrueAsync(() => controller.Queue.Depth == 0 && current == 0, "the queue drained");
        await stop.CancelAsync();
        await running.WaitAsync(Eventually.DefaultTimeout);
        Assert.Equal(1, maxConcurrent);
        Assert.InRange(reconciles, 1, 2000);
    }

    [Fact]
    public async Task Different_keys_are_reconciled_in_parallel()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var current = 0;
        var controller = new Controller("Parallel", async (_, _) =>
        {
            if (Interlocked.Increment(ref current) == 2)
            {
                started.TrySetResult();
            }

            await release.Task;
            return ReconcileResult.Done;
        }, new() { Workers = 2 });
        using var stop = new CancellationTokenSource();
        var running = controller.RunAsync(stop.Token);

        controller.Queue.Add(new ObjectKey("ns", "a"));
        controller.Queue.Add(new ObjectKey("ns", "b"));

        await started.Task.WaitAsync(Eventually.DefaultTimeout);
        release.SetResult();
        await stop.CancelAsync();
        await running.WaitAsync(Eventually.DefaultTimeout);
    }

    [Fact]
    public async Task RequeueAfter_looks_at_the_key_again_after_the_delay()
    {
        var time = new FakeTimeProvider();
        var attempts = 0;
        var controller = new Controller("Expiring", (_, _) =>
        {
            Interlocked.Increment(ref attempts);
            return Task.FromResult(ReconcileResult.After(TimeSpan.FromHours(1)));
        }, new() { Workers = 1 }, time: time);
        using var stop = new CancellationTokenSource();
        var running = controller.RunAsync(stop.Token);

        controller.Queue.Add(KeyA);
        await WaitForRetryScheduled(controller, () => attempts == 1);
        time.Advance(TimeSpan.FromMinutes(59));
        Assert.Equal(1, controller.Queue.DelayedCount);
        time.Advance(TimeSpan.FromMinutes(1));
        await WaitForRetryScheduled(controller, () => attempts == 2);
        Assert.Equal(0, controller.Queue.NumRequeues(KeyA));

        await stop.CancelAsync();
        await running.WaitAsync(Eventually.DefaultTimeout);
    }

    [Fact]
    public async Task Shutdown_lets_an_in_flight_reconcile_finish()
    {
        var inside = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var finished = false;
        var sawCancellation = false;
        var controller = new Controller("Graceful", async (_, ct) =>
        {
            inside.SetResult();
            await release.Task;
            sawCancellation = ct.IsCancellationRequested;
            finished = true;
            return ReconcileResult.Done;
        }, new() { Workers = 1 });
        using var stop = new CancellationTokenSource();
        var running = controller.RunAsync(stop.Token);
        controller.Queue.Add(KeyA);
        await inside.Task.WaitAsync(Eventually.DefaultTimeout);

        await stop.CancelAsync();
        Assert.False(running.IsCompleted);
        release.SetResult();

        await running.WaitAsync(Eventually.DefaultTimeout);
        Assert.True(finished);
        Assert.False(sawCancellation);
    }

    [Fact]
    public async Task Shutdown_cancels_a_reconcile_that_outlives_the_grace_period()
    {
        var inside = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var controller = new Controller("Stubborn", async (_, ct) =>
        {
            inside.SetResult();
            await Task.Delay(Timeout.Infinite, ct);
            return ReconcileResult.Done;
        }, new() { Workers = 1, ShutdownGrace = TimeSpan.FromMilliseconds(50) });
        using var stop = new CancellationTokenSource();
        var running = controller.RunAsync(stop.Token);
        controller.Queue.Add(KeyA);
        await inside.Task.WaitAsync(Eventually.DefaultTimeout);

        await stop.CancelAsync();

        await running.WaitAsync(Eventually.DefaultTimeout);
    }

    [Fact]
    public async Task Reconciles_and_errors_are_counted_by_kind()
    {
        var kind = $"Metered-{Guid.NewGuid():N}";
        using var reconciles = new MetricRecorder("mtls_operator.reconcile.total", "kind", kind);
        using var errors = new MetricRecorder("mtls_operator.reconcile.errors", "kind", kind);
        using var durations = new MetricRecorder("mtls_operator.reconcile.duration", "kind", kind);
        var controller = new Controller(kind, (key, _) =>
            key.Name == "bad" ? throw new InvalidOperationException("bad") : Task.FromResult(ReconcileResult.Done),
            new() { Workers = 1, RateLimiter = new ItemExponentialRateLimiter<ObjectKey>(TimeSpan.FromHours(1), TimeSpan.FromHours(1)) });
        using var stop = new CancellationTokenSource();
        var running = controller.RunAsync(stop.Token);

        controller.Queue.Add(new ObjectKey("ns", "good"));
        controller.Queue.Add(new ObjectKey("ns", "bad"));
        await Eventually.TrueAsync(() => reconciles.Sum == 2, "both keys were reconciled");

        Assert.Equal(1, reconciles.SumWhere("result", "success"));
        Assert.Equal(1, reconciles.SumWhere("result", "error"));
        Assert.Equal(1, errors.Sum);
        Assert.Equal(2, durations.Count);
        await stop.CancelAsync();
        await running.WaitAsync(Eventually.DefaultTimeout);
    }

    private static Task WaitForRetryScheduled(Controller controller, Func<bool> attemptsReached) =>
        Eventually.TrueAsync(() => attemptsReached() && controller.Queue.DelayedCount == 1, "the attempt finished and its retry is scheduled");

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }
}
