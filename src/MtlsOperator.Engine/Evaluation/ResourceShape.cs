using System.Text.Json.Nodes;
using k8s;
using k8s.Models;

namespace MtlsOperator.Engine.Evaluation;

/// <summary>Holes the API schema would refuse but a manifest file can still hold (<c>spec: null</c>, a null list item),
/// found before any evaluator reads the spec, so they are reported instead of crashing it.</summary>
public static class ResourceShape
{
    /// <summary>The first hole in <paramref name="resource"/>'s spec as a sentence naming its field, or null when there is none.</summary>
    public static string? FirstHole(IKubernetesObject<V1ObjectMeta> resource)
    {
        var node = JsonNode.Parse(KubernetesJson.Serialize(resource));
        if (node?["spec"] is not JsonObject spec)
        {
            return "spec is missing or not a mapping; give the resource a spec.";
        }

        return FirstNull(spec, "spec") is { } path
            ? $"{path} is empty (null); remove that list item or fill it in."
            : null;
    }

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
