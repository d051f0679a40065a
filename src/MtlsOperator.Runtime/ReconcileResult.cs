namespace MtlsOperator.Runtime;

/// <summary>What a reconcile asks of its controller once it returns without throwing.</summary>
public readonly record struct ReconcileResult(bool Requeue, TimeSpan? RequeueAfter)
{
    /// <summary>Converged; the key's backoff is reset and it waits for the next change.</summary>
    public static ReconcileResult Done => default;

    /// <summary>Try again with the key's backoff (e.g. waiting on something that is not watched).</summary>
    public static ReconcileResult RequeueWithBackoff => new(true, null);

    /// <summary>Converged for now; look again after <paramref name="delay"/> (e.g. shortly before a certificate expires).</summary>
    public static ReconcileResult After(TimeSpan delay) => new(false, delay);
}
