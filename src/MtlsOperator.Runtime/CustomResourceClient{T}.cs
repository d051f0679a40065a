using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using MtlsOperator.Runtime.Wire;

namespace MtlsOperator.Runtime;

/// <summary>
/// An <see cref="IResourceClient{T}"/> for a custom kind: lists and reads through the CustomObjects calls, watches through
/// <see cref="WatchStream"/>. Namespaced kinds are listed in one
/// namespace or all; cluster-scoped kinds (<paramref name="clusterScoped"/>) take a null namespace.
/// </summary>
public sealed class CustomResourceClient<T>(IKubernetes client, string group, string version, string plural, string kind, bool clusterScoped = false) : IResourceClient<T>
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    private readonly ApiConnection _connection = new(client);
    private readonly ApiPath _path = new(group, version, plural);

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

    // Read by the runtime itself rather than through the client's generic watch, which yields each object as a JsonElement
    // (decoded twice on the way, from a UTF-16 line) that then had to be decoded a third time into T.
    public IAsyncEnumerable<(WatchEventType Type, T Object)> WatchAsync(string? @namespace, ResourceSelector selector, string resourceVersion, TimeSpan timeout, Action<Exception> onError, CancellationToken cancellationToken) =>
        WatchStream.ReadAsync<T>(_connection, _path.Watch(Scope(@namespace) == Scoped.Namespace ? @namespace : null, selector, resourceVersion, (int)timeout.TotalSeconds), onError, cancellationToken);

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

    private enum Scoped
    {
        Cluster,
        AllNamespaces,
        Namespace,
    }
}
