using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace MtlsOperator.Runtime;

/// <summary>
/// An <see cref="IResourceClient{T}"/> over the typed calls of a built-in kind; the kind-specific calls are
/// passed in (see <see cref="ResourceClients"/>) because the generated client has one method per kind.
/// </summary>
public sealed class CoreResourceClient<T, TList>(string kind, CoreResourceCalls<T, TList> calls) : IResourceClient<T>
    where T : class, IKubernetesObject<V1ObjectMeta>
    where TList : IItems<T>, IMetadata<V1ListMeta>
{
    public string Kind => kind;

    public async Task<ResourceList<T>> ListAsync(string? @namespace, ResourceSelector selector, int? limit, string? continueToken, CancellationToken cancellationToken)
    {
        var list = await calls.List(@namespace, selector, limit, continueToken, cancellationToken).ConfigureAwait(false);
        var next = list.Metadata?.ContinueProperty;
        return new ResourceList<T>([.. list.Items], list.Metadata?.ResourceVersion ?? "", string.IsNullOrEmpty(next) ? null : next);
    }

    public IAsyncEnumerable<(WatchEventType Type, T Object)> WatchAsync(string? @namespace, ResourceSelector selector, string resourceVersion, TimeSpan timeout, Action<Exception> onError, CancellationToken cancellationToken) =>
        calls.Watch(@namespace, selector, resourceVersion, (int)timeout.TotalSeconds, onError, cancellationToken);

    public async Task<T?> GetAsync(ObjectKey key, CancellationToken cancellationToken)
    {
        try
        {
            return await calls.Read(key, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }
}
