using CsCheck;
using Microsoft.Extensions.Time.Testing;

namespace MtlsOperator.Runtime.Tests.Throttling;

/// <summary>The client-side limit's bucket over seeded random rates, bursts and arrival times: no window of time ever holds more
/// sends than the burst plus the rate times its length, and nobody waits while a token is there. On failure CsCheck prints the
/// seed; replay with <c>CsCheck_Seed</c>.</summary>
public sealed class TokenBucketPropertyTests
{
    // The clock the bucket reads is the one the sends are timed by: the fake provider's, in whole ticks.
    private static readonly DateTimeOffset Start = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);

    private static readonly Gen<(double Qps, int Burst, double[] Gaps)> Schedules =
        Gen.Select(Gen.Double[0.5, 200], Gen.Int[1, 40], Gen.OneOf(Gen.Double[0, 0.01], Gen.Double[0, 2]).Array[1, 300]);

    [Fact]
    public void No_window_holds_more_sends_than_the_burst_and_the_rate_allow()
    {
        Schedules.Sample(s =>
        {
            var sends = SendTimes(s.Qps, s.Burst, s.Gaps);
            for (var i = 0; i < sends.Length; i++)
            {
                for (var j = i; j < sends.Length; j++)
                {
                    var allowed = s.Burst + (s.Qps * (sends[j] - sends[i]));
                    if (j - i + 1 > allowed + Slack(s.Qps))
                    {
                        Assert.Fail($"{j - i + 1} sends in {sends[j] - sends[i]:R} s at qps {s.Qps}, burst {s.Burst}; sends {string.Join(", ", sends.Select(t => t.ToString("R", System.Globalization.CultureInfo.InvariantCulture)))}");
                    }
                }
            }
        }, iter: 200);
    }

    [Fact]
    public void A_taker_waits_only_as_long_as_the_bound_demands()
    {
        Schedules.Sample(s =>
        {
            var time = new FakeTimeProvider(Start);
            var bucket = new TokenBucket(s.Qps, s.Burst, time);
            var sends = new List<double>();
            var now = 0.0;
            foreach (var gap in s.Gaps)
            {
                time.Advance(TimeSpan.FromSeconds(gap));
                now = (time.GetUtcNow() - Start).TotalSeconds;
                var wait = bucket.Take().TotalSeconds;
                sends.Add(now + wait);
                if (wait == 0)
                {
                    continue;
                }

                // Sent no later than the bound allows: some window ending at this send is exactly full (the one that opens
                // at the last take that found the bucket full).
                var j = sends.Count - 1;
                var tight = Enumerable.Range(0, j + 1).Any(i => j - i + 1 >= s.Burst + (s.Qps * (sends[j] - sends[i])) - Slack(s.Qps));
                Assert.True(tight, $"waited {wait:F4} s at {now:F4} s with no full window behind it (qps {s.Qps}, burst {s.Burst})");
            }
        }, iter: 200);
    }

    // A wait is a TimeSpan, truncated to whole ticks, so a send can come up to one tick early: a window between two sends may be
    // two ticks short of the exact bound.
    private static double Slack(double qps) => (qps * 2 * 1e-7) + 1e-9;

    private static double[] SendTimes(double qps, int burst, double[] gaps)
    {
        var time = new FakeTimeProvider(Start);
        var bucket = new TokenBucket(qps, burst, time);
        var sends = new double[gaps.Length];
        var now = 0.0;
        for (var i = 0; i < gaps.Length; i++)
        {
            time.Advance(TimeSpan.FromSeconds(gaps[i]));
            now = (time.GetUtcNow() - Start).TotalSeconds;
            sends[i] = now + bucket.Take().TotalSeconds;
        }

        Array.Sort(sends);
        return sends;
    }
}
