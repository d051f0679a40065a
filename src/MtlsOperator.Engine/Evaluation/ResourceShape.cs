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

        var node = JsonNode.Parse(KubernetesJson.Serialize(resource));
        if (node?["spec"] is not JsonObject spec)
        {
            return "spec is missing or not a mapping; give the resource a spec.";
        }

        if (FirstNull(spec, "spec") is { } path)
        {
            return $"{path} is empty (null); remove that list item or fill it in.";
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

    private static string? FirstNull(JsonNode node, string path)
    {
        switch (node)
        {
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    var itemPath = $"{path}[{i}]";
                    if (array[i] is not { } item)
                    {
                        return itemPath;
                    }

                    if (FirstNull(item, itemPath) is { } found)
                    {
                        return found;
                    }
                }

                return null;
            case JsonObject map:
                foreach (var (key, value) in map)
                {
                    if (value is not null && FirstNull(value, $"{path}.{key}") is { } found)
                    {
                        return found;
                    }
                }

                return null;
            default:
                return null;
        }
    }
}
