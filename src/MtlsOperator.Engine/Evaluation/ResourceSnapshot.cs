using System.Collections.Immutable;
using k8s;
using k8s.Models;
using MtlsOperator.Engine.Api;

namespace MtlsOperator.Engine.Evaluation;

/// <summary>An immutable set of objects to evaluate against, e.g. the manifests given to <c>render</c>.</summary>
public sealed class ResourceSnapshot : IResourceLookup
{
    private readonly ImmutableDictionary<(string Kind, string Namespace, string Name), IKubernetesObject<V1ObjectMeta>> _objects;

    private ResourceSnapshot(ImmutableDictionary<(string, string, string), IKubernetesObject<V1ObjectMeta>> objects) => _objects = objects;

    /// <summary>An empty snapshot.</summary>
    public static ResourceSnapshot Empty { get; } = new(ImmutableDictionary<(string, string, string), IKubernetesObject<V1ObjectMeta>>.Empty);

    /// <summary>A snapshot of <paramref name="objects"/>; a later object replaces an earlier one of the same kind, namespace and name.</summary>
    public static ResourceSnapshot Of(IEnumerable<IKubernetesObject<V1ObjectMeta>> objects) => Empty.With(objects);

    /// <summary>All objects, in a stable order (kind, namespace, name).</summary>
    public IEnumerable<IKubernetesObject<V1ObjectMeta>> All =>
        _objects.OrderBy(p => p.Key.Kind, StringComparer.Ordinal)
            .ThenBy(p => p.Key.Namespace, StringComparer.Ordinal)
            .ThenBy(p => p.Key.Name, StringComparer.Ordinal)
            .Select(p => p.Value);

    /// <summary>Objects of one C# type, in a stable order.</summary>
    public IEnumerable<T> OfType<T>() where T : IKubernetesObject<V1ObjectMeta> => All.OfType<T>();

    /// <summary>This snapshot with <paramref name="objects"/> added or replaced.</summary>
    public ResourceSnapshot With(IEnumerable<IKubernetesObject<V1ObjectMeta>> objects)
    {
        var builder = _objects.ToBuilder();
        foreach (var o in objects)
        {
            builder[KeyOf(o)] = o;
        }

        return new ResourceSnapshot(builder.ToImmutable());
    }

    public V1Secret? FindSecret(string @namespace, string name) => Find<V1Secret>(V1Secret.KubeKind, @namespace, name);

    public V1ConfigMap? FindConfigMap(string @namespace, string name) => Find<V1ConfigMap>(V1ConfigMap.KubeKind, @namespace, name);

    public TrustBundle? FindTrustBundle(string @namespace, string name) => Find<TrustBundle>(TrustBundle.KindName, @namespace, name);

    public ServerCertificate? FindServerCertificate(string @namespace, string name) =>
        Find<ServerCertificate>(ServerCertificate.KindName, @namespace, name);

    public ClientAuthPolicy? FindClientAuthPolicy(string @namespace, string name) =>
        Find<ClientAuthPolicy>(ClientAuthPolicy.KindName, @namespace, name);

    public ClientCertificateAuthority? FindClientCertificateAuthority(string @namespace, string name) =>
        Find<ClientCertificateAuthority>(ClientCertificateAuthority.KindName, @namespace, name);

    public IssuedClientCertificate? FindIssuedClientCertificate(string @namespace, string name) =>
        Find<IssuedClientCertificate>(IssuedClientCertificate.KindName, @namespace, name);

    public IReadOnlyList<IssuedClientCertificate> IssuedClientCertificatesIn(string @namespace) =>
        [.. OfType<IssuedClientCertificate>().Where(c => (c.Metadata.NamespaceProperty ?? "default") == @namespace)];

    public IReadOnlyList<ClientCertificateRevocation> ClientCertificateRevocationsIn(string @namespace) =>
        [.. OfType<ClientCertificateRevocation>().Where(c => (c.Metadata.NamespaceProperty ?? "default") == @namespace)];

    private T? Find<T>(string kind, string @namespace, string name) where T : class =>
        _objects.TryGetValue((kind, @namespace, name), out var o) ? o as T : null;

    private static (string, string, string) KeyOf(IKubernetesObject<V1ObjectMeta> o)
    {
        var key = ResourceKey.Of(o);
        return (key.Kind, key.Namespace, key.Name);
    }
}
