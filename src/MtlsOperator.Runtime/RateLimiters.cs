namespace MtlsOperator.Runtime;

/// <summary>Ready-made rate limiters.</summary>
public static class RateLimiters
{
    /// <summary>client-go's default controller limiter: per-key 5 ms..1000 s backoff, and a 10/s burst-100 bucket.</summary>
    public static IRateLimiter<TKey> ControllerDefault<TKey>(TimeProvider time)
        where TKey : notnull =>
        WithBucket<TKey>(10, 100, time);

    /// <summary>client-go's per-key backoff (5 ms..1000 s) under a shared bucket of <paramref name="perSecond"/> retries a second,
    /// <paramref name="burst"/> at once.</summary>
    public static IRateLimiter<TKey> WithBucket<TKey>(double perSecond, int burst, TimeProvider time)
        where TKey : notnull =>
        new MaxOfRateLimiter<TKey>(new ItemExponentialRateLimiter<TKey>(), new BucketRateLimiter<TKey>(perSecond, burst, time));
}
