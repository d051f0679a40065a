using k8s.Models;

namespace MtlsOperator.Engine.Api;

/// <summary>Stamps rendered objects as owned by a custom resource and tells whether an existing object is ours to replace.</summary>
public static class OutputOwnership
{
    /// <summary>Labels, generation annotation and (when the owner has a uid) a controller owner reference for an output of <paramref name="owner"/>.</summary>
    public static V1ObjectMeta MetadataFor(string name, k8s.IKubernetesObject<V1ObjectMeta> owner)
    {
        var meta = new V1ObjectMeta
        {
            Name = name,
            NamespaceProperty = owner.Metadata.NamespaceProperty,
            Labels = new Dictionary<string, string>
            {
                [OutputMetadata.ManagedByLabel] = OutputMetadata.ManagedByValue,
                [OutputMetadata.OwnerKindLabel] = owner.Kind,
                [OutputMetadata.OwnerNameLabel] = owner.Metadata.Name,
            },
            Annotations = new Dictionary<string, string>
            {
                [OutputMetadata.GenerationAnnotation] = (owner.Metadata.Generation ?? 0).ToString(System.Globalization.CultureInfo.InvariantCulture),
            },
        };
        if (!string.IsNullOrEmpty(owner.Metadata.Uid))
        {
            meta.OwnerReferences =
            [
                new V1OwnerReference
                {
                    ApiVersion = owner.ApiVersion,
                    Kind = owner.Kind,
                    Name = owner.Metadata.Name,
                    Uid = owner.Metadata.Uid,
                    Controller = true,
                    BlockOwnerDeletion = true,
                },
            ];
        }

        return meta;
    }

    /// <summary>True when <paramref name="existing"/> was written by the operator for this owner (by label, and by uid when both carry one).</summary>
    public static bool IsOwnedBy(V1ObjectMeta existing, k8s.IKubernetesObject<V1ObjectMeta> owner)
    {
        var labels = existing.Labels ?? new Dictionary<string, string>();
        var labelled = labels.TryGetValue(OutputMetadata.ManagedByLabel, out var m) && m == OutputMetadata.ManagedByValue
            && labels.TryGetValue(OutputMetadata.OwnerKindLabel, out var k) && k == owner.Kind
            && labels.TryGetValue(OutputMetadata.OwnerNameLabel, out var n) && n == owner.Metadata.Name;
        if (!labelled)
        {
            return false;
        }

        var uid = owner.Metadata.Uid;
        var refs = existing.OwnerReferences;
        return string.IsNullOrEmpty(uid) || refs is null || refs.Count == 0 || refs.Any(r => r.Uid == uid);
    }

    /// <summary>The owner generation recorded on an output, if any.</summary>
    public static long? GenerationOf(V1ObjectMeta existing) =>
        existing.Annotations is { } a && a.TryGetValue(OutputMetadata.GenerationAnnotation, out var g)
            && long.TryParse(g, System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : null;
}
