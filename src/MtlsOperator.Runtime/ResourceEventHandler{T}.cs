namespace MtlsOperator.Runtime;

/// <summary>
/// Callbacks for changes seen by an informer. They run on the informer's thread, one at a time, and must be quick
/// (typically: map the object to keys and add them to a work queue). Objects must not be mutated.
/// </summary>
public sealed record ResourceEventHandler<T>
{
    /// <summary>An object entered the cache.</summary>
    public Action<T>? OnAdded { get; init; }

    /// <summary>A cached object changed (old, new); not raised when the resourceVersion is unchanged.</summary>
    public Action<T, T>? OnUpdated { get; init; }

    /// <summary>An object left the cache (deleted, vanished on a relist, or no longer passing the cache filter).</summary>
    public Action<T>? OnDeleted { get; init; }
}
