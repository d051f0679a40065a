using System.Text.Json.Nodes;
using MtlsOperator.Cli;

namespace MtlsOperator.Tests.Crds;

/// <summary>One node of a CRD's openAPIV3Schema with its path and how many times it can occur in one object (null: unbounded).</summary>
internal sealed record SchemaField(string Crd, string Path, JsonObject Schema, ulong? Cardinality)
{
    /// <summary>Every node under spec and status of every CRD in <paramref name="folder"/>, depth first.</summary>
    public static IEnumerable<SchemaField> In(string folder) =>
        Directory.GetFiles(folder, "*.yaml").Order(StringComparer.Ordinal).SelectMany(f => Of(File.ReadAllText(f)));

    /// <summary>Every node of one CRD's YAML, root included.</summary>
    public static IEnumerable<SchemaField> Of(string crdYaml)
    {
        var crd = ManifestYaml.ReadDocuments(crdYaml)[0];
        var name = (string)crd["metadata"]!["name"]!;
        var root = (JsonObject)crd["spec"]!["versions"]![0]!["schema"]!["openAPIV3Schema"]!;
        return Walk(name, "", root, 1);
    }

    public string Type => (string?)Schema["type"] ?? "";

    private static IEnumerable<SchemaField> Walk(string crd, string path, JsonObject schema, ulong? cardinality)
    {
        yield return new SchemaField(crd, path, schema, cardinality);
        if (schema["properties"] is JsonObject properties)
        {
            foreach (var (name, child) in properties)
            {
                foreach (var f in Walk(crd, path.Length == 0 ? name : $"{path}.{name}", (JsonObject)child!, cardinality))
                {
                    yield return f;
                }
            }
        }

        if (schema["items"] is JsonObject items)
        {
            // As apiextensions' CELSchemaContext: maxItems multiplies, a list without it makes everything below unbounded.
            var max = schema["maxItems"] is { } m ? (ulong?)(long)m : null;
            foreach (var f in Walk(crd, path + "[]", items, cardinality is { } c && max is { } n ? c * n : null))
            {
                yield return f;
            }
        }
    }
}
