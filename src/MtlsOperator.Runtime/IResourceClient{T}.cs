using k8s;
using k8s.Models;

namespace MtlsOperator.Runtime;

/// <summary>List, watch and read one kind, in one namespace or (with a null namespace) in all of them.</summary>
public interface IResourceClient<T>
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    /// <summary>The kind's name, for logs and metrics.</summary>
    string Kind { get; }

    /// <summary>Lists one page (<paramref name="limit"/> items at most, continuing from <paramref name="continueToken"/>).</summary>
    Task<ResourceList<T>> ListAsync(string? @namespace, ResourceSelector selector, int? limit, string? continueToken, CancellationToken cancellationToken);

    /// <summary>
    /// Watches from <paramref name="resourceVersion"/> with bookmarks, asking the server to end the watch after
    /// <paramref name="timeout"/>. Status lines (410 Gone, ...) go to <paramref name="onError"/> as
    /// <see cref="k8s.Autorest.HttpOperationException"/> or <see cref="KubernetesException"/>.
    /// </summary>
    IAsyncEnumerable<(WatchEventType Type, T Object)> WatchAsync(string? @namespace, ResourceSelector selector, string resourceVersion, TimeSpan timeout, Action<Exception> onError, CancellationToken cancellationToken);

    /// <summary>Reads one object from the server; null when it does not exist.</summary>
    Task<T?> GetAsync(ObjectKey key, CancellationToken cancellationToken);
}
