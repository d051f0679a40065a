using k8s;
using k8s.Models;

namespace MtlsOperator.Runtime;

/// <summary>How an informer lists, watches and what it keeps.</summary>
public sealed record InformerOptions<T>
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    /// <summary>Namespaces to watch, one list+watch each; null or empty means all namespaces in one watch.</summary>
    public IReadOnlyList<string>? Namespaces { get; init; }

    /// <summary>Server-side selectors for list and watch.</summary>
    public ResourceSelector Selector { get; init; } = ResourceSelector.All;

    /// <summary>
    /// Which objects the cache keeps. Others are still watched (their resourceVersion advances the resume point)
    /// but are dropped at once, so memory follows what is kept, not what exists. An object that stops passing
    /// leaves the cache with a delete event; one that starts passing enters it with an add event.
    /// </summary>
    public Func<T, bool>? CacheFilter { get; init; }

    /// <summary>
    /// What the cache keeps of each object it admits (client-go's <c>SetTransform</c>): applied once, as the object arrives from a
    /// list page, a watch event or a read-through, after <see cref="CacheFilter"/> (so the filter sees the object as sent) and before
    /// any handler or reader sees it. Return the object (changed in place: it is the informer's own, fresh from the wire) or a
    /// smaller one; it must keep every field a reader or a later filter uses, and give the same result when applied twice.
    /// </summary>
    public Func<T, T>? Transform { get; init; }

    /// <summary>Server-side watch timeout (<c>timeoutSeconds</c>); the server ends the watch and it is resumed.</summary>
    public TimeSpan WatchTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>A watch with no event nor bookmark for this long is presumed dead and restarted.</summary>
    public TimeSpan StallTimeout { get; init; } = TimeSpan.FromMinutes(5.5);

    /// <summary>Items per list page; null lists everything in one response.</summary>
    public int? ListPageSize { get; init; } = 500;

    /// <summary>First wait before re-opening a failed watch; doubles per consecutive failure.</summary>
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Longest wait before re-opening a failed watch.</summary>
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(30);
}
