namespace MtlsOperator.Runtime;

/// <summary>
/// Capped exponential backoff with jitter for re-opening watches: the first attempt after a healthy period is
/// immediate, each further consecutive one waits twice as long (±25 % so replicas do not reconnect in step).
/// </summary>
internal sealed class ReconnectBackoff(TimeSpan initial, TimeSpan max)
{
    private int _failures;

    public void Reset() => _failures = 0;

    public TimeSpan Next()
    {
        var failures = _failures++;
        if (failures == 0)
        {
            return TimeSpan.Zero;
        }

        var exponential = initial.TotalMilliseconds * Math.Pow(2, Math.Min(failures - 1, 30));
        var capped = Math.Min(exponential, max.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(capped * (0.75 + (Random.Shared.NextDouble() * 0.5)));
    }
}
