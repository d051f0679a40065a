using Microsoft.Extensions.Time.Testing;
using MtlsOperator.Runtime;

namespace MtlsOperator.Runtime.Tests;

public sealed class WorkQueueTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private readonly FakeTimeProvider _time = new();
    private readonly WorkQueue<string> _queue;

    public WorkQueueTests() =>
        _queue = new WorkQueue<string>("test", _time, new ItemExponentialRateLimiter<string>());

    public void Dispose() => _queue.Dispose();

    [Fact]
    public void Adding_a_waiting_key_again_queues_it_once()
    {
        _queue.Add("a");
        _queue.Add("a");

        Assert.Equal(1, _queue.Depth);
    }

    [Fact]
    public void Keys_come_out_in_the_order_they_were_added()
    {
        _queue.Add("a");
        _queue.Add("b");
        _queue.Add("c");

        Assert.Equal(["a", "b", "c"], TakeAll());
    }

    [Fact]
    public void A_key_being_processed_is_not_handed_to_a_second_worker()
    {
        _queue.Add("a");
        Assert.True(_queue.TryGet(out _));

        _queue.Add("a");

        Assert.False(_queue.TryGet(out _));
        Assert.Equal(0, _queue.Depth);
    }

    [Fact]
    public void A_key_added_while_processing_is_queued_again_when_done()
    {
        _queue.Add("a");
        _queue.TryGet(out var key);
        _queue.Add("a");
        _queue.Add("a");

        _queue.Done(key);

        Assert.Equal(["a"], TakeAll());
    }

    [Fact]
    public void A_key_not_added_while_processing_is_not_queued_again()
    {
        _queue.Add("a");
        _queue.TryGet(out var key);

        _queue.Done(key);

        Assert.Equal(0, _queue.Depth);
    }

    [Fact]
    public async Task A_waiting_worker_receives_a_key_added_later()
    {
        var taking = _queue.GetAsync(CancellationToken.None);

        _queue.Add("a");

        var (shutdown, key) = await taking.WaitAsync(Patience);
        Assert.False(shutdown);
        Assert.Equal("a", key);
    }

    [Fact]
    public async Task Two_waiting_workers_never_receive_the_same_key()
    {
        var first = _queue.GetAsync(CancellationToken.None);
        var second = _queue.GetAsync(CancellationToken.None);

        _queue.Add("a");
        var winner = await Task.WhenAny(first, second).WaitAsync(Patience);
        _queue.Add("a");

        Assert.False((winner == first ? second : first).IsCompleted);
        Assert.Equal(0, _queue.Depth);
    }

    [Fact]
    public void Backoff_starts_at_5_ms_and_doubles_per_failure()
    {
        var limiter = new ItemExponentialRateLimiter<string>();

        var delays = Enumerable.Range(0, 5).Select(_ => limiter.When("a").TotalMilliseconds);

        Assert.Equal([5, 10, 20, 40, 80], delays);
    }

    [Fact]
    public void Backoff_is_capped_at_1000_seconds()
    {
        var limiter = new ItemExponentialRateLimiter<string>();

        var last = Enumerable.Range(0, 100).Select(_ => limiter.When("a")).ToList()[^1];

        Assert.Equal(TimeSpan.FromSeconds(1000), last);
    }

    [Fact]
    public void Backoff_of_one_key_does_not_grow_the_backoff_of_another()
    {
        var limiter = new ItemExponentialRateLimiter<string>();
        limiter.When("a");
        limiter.When("a");

        Assert.Equal(TimeSpan.FromMilliseconds(5), limiter.When("b"));
    }

    [Fact]
    public void Forget_resets_the_backoff_after_a_success()
    {
        _queue.AddRateLimited("a");
        _queue.AddRateLimited("a");
        Assert.Equal(2, _queue.NumRequeues("a"));

        _queue.Forget("a");

        Assert.Equal(0, _queue.NumRequeues("a"));
        Assert.Equal(TimeSpan.FromMilliseconds(5), new ItemExponentialRateLimiter<string>().When("a"));
    }

    [Fact]
    public void A_rate_limited_key_becomes_ready_only_after_its_backoff()
    {
        _queue.AddRateLimited("a");
        _queue.AddRateLimited("a");
        Assert.Equal(0, _queue.Depth);

        _time.Advance(TimeSpan.FromMilliseconds(4));
        Assert.Equal(0, _queue.Depth);

        // The second failure did not extend the first, earlier deadline.
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(1, _queue.Depth);
    }

    [Fact]
    public void AddAfter_makes_the_key_ready_only_once_the_delay_passed()
    {
        _queue.AddAfter("a", TimeSpan.FromMinutes(10));

        _time.Advance(TimeSpan.FromMinutes(9));
        Assert.Equal(0, _queue.Depth);
        Assert.Equal(1, _queue.DelayedCount);

        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(["a"], TakeAll());
        Assert.Equal(0, _queue.DelayedCount);
    }

    [Fact]
    public void AddAfter_keeps_the_earlier_of_two_deadlines()
    {
        _queue.AddAfter("a", TimeSpan.FromMinutes(10));
        _queue.AddAfter("a", TimeSpan.FromMinutes(1));
        _queue.AddAfter("a", TimeSpan.FromMinutes(5));

        _time.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal(["a"], TakeAll());
        _time.Advance(TimeSpan.FromMinutes(20));
        Assert.Equal(0, _queue.Depth);
    }

    /// <summary>Seeded random AddAfters (many keys, deadlines moved earlier and later) and clock steps against a model: each key
    /// becomes ready exactly when the clock reaches the earliest deadline it was given, once. Replay a failure with WORKQUEUE_SEED.</summary>
    [Fact]
    public void Delayed_keys_become_ready_exactly_at_their_earliest_deadline_in_any_order_of_adds()
    {
        var seeds = Environment.GetEnvironmentVariable("WORKQUEUE_SEED") is { } replay ? [int.Parse(replay, System.Globalization.CultureInfo.InvariantCulture)] : Enumerable.Range(1, 40).ToArray();
        foreach (var seed in seeds)
        {
            var time = new FakeTimeProvider();
            using var queue = new WorkQueue<string>("model", time, new ItemExponentialRateLimiter<string>());
            var random = new Random(seed);
            var deadlines = new Dictionary<string, DateTimeOffset>();
            for (var step = 0; step < 300; step++)
            {
                if (random.Next(3) > 0)
                {
                    var key = "k" + random.Next(30);
                    var delay = TimeSpan.FromSeconds(random.Next(1, 120));
                    queue.AddAfter(key, delay);
                    var at = time.GetUtcNow() + delay;
                    deadlines[key] = deadlines.TryGetValue(key, out var earlier) && earlier <= at ? earlier : at;
                }
                else
                {
                    time.Advance(TimeSpan.FromSeconds(random.Next(0, 30)));
                }

                var due = deadlines.Where(d => d.Value <= time.GetUtcNow()).Select(d => d.Key).Order(StringComparer.Ordinal).ToList();
                var taken = new List<string>();
                while (queue.TryGet(out var key))
                {
                    taken.Add(key);
                    queue.Done(key);
                }

                Assert.True(due.SequenceEqual(taken.Order(StringComparer.Ordinal)), $"seed {seed} (replay with WORKQUEUE_SEED={seed}), step {step}: due [{string.Join(",", due)}], ready [{string.Join(",", taken)}]");
                Assert.True(deadlines.Count - due.Count == queue.DelayedCount, $"seed {seed}, step {step}: {queue.DelayedCount} delayed, model {deadlines.Count - due.Count}");
                foreach (var key in due)
                {
                    deadlines.Remove(key);
                }
            }
        }
    }

    [Fact]
    public void A_delayed_key_that_is_already_waiting_is_not_queued_twice()
    {
        _queue.Add("a");
        _queue.AddAfter("a", TimeSpan.FromSeconds(1));

        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(1, _queue.Depth);
    }

    [Fact]
    public async Task ShutDown_releases_waiting_workers()
    {
        var taking = _queue.GetAsync(CancellationToken.None);

        _queue.ShutDown();

        var (shutdown, _) = await taking.WaitAsync(Patience);
        Assert.True(shutdown);
    }

    [Fact]
    public void ShutDown_ignores_later_adds_and_drops_delayed_keys()
    {
        _queue.AddAfter("a", TimeSpan.FromSeconds(1));
        _queue.ShutDown();

        _queue.Add("b");
        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(0, _queue.Depth);
        Assert.Equal(0, _queue.DelayedCount);
    }

    [Fact]
    public async Task ShutDownWithDrain_waits_until_keys_in_progress_are_done()
    {
        _queue.Add("a");
        _queue.TryGet(out var key);

        var draining = _queue.ShutDownWithDrainAsync(CancellationToken.None);
        Assert.False(draining.IsCompleted);

        _queue.Done(key);
        await draining.WaitAsync(Patience);
    }

    [Fact]
    public void The_bucket_admits_a_burst_then_spaces_keys_at_its_rate()
    {
        var bucket = new BucketRateLimiter<string>(perSecond: 10, burst: 2, _time);

        var delays = Enumerable.Range(0, 4).Select(i => bucket.When($"k{i}")).ToList();

        Assert.Equal([TimeSpan.Zero, TimeSpan.Zero, TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(200)], delays);
    }

    [Fact]
    public void The_bucket_refills_with_time()
    {
        var bucket = new BucketRateLimiter<string>(perSecond: 10, burst: 1, _time);
        bucket.When("a");

        _time.Advance(TimeSpan.FromMilliseconds(100));

        Assert.Equal(TimeSpan.Zero, bucket.When("b"));
    }

    [Fact]
    public void The_default_controller_limiter_takes_the_longer_of_backoff_and_bucket()
    {
        var limiter = RateLimiters.ControllerDefault<string>(_time);

        var delays = Enumerable.Range(0, 3).Select(_ => limiter.When("a").TotalMilliseconds);

        Assert.Equal([5, 10, 20], delays);
    }

    [Fact]
    public void Depth_is_published_as_a_metric()
    {
        var name = $"depth-{Guid.NewGuid():N}";
        using var depth = new MetricRecorder("mtls_operator.workqueue.depth", "queue", name);
        using var queue = new WorkQueue<string>(name, _time);

        queue.Add("a");
        queue.Add("b");
        queue.TryGet(out _);

        Assert.Equal(1, depth.Sum);
    }

    private List<string> TakeAll()
    {
        var taken = new List<string>();
        while (_queue.TryGet(out var key))
        {
            taken.Add(key);
            _queue.Done(key);
        }

        return taken;
    }
}
