namespace MtlsOperator.Runtime;

/// <summary>Waits as long as the strictest of several limiters asks.</summary>
public sealed class MaxOfRateLimiter<TKey>(params IReadOnlyList<IRateLimiter<TKey>> limiters) : IRateLimiter<TKey>
    where TKey : notnull
{
    public TimeSpan When(TKey key)
    {
        var longest = TimeSpan.Zero;
        foreach (var limiter in limiters)
        {
            var delay = limiter.When(key);
            if (delay > longest)
            {
                longest = delay;
            }
        }

        return longest;
    }

    public void Forget(TKey key)
    {
        foreach (var limiter in limiters)
        {
            limiter.Forget(key);
        }
    }

    public int NumRequeues(TKey key) => limiters.Max(l => l.NumRequeues(key));
}
