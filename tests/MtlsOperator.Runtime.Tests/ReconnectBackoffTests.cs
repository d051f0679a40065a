using MtlsOperator.Runtime;

namespace MtlsOperator.Runtime.Tests;

public sealed class ReconnectBackoffTests
{
    private readonly ReconnectBackoff _backoff = new(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(1));

    [Fact]
    public void The_first_reconnect_is_immediate_and_later_ones_double_within_a_quarter_of_jitter()
    {
        var delays = Enumerable.Range(0, 5).Select(_ => _backoff.Next().TotalMilliseconds).ToList();

        Assert.Equal(0, delays[0]);
        Assert.InRange(delays[1], 75, 125);
        Assert.InRange(delays[2], 150, 250);
        Assert.InRange(delays[3], 300, 500);
        Assert.InRange(delays[4], 600, 1000);
    }

    [Fact]
    public void Delays_are_capped()
    {
        var last = Enumerable.Range(0, 50).Select(_ => _backoff.Next()).ToList()[^1];

        Assert.InRange(last.TotalMilliseconds, 750, 1250);
    }

    [Fact]
    public void Reset_makes_the_next_reconnect_immediate_again()
    {
        _backoff.Next();
        _backoff.Next();

        _backoff.Reset();

        Assert.Equal(TimeSpan.Zero, _backoff.Next());
    }
}
