using k8s;
using k8s.Models;

namespace MtlsOperator.Runtime;

/// <summary>
/// What reconcilers read: the informer's view of one kind. Returned objects are shared with the cache and must
/// not be mutated; copy before changing.
/// </summary>
public interface IReadOnlyResourceCache<T>
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    /// <summary>Objects held.</summary>
    int Count { get; }

    /// <summary>The object with <paramref name="key"/>, or null.</summary>
    T? Get(ObjectKey key);

    /// <summary>All objects, or those of one namespace.</summary>
    IReadOnlyList<T> List(string? @namespace = null);

    /// <summary>Objects whose index function returned <paramref name="value"/> for index <paramref name="indexName"/>.</summary>
    IReadOnlyList<T> ByIndex(string indexName, string value);
}
