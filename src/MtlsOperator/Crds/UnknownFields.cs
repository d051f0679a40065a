using System.Text.Json.Nodes;

namespace MtlsOperator.Crds;

/// <summary>Fields of a manifest that its kind's CRD schema does not declare: the API server drops them silently, or with kubectl's
/// strict field validation (the default since Kubernetes 1.27) refuses the whole object. Checked against the generated schema.</summary>
internal static class UnknownFields
{
    private static readonly Lazy<Dictionary<string, JsonObject>> s_schemas = new(() =>
    {
        var generator = new CrdGenerator();
        return CrdCatalog.Kinds.ToDictionary(
            k => k.Kind,
            k => (JsonObject)generator.Generate(k)["spec"]!["versions"]![0]!["schema"]!["openAPIV3Schema"]!,
            StringComparer.Ordinal);
    });

    /// <summary>The paths (e.g. <c>spec.upstreamPrt</c>, <c>spec.pins[2].sha265</c>) of undeclared fields of a custom resource of
    /// <paramref name="kind"/>, in document order; empty for a kind the operator does not serve. <c>metadata</c> is the API server's.</summary>
    public static IReadOnlyList<string> Of(string kind, JsonObject document)
    {
        var found = new List<string>();
        if (s_schemas.Value.TryGetValue(kind, out var schema))
        {
            Walk(document, schema, "", found);
        }

        return found;
    }

    private static void Walk(JsonNode? node, JsonObject schema, string path, List<string> found)
    {
        switch (node)
        {
            case JsonObject o when schema["properties"] is JsonObject properties:
                foreach (var (name, value) in o)
                {
                    var at = path.Length == 0 ? name : $"{path}.{name}";
                    if (properties[name] is JsonObject child)
                    {
                        Walk(value, child, at, found);
                    }
                    else
                    {
                        found.Add(at);
                    }
                }

                break;
            case JsonArray a when schema["items"] is JsonObject items:
                for (var i = 0; i < a.Count; i++)
                {
                    Walk(a[i], items, $"{path}[{i}]", found);
                }

                break;
        }
    }
}
