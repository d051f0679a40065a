using k8s;
using k8s.Models;

namespace MtlsOperator.Runtime;

/// <summary>The <c>namespace/name</c> identity of an object; what caches are keyed by and controllers reconcile.</summary>
public readonly record struct ObjectKey(string? Namespace, string Name)
{
    /// <summary>The key of <paramref name="resource"/>.</summary>
    public static ObjectKey Of(IKubernetesObject<V1ObjectMeta> resource) =>
        new(NullIfEmpty(resource.Metadata?.NamespaceProperty), resource.Metadata?.Name ?? "");

    /// <summary>Parses <c>namespace/name</c>, or <c>name</c> for a cluster-scoped object.</summary>
    public static ObjectKey Parse(string text)
    {
        var slash = text.IndexOf('/');
        return slash < 0 ? new ObjectKey(null, text) : new ObjectKey(NullIfEmpty(text[..slash]), text[(slash + 1)..]);
    }

    public override string ToString() => Namespace is null ? Name : $"{Namespace}/{Name}";

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
