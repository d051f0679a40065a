namespace MtlsOperator.Runtime;

/// <summary>Decides how long a failed key waits before it is retried.</summary>
public interface IRateLimiter<in TKey>
    where TKey : notnull
{
    /// <summary>Records one more failure of <paramref name="key"/> and returns how long it must wait.</summary>
    TimeSpan When(TKey key);

    /// <summary>Clears the failure history of <paramref name="key"/> (after a success).</summary>
    void Forget(TKey key);

    /// <summary>How many times <paramref name="key"/> has failed since it was last forgotten.</summary>
    int NumRequeues(TKey key);
}
