using System.Net;
using System.Runtime.CompilerServices;
using System.Text.Json;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace MtlsOperator.Runtime;

/// <summary>
/// An <see cref="IResourceClient{T}"/> for a custom kind through the CustomObjects calls (the list calls with
/// <c>watch=true</c> behind the client's <c>WatchList...CustomObjectAsync</c>). Namespaced kinds are listed in one
/// namespace or all; cluster-scoped kinds (<paramref name="clusterScoped"/>) take a null namespace.
/// </summary>
public sealed class CustomResourceClient<T>(IKubernetes client, string group, string version, string plural, string kind, bool clusterScoped = false) : IResourceClient<T>
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    public string Kind => kind;

    public async Task<ResourceList<T>> ListAsync(string? @namespace, ResourceSelector selector, int? limit, string? continueToken, CancellationToken cancellationToken)
    {
        var objects = client.CustomObjects;
        var list = await (Scope(@namespace) switch
        {
            Scoped.Cluster => objects.ListClusterCustomObjectAsync<CustomResourceList<T>>(group, version, plural, continueParameter: continueToken, fieldSelector: selector.FieldSelector, labelSelector: selector.LabelSelector, limit: limit, cancellationToken: cancellationToken),
            Scoped.AllNamespaces => objects.ListCustomObjectForAllNamespacesAsync<CustomResourceList<T>>(group, version, plural, continueParameter: continueToken, fieldSelector: selector.FieldSelector, labelSelector: selector.LabelSelector, limit: limit, cancellationToken: cancellationToken),
            _ => objects.ListNamespacedCustomObjectAsync<CustomResourceList<T>>(group, version, @namespace, plural, continueParameter: continueToken, fieldSelector: selector.FieldSelector, labelSelector: selector.LabelSelector, limit: limit, cancellationToken: cancellationToken),
        }).ConfigureAwait(false);
        var next = list.Metadata.ContinueProperty;
        return new ResourceList<T>([.. list.Items], list.Metadata.ResourceVersion ?? "", string.IsNullOrEmpty(next) ? null : next);
    }

    public async IAsyncEnumerable<(WatchEventType Type, T Object)> WatchAsync(string? @namespace, ResourceSelector selector, string resourceVersion, TimeSpan timeout, Action<Exception> onError, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var objects = client.CustomObjects;
        var timeoutSeconds = (int)timeout.TotalSeconds;
        var events = Scope(@namespace) switch
        {
            Scoped.Cluster => objects.WatchListClusterCustomObjectAsync(group, version, plural, allowWatchBookmarks: true, fieldSelector: selector.FieldSelector, labelSelector: selector.LabelSelector, resourceVersion: resourceVersion, timeoutSeconds: timeoutSeconds, onError: onError, cancellationToken: cancellationToken),
            Scoped.AllNamespaces => objects.WatchListCustomObjectForAllNamespacesAsync(group, version, plural, allowWatchBookmarks: true, fieldSelector: selector.FieldSelector, labelSelector: selector.LabelSelector, resourceVersion: resourceVersion, timeoutSeconds: timeoutSeconds, onError: onError, cancellationToken: cancellationToken),
            _ => objects.WatchListNamespacedCustomObjectAsync(group, version, @namespace, plural, allowWatchBookmarks: true, fieldSelector: selector.FieldSelector, labelSelector: selector.LabelSelector, resourceVersion: resourceVersion, timeoutSeconds: timeoutSeconds, onError: onError, cancellationToken: cancellationToken),
        };
        await foreach (var (type, untyped) in events.ConfigureAwait(false))
        {
            yield return (type, ToTyped(untyped));
        }
    }

    public async Task<T?> GetAsync(ObjectKey key, CancellationToken cancellationToken)
    {
        try
        {
            return await (Scope(key.Namespace) == Scoped.Cluster
                ? client.CustomObjects.GetClusterCustomObjectAsync<T>(group, version, plural, key.Name, cancellationToken)
                : client.CustomObjects.GetNamespacedCustomObjectAsync<T>(group, version, key.Namespace, plural, key.Name, cancellationToken)).ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    private Scoped Scope(string? @namespace) => (clusterScoped, @namespace) switch
    {
        (true, null) => Scoped.Cluster,
        (true, _) => throw new ArgumentException($"{kind} is cluster-scoped: it has no namespace '{@namespace}'.", nameof(@namespace)),
        (false, null) => Scoped.AllNamespaces,
        (false, _) => Scoped.Namespace,
    };

    // The generic watch yields the object as it was parsed without a target type: normally a JsonElement.
    private static T ToTyped(object untyped) => untyped switch
    {
        T typed => typed,
        JsonElement element => KubernetesJson.Deserialize<T>(element),
        _ => KubernetesJson.Deserialize<T>(KubernetesJson.Serialize(untyped)),
    };

    private enum Scoped
    {
        Cluster,
        AllNamespaces,
        Namespace,
    }
}
