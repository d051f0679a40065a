using Microsoft.Extensions.Time.Testing;
using MtlsOperator.Controller;
using MtlsOperator.Runtime;

namespace MtlsOperator.Tests.Controller;

/// <summary>Failed reconciles are retried with client-go's per-key backoff under a shared bucket of 100 a second, burst 1,000: a mass
/// failure is metered out, but recovering from one does not take minutes.</summary>
public sealed class RetryLimiterTests
{
    [Fact]
    public void A_thousand_keys_failing_at_once_are_all_retried_after_their_own_first_backoff()
    {
        var limiter = ControllerRun.RetryLimiter(new FakeTimeProvider());

        var delays = Enumerable.Range(0, 1000).Select(i => limiter.When(new ObjectKey("apps", $"l{i}"))).ToList();

        Assert.All(delays, d => Assert.Equal(TimeSpan.FromMilliseconds(5), d));
    }

    [Fact]
    public void Past_the_burst_retries_are_metered_at_a_hundred_a_second()
    {
        var limiter = ControllerRun.RetryLimiter(new FakeTimeProvider());
        foreach (var i in Enumerable.Range(0, 1000))
        {
            limiter.When(new ObjectKey("apps", $"l{i}"));
        }

        var next = Enumerable.Range(1000, 200).Select(i => limiter.When(new ObjectKey("apps", $"l{i}"))).ToList();

        Assert.Equal(TimeSpan.FromMilliseconds(10), next[0]);
        Assert.Equal(TimeSpan.FromSeconds(2), next[^1]);
    }

    [Fact]
    public void One_key_failing_again_and_again_still_backs_off_exponentially()
    {
        var limiter = ControllerRun.RetryLimiter(new FakeTimeProvider());
        var key = new ObjectKey("apps", "agent");

        var delays = Enumerable.Range(0, 4).Select(_ => limiter.When(key).TotalMilliseconds).ToList();

        Assert.Equal([5, 10, 20, 40], delays);
    }
}
