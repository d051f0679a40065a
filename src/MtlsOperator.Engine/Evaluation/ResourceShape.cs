using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using MtlsOperator.Engine.Api;

namespace MtlsOperator.Engine.Evaluation;

/// <summary>Holes the API schema would refuse but a manifest file can still hold (<c>spec: null</c>, a null list item),
/// found before any evaluator reads the spec, so they are reported instead of crashing it.</summary>
public static class ResourceShape
{
    /// <summary>The first hole in <paramref name="resource"/>'s spec as a sentence naming its field, or null when there is none.</summary>
    public static string? FirstHole(IKubernetesObject<V1ObjectMeta> resource)
    {
        if (NameProblem(resource) is { } name)
        {
            return name;
        }

        // Every reconcile passes here: the operator's own kinds serialize their spec alone (not metadata, whose
        // last-applied annotation can repeat the spec, nor status) into a pooled document.
        var specText = resource is IOperatorResource own
            ? (own.SpecValue is { } value ? KubernetesJson.Serialize(value) : null)
            : JsonNode.Parse(KubernetesJson.Serialize(resource))?["spec"]?.ToJsonString();
        if (specText is null)
        {
            return "spec is missing or not a mapping; give the resource a spec.";
        }

        using var spec = JsonDocument.Parse(specText);
        if (spec.RootElement.ValueKind != JsonValueKind.Object)
        {
            return "spec is missing or not a mapping; give the resource a spec.";
        }

        if (FirstNull(spec.RootElement) is { } path)
        {
            return $"spec{path} is empty (null); remove that list item or fill it in.";
        }

        return NullList(resource) is { } list ? $"{list} is null; give a list or remove the field." : null;
    }

    // The API server checks metadata; manifest files and spec.outputSecretName are checked here, before any becomes an object name or a path.
    private static string? NameProblem(IKubernetesObject<V1ObjectMeta> resource) =>
        KubernetesNames.SubdomainProblem("metadata.name", resource.Metadata?.Name)
        ?? KubernetesNames.LabelProblem("metadata.namespace", resource.Metadata?.NamespaceProperty)
        ?? resource switch
        {
            MtlsListener l => KubernetesNames.SubdomainProblem(
                string.IsNullOrWhiteSpace(l.Spec?.OutputSecretName) ? "the output Secret name (metadata.name + \"-mtls\")" : "spec.outputSecretName",
                l.Spec is null ? l.Metadata.Name : ListenerSpecDefaults.OutputSecretName(l)),
            TrustBundle b => KubernetesNames.SubdomainProblem(
                string.IsNullOrWhiteSpace(b.Spec?.OutputConfigMapName) ? "the output ConfigMap name (metadata.name + \"-ca\")" : "spec.outputConfigMapName",
                b.Spec is null ? b.Metadata.Name + "-ca" : TrustBundleEvaluator.OutputNameOf(b)),
            _ => null,
        };

    // Serialization drops null properties, so a list written as null is found on the typed spec.
    private static string? NullList(IKubernetesObject<V1ObjectMeta> resource) => resource switch
    {
        TrustBundle b => b.Spec.Sources is null ? "spec.sources" : b.Spec.Crls is null ? "spec.crls" : null,
        ClientAuthPolicy p => p.Spec.Pins is null ? "spec.pins" : p.Spec.Rules is null ? "spec.rules" : null,
        MtlsListener l => l.Spec.ServerCertificateRefs is null ? "spec.serverCertificateRefs" : null,
        ServerCertificate c => c.Spec.Hostnames is null ? "spec.hostnames" : null,
        _ => null,
    };

    // The path below the element (".sources[0]"), built only on the way back from a hole: most specs have none.
    private static string? FirstNull(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Array:
                var i = 0;
                foreach (var item in element.EnumerateArray())
                {
                    if (item.ValueKind == JsonValueKind.Null)
                    {
                        return $"[{i}]";
                    }

                    if (FirstNull(item) is { } found)
                    {
                        return $"[{i}]{found}";
                    }

                    i++;
                }

                return null;
            case JsonValueKind.Object:
                // A null property is not a hole: the serializer drops those, and the typed NullList check covers lists.
                foreach (var property in element.EnumerateObject())
                {
                    if (FirstNull(property.Value) is { } found)
                    {
                        return $".{property.Name}{found}";
                    }
                }

                return null;
            default:
                return null;
        }
    }
}
