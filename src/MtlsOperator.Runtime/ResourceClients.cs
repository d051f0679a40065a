using k8s;
using k8s.Models;
using MtlsOperator.Runtime.Wire;

namespace MtlsOperator.Runtime;

/// <summary>Resource clients for the built-in kinds the runtime is used with.</summary>
public static class ResourceClients
{
    /// <summary>Secrets, through the typed CoreV1 calls (the watch through <see cref="WatchStream"/>).</summary>
    public static IResourceClient<V1Secret> Secrets(IKubernetes client) =>
        new CoreResourceClient<V1Secret, V1SecretList>(V1Secret.KubeKind, new(
            (ns, s, limit, cont, ct) => ns is null
                ? client.CoreV1.ListSecretForAllNamespacesAsync(continueParameter: cont, fieldSelector: s.FieldSelector, labelSelector: s.LabelSelector, limit: limit, cancellationToken: ct)
                : client.CoreV1.ListNamespacedSecretAsync(ns, continueParameter: cont, fieldSelector: s.FieldSelector, labelSelector: s.LabelSelector, limit: limit, cancellationToken: ct),
            Watch<V1Secret>(client, "secrets"),
            (key, ct) => client.CoreV1.ReadNamespacedSecretAsync(key.Name, key.Namespace, cancellationToken: ct)));

    /// <summary>ConfigMaps, through the typed CoreV1 calls (the watch through <see cref="WatchStream"/>).</summary>
    public static IResourceClient<V1ConfigMap> ConfigMaps(IKubernetes client) =>
        new CoreResourceClient<V1ConfigMap, V1ConfigMapList>(V1ConfigMap.KubeKind, new(
            (ns, s, limit, cont, ct) => ns is null
                ? client.CoreV1.ListConfigMapForAllNamespacesAsync(continueParameter: cont, fieldSelector: s.FieldSelector, labelSelector: s.LabelSelector, limit: limit, cancellationToken: ct)
                : client.CoreV1.ListNamespacedConfigMapAsync(ns, continueParameter: cont, fieldSelector: s.FieldSelector, labelSelector: s.LabelSelector, limit: limit, cancellationToken: ct),
            Watch<V1ConfigMap>(client, "configmaps"),
            (key, ct) => client.CoreV1.ReadNamespacedConfigMapAsync(key.Name, key.Namespace, cancellationToken: ct)));

    /// <summary>Pods, through the typed CoreV1 calls (the watch through <see cref="WatchStream"/>; label-selected by the caller
    /// to keep memory bounded).</summary>
    public static IResourceClient<V1Pod> Pods(IKubernetes client) =>
        new CoreResourceClient<V1Pod, V1PodList>(V1Pod.KubeKind, new(
            (ns, s, limit, cont, ct) => ns is null
                ? client.CoreV1.ListPodForAllNamespacesAsync(continueParameter: cont, fieldSelector: s.FieldSelector, labelSelector: s.LabelSelector, limit: limit, cancellationToken: ct)
                : client.CoreV1.ListNamespacedPodAsync(ns, continueParameter: cont, fieldSelector: s.FieldSelector, labelSelector: s.LabelSelector, limit: limit, cancellationToken: ct),
            Watch<V1Pod>(client, "pods"),
            (key, ct) => client.CoreV1.ReadNamespacedPodAsync(key.Name, key.Namespace, cancellationToken: ct)));

    // The typed watch calls read each event as a UTF-16 line and decode it twice (once to see whether it is a Status).
    private static Func<string?, ResourceSelector, string, int, Action<Exception>, CancellationToken, IAsyncEnumerable<(WatchEventType, T)>> Watch<T>(IKubernetes client, string plural)
        where T : class
    {
        var connection = new ApiConnection(client);
        var path = new ApiPath("", "v1", plural);
        return (ns, selector, rv, timeout, onError, ct) => WatchStream.ReadAsync<T>(connection, path.Watch(ns, selector, rv, timeout), onError, ct);
    }
}
