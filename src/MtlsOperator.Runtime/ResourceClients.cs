using k8s;
using k8s.Models;

namespace MtlsOperator.Runtime;

/// <summary>Resource clients for the built-in kinds the runtime is used with.</summary>
public static class ResourceClients
{
    /// <summary>Secrets, through the typed CoreV1 calls.</summary>
    public static IResourceClient<V1Secret> Secrets(IKubernetes client) =>
        new CoreResourceClient<V1Secret, V1SecretList>(V1Secret.KubeKind, new(
            (ns, s, limit, cont, ct) => ns is null
                ? client.CoreV1.ListSecretForAllNamespacesAsync(continueParameter: cont, fieldSelector: s.FieldSelector, labelSelector: s.LabelSelector, limit: limit, cancellationToken: ct)
                : client.CoreV1.ListNamespacedSecretAsync(ns, continueParameter: cont, fieldSelector: s.FieldSelector, labelSelector: s.LabelSelector, limit: limit, cancellationToken: ct),
            (ns, s, rv, timeout, onError, ct) => ns is null
                ? client.CoreV1.WatchListSecretForAllNamespacesAsync(allowWatchBookmarks: true, fieldSelector: s.FieldSelector, labelSelector: s.LabelSelector, resourceVersion: rv, timeoutSeconds: timeout, onError: onError, cancellationToken: ct)
                : client.CoreV1.WatchListNamespacedSecretAsync(ns, allowWatchBookmarks: true, fieldSelector: s.FieldSelector, labelSelector: s.LabelSelector, resourceVersion: rv, timeoutSeconds: timeout, onError: onError, cancellationToken: ct),
            (key, ct) => client.CoreV1.ReadNamespacedSecretAsync(key.Name, key.Namespace, cancellationToken: ct)));

    /// <summary>ConfigMaps, through the typed CoreV1 calls.</summary>
    public static IResourceClient<V1ConfigMap> ConfigMaps(IKubernetes client) =>
        new CoreResourceClient<V1ConfigMap, V1ConfigMapList>(V1ConfigMap.KubeKind, new(
            (ns, s, limit, cont, ct) => ns is null
                ? client.CoreV1.ListConfigMapForAllNamespacesAsync(continueParameter: cont, fieldSelector: s.FieldSelector, labelSelector: s.LabelSelector, limit: limit, cancellationToken: ct)
                : client.CoreV1.ListNamespacedConfigMapAsync(ns, continueParameter: cont, fieldSelector: s.FieldSelector, labelSelector: s.LabelSelector, limit: limit, cancellationToken: ct),
            (ns, s, rv, timeout, onError, ct) => ns is null
                ? client.CoreV1.WatchListConfigMapForAllNamespacesAsync(allowWatchBookmarks: true, fieldSelector: s.FieldSelector, labelSelector: s.LabelSelector, resourceVersion: rv, timeoutSeconds: timeout, onError: onError, cancellationToken: ct)
                : client.CoreV1.WatchListNamespacedConfigMapAsync(ns, allowWatchBookmarks: true, fieldSelector: s.FieldSelector, labelSelector: s.LabelSelector, resourceVersion: rv, timeoutSeconds: timeout, onError: onError, cancellationToken: ct),
            (key, ct) => client.CoreV1.ReadNamespacedConfigMapAsync(key.Name, key.Namespace, cancellationToken: ct)));

    /// <summary>Pods, through the typed CoreV1 calls (label-selected by the caller to keep memory bounded).</summary>
    public static IResourceClient<V1Pod> Pods(IKubernetes client) =>
        new CoreResourceClient<V1Pod, V1PodList>(V1Pod.KubeKind, new(
            (ns, s, limit, cont, ct) => ns is null
                ? client.CoreV1.ListPodForAllNamespacesAsync(continueParameter: cont, fieldSelector: s.FieldSelector, labelSelector: s.LabelSelector, limit: limit, cancellationToken: ct)
                : client.CoreV1.ListNamespacedPodAsync(ns, continueParameter: cont, fieldSelector: s.FieldSelector, labelSelector: s.LabelSelector, limit: limit, cancellationToken: ct),
            (ns, s, rv, timeout, onError, ct) => ns is null
                ? client.CoreV1.WatchListPodForAllNamespacesAsync(allowWatchBookmarks: true, fieldSelector: s.FieldSelector, labelSelector: s.LabelSelector, resourceVersion: rv, timeoutSeconds: timeout, onError: onError, cancellationToken: ct)
                : client.CoreV1.WatchListNamespacedPodAsync(ns, allowWatchBookmarks: true, fieldSelector: s.FieldSelector, labelSelector: s.LabelSelector, resourceVersion: rv, timeoutSeconds: timeout, onError: onError, cancellationToken: ct),
            (key, ct) => client.CoreV1.ReadNamespacedPodAsync(key.Name, key.Namespace, cancellationToken: ct)));
}
