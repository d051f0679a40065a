namespace MtlsOperator.Runtime;

/// <summary>Per-key backoff: <c>baseDelay * 2^failures</c>, capped at <c>maxDelay</c> (client-go: 5 ms to 1000 s).</summary>
public sealed class ItemExponentialRateLimiter<TKey>(TimeSpan baseDelay, TimeSpan maxDelay) : IRateLimiter<TKey>
    where TKey : notnull
{
    private readonly Lock _gate = new();
    private readonly Dictionary<TKey, int> _failures = [];

    /// <summary>The client-go defaults: 5 ms doubling up to 1000 s.</summary>
    public ItemExponentialRateLimiter()
        : this(TimeSpan.FromMilliseconds(5), TimeSpan.FromSeconds(1000))
    {
    }

    public TimeSpan When(TKey key)
    {
        int exponent;
        lock (_gate)
        {
            _failures.TryGetValue(key, out exponent);
            _failures[key] = exponent + 1;
        }

        // Past 2^62 the multiplication overflows; the cap is reached long before.
        var delayTicks = exponent >= 62 ? double.MaxValue : baseDelay.Ticks * Math.Pow(2, exponent);
        return delayTicks >= maxDelay.Ticks ? maxDelay : TimeSpan.FromTicks((long)delayTicks);
    }

    public void Forget(TKey key)
    {
        lock (_gate)
        {
            _failures.Remove(key);
        }
    }

    public int NumRequeues(TKey key)
    {
        lock (_gate)
        {
            return _failures.GetValueOrDefault(key);
        }
    }
}
