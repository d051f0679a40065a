namespace MtlsOperator.Runtime;

/// <summary>
/// A global token bucket shared by all keys (client-go: 10 per second, burst 100), so that many keys failing
/// at once cannot hammer the API server even while each key's own backoff is still short.
/// </summary>
public sealed class BucketRateLimiter<TKey> : IRateLimiter<TKey>
    where TKey : notnull
{
    private readonly Lock _gate = new();
    private readonly double _perSecond;
    private readonly double _burst;
    private readonly TimeProvider _time;
    private double _tokens;
    private long _lastRefill;

    public BucketRateLimiter(double perSecond, int burst, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(perSecond);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(burst);
        _perSecond = perSecond;
        _burst = burst;
        _time = time;
        _tokens = burst;
        _lastRefill = time.GetTimestamp();
    }

    public TimeSpan When(TKey key)
    {
        lock (_gate)
        {
            var now = _time.GetTimestamp();
            var elapsed = _time.GetElapsedTime(_lastRefill, now).TotalSeconds;
            _lastRefill = now;
            _tokens = Math.Min(_burst, _tokens + (elapsed * _perSecond));

            // Reserve a token even when none is left: the debt is what later callers wait for.
            _tokens -= 1;
            return _tokens >= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(-_tokens / _perSecond);
        }
    }

    public void Forget(TKey key)
    {
    }

    public int NumRequeues(TKey key) => 0;
}
