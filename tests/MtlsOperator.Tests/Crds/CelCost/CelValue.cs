using System.Text.Json.Nodes;

namespace MtlsOperator.Tests.Crds.CelCost;

/// <summary>The kinds of CEL value the cost model tells apart.</summary>
internal enum CelKind
{
    Bool,
    Int,
    String,
    List,
    Object,
}

/// <summary>What the cost estimator knows of a CEL value: its kind, its largest size (string length or list items, as
/// apiextensions' size estimator reports them), the schema it came from and, for lists, its items.</summary>
internal sealed record CelValue(CelKind Kind, ulong MaxSize, JsonObject? Schema = null, CelValue? Items = null)
{
    /// <summary>The request size limit every unbounded estimate is derived from (3 MiB).</summary>
    public const ulong MaxRequestSizeBytes = 3 * 1024 * 1024;

    public static CelValue Bool { get; } = new(CelKind.Bool, 1);

    public static CelValue Int { get; } = new(CelKind.Int, 1);

    /// <summary>The value a schema node binds to, sized the way k8s.io/apiserver/pkg/cel's SchemaDeclType sizes it.</summary>
    public static CelValue Of(JsonObject schema)
    {
        switch ((string?)schema["type"])
        {
            case "string":
                var max = schema["maxLength"] is { } m ? (ulong)(long)m
                    : schema["enum"] is JsonArray e ? (ulong)e.Max(v => ((string?)v)?.Length ?? 0)
                    : (string?)schema["format"] == "date-time" ? 32UL
                    : MaxRequestSizeBytes - 2;
                return new CelValue(CelKind.String, max, schema);
            case "integer":
                return Int with { Schema = schema };
            case "boolean":
                return Bool with { Schema = schema };
            case "array":
                var items = Of((JsonObject)schema["items"]!);
                var count = schema["maxItems"] is { } n ? (ulong)(long)n : (MaxRequestSizeBytes - 2) / (MinSerializedSize(items) + 1);
                return new CelValue(CelKind.List, count, schema, items);
            case "object":
                return new CelValue(CelKind.Object, ulong.MaxValue, schema);
            default:
                throw new NotSupportedException($"schema type {(string?)schema["type"]} is not modelled by the CEL cost estimator");
        }
    }

    /// <summary>Smallest JSON text of a value: <c>""</c>, <c>0</c>, <c>true</c>, <c>[]</c>, <c>{}</c>.</summary>
    public static ulong MinSerializedSize(CelValue value) => value.Kind switch
    {
        CelKind.Int => 1,
        CelKind.Bool => 4,
        _ => 2,
    };

    /// <summary>How often a rule on this value can run in one object when no list above it has maxItems (apiextensions' maxCardinality).</summary>
    public static ulong UnboundedCardinality(JsonObject schema) => MaxRequestSizeBytes / (MinSerializedSize(Of(schema)) + 1);

    /// <summary>The field <paramref name="name"/> of an object value.</summary>
    public CelValue Field(string name) =>
        Kind == CelKind.Object && Schema?["properties"]?[name] is JsonObject field
            ? Of(field)
            : throw new NotSupportedException($"no field {name} in the schema the rule is declared on");
}
