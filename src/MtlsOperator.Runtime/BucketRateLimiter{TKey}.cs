namespace MtlsOperator.Runtime;

/// <summary>
/// A global token bucket shared by all keys (client-go: 10 per second, burst 100), so that many keys failing
/// at once cannot hammer the API server even while each key's own backoff is still short.
/// </summary>
public sealed class BucketRateLimiter<TKey> : IRateLimiter<TKey>
    where TKey : notnull
{
    private readonly TokenBucket _bucket;

    public BucketRateLimiter(double perSecond, int burst, TimeProvider time) => _bucket = new TokenBucket(perSecond, burst, time);

    public TimeSpan When(TKey key) => _bucket.Take();

    public void Forget(TKey key)
    {
    }

    public int NumRequeues(TKey key) => 0;
}
