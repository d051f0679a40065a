using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MtlsOperator.Crds;

/// <summary>docs/api-reference.md, written from the CRDs' OpenAPI schemas (the objects <see cref="CrdGenerator"/> builds), so the page says
/// exactly what the API server validates: every field with its type, whether it is required, its bounds, enum, pattern, default, the
/// CEL rules on it, and its description.</summary>
internal static class ApiReference
{
    /// <summary>The command that regenerates the page (and the CRDs it is written from).</summary>
    public const string Command = "dotnet run --project src/MtlsOperator -- crds --out crds --chart charts/mtls-operator --api-reference docs/api-reference.md";

    public static string Render(IEnumerable<JsonObject> crds)
    {
        var list = crds.ToList();
        var text = new StringBuilder();
        text.Append("# API reference: `mtls-operator.io/v1alpha1`\n\n");
        text.Append("Generated from the CRDs' schemas (the C# types in `src/MtlsOperator.Engine/Api`) by\n");
        text.Append(CultureInfo.InvariantCulture, $"`{Command}`;\n");
        text.Append("a test fails when this page is out of date. Every field below is what `kubectl explain` shows and what the API server checks.\n");
        text.Append("What each status reason means and what to do: [reasons.md](reasons.md). How the API may change: [api-versioning.md](api-versioning.md).\n\n");
        text.Append("A field path reads like `kubectl explain`: `spec.pins[]` is an item of the list `spec.pins`, `spec.x{}` a value of the map `spec.x`.\n");
        text.Append("Constraints: `1..64 items` (minItems..maxItems), `≤ 253 chars` (maxLength), `1..65535` (minimum..maximum), `one of` (enum),\n");
        text.Append("`pattern`, `default`; *exactly one of* / *at least one of* come from the object's `oneOf` / `anyOf`, and *rule* lines are its CEL validations.\n\n");
        foreach (var crd in list)
        {
            var names = crd["spec"]!["names"]!;
            text.Append(CultureInfo.InvariantCulture, $"- [{names["kind"]}](#{Anchor((string)names["kind"]!)})\n");
        }

        foreach (var crd in list)
        {
            Kind(text, crd);
        }

        return text.ToString();
    }

    private static void Kind(StringBuilder text, JsonObject crd)
    {
        var spec = crd["spec"]!;
        var names = spec["names"]!;
        var version = spec["versions"]![0]!;
        var schema = version["schema"]!["openAPIV3Schema"]!.AsObject();
        var shortNames = names["shortNames"]!.AsArray().Select(n => $"`{n}`");
        text.Append(CultureInfo.InvariantCulture, $"\n## {names["kind"]}\n\n");
        text.Append(CultureInfo.InvariantCulture, $"`{spec["group"]}/{version["name"]}`, {((string)spec["scope"]!).ToLowerInvariant()}; `kubectl get {names["plural"]}` ");
        text.Append(CultureInfo.InvariantCulture, $"(short names {string.Join(", ", shortNames)}; category `{names["categories"]![0]}`).\n\n");
        text.Append(Cell(Description(schema))).Append("\n\n");
        text.Append("`kubectl get` columns: ");
        text.Append(string.Join(", ", version["additionalPrinterColumns"]!.AsArray().Select(c => $"{c!["name"]} (`{c["jsonPath"]}`)")));
        text.Append(".\n");
        foreach (var part in new[] { "spec", "status" })
        {
            var root = schema["properties"]![part]!.AsObject();
            var required = Strings(schema["required"]).Contains(part);
            text.Append(CultureInfo.InvariantCulture, $"\n### {part}\n\n");
            text.Append(Cell(Description(root))).Append("\n\n");
            text.Append("| Field | Type | Required | Constraints | Description |\n|---|---|---|---|---|\n");
            text.Append(CultureInfo.InvariantCulture, $"| `{part}` | object | {(required ? "yes" : "")} | {Cell(Constraints(root))} | {Cell(Description(root))} |\n");
            Fields(text, part, root);
        }
    }

    private static void Fields(StringBuilder text, string path, JsonObject schema)
    {
        if (schema["properties"] is not JsonObject properties)
        {
            if (schema["items"] is JsonObject items)
            {
                ChildrenOf(text, path + "[]", items);
            }
            else if (schema["additionalProperties"] is JsonObject values)
            {
                ChildrenOf(text, path + "{}", values);
            }

            return;
        }

        var required = Strings(schema["required"]);
        foreach (var (name, node) in properties)
        {
            var field = node!.AsObject();
            var fieldPath = $"{path}.{name}";
            text.Append(CultureInfo.InvariantCulture, $"| `{fieldPath}` | {TypeOf(field)} | {(required.Contains(name) ? "yes" : "")} | {Cell(Constraints(field))} | {Cell(Description(field))} |\n");
            Fields(text, fieldPath, field);
        }
    }

    /// <summary>A list's item (or a map's value): a row of its own when it has constraints (bounds, pattern, exactly-one-of), then its fields.</summary>
    private static void ChildrenOf(StringBuilder text, string path, JsonObject item)
    {
        if (Constraints(item) is { Length: > 0 } constraints)
        {
            text.Append(CultureInfo.InvariantCulture, $"| `{path}` | {TypeOf(item)} | | {Cell(constraints)} | {Cell(Description(item))} |\n");
        }

        Fields(text, path, item);
    }

    private static string TypeOf(JsonObject schema)
    {
        var type = (string?)schema["type"] ?? "any";
        return type switch
        {
            "array" => "list of " + TypeOf(schema["items"]!.AsObject()),
            "object" when schema["additionalProperties"] is JsonObject values => "map of string to " + TypeOf(values),
            "string" or "integer" when schema["format"] is { } format => $"{type} ({format})",
            _ => type,
        };
    }

    private static string Constraints(JsonObject schema)
    {
        var parts = new List<string>();
        Range(parts, schema, "minItems", "maxItems", " items");
        Range(parts, schema, "minLength", "maxLength", " chars");
        Range(parts, schema, "minimum", "maximum", "");
        Range(parts, schema, "minProperties", "maxProperties", " entries");
        if (schema["enum"] is JsonArray values)
        {
            parts.Add("one of " + string.Join(", ", values.Select(v => $"`{v}`")));
        }

        if (schema["pattern"] is { } pattern)
        {
            parts.Add($"pattern `{pattern}`");
        }

        if (schema["default"] is { } value)
        {
            parts.Add($"default `{value.ToJsonString(Compact)}`");
        }

        if (schema["x-kubernetes-list-type"] is { } listType)
        {
            parts.Add($"list type `{listType}`" + (schema["x-kubernetes-list-map-keys"] is JsonArray keys ? $" keyed by {string.Join(", ", keys.Select(k => $"`{k}`"))}" : ""));
        }

        parts.Add(ObjectNotes(schema).Replace("\n\n", "", StringComparison.Ordinal).Trim());
        foreach (var rule in schema["x-kubernetes-validations"]?.AsArray() ?? [])
        {
            parts.Add($"rule `{rule!["rule"]}`: {rule["message"]}");
        }

        return string.Join("; ", parts.Where(p => p.Length > 0));
    }

    /// <summary>Exactly-one-of / at-least-one-of field groups, from <c>oneOf</c> / <c>anyOf</c> of <c>required</c>.</summary>
    private static string ObjectNotes(JsonObject schema)
    {
        var notes = new List<string>();
        if (schema["oneOf"] is JsonArray one)
        {
            notes.Add("exactly one of " + string.Join(", ", one.SelectMany(a => Strings(a!["required"])).Select(f => $"`{f}`")));
        }

        if (schema["anyOf"] is JsonArray any)
        {
            notes.Add("at least one of " + string.Join(", ", any.SelectMany(a => Strings(a!["required"])).Select(f => $"`{f}`")));
        }

        return notes.Count == 0 ? "" : string.Join("; ", notes) + "\n\n";
    }

    private static void Range(List<string> parts, JsonObject schema, string minKey, string maxKey, string unit)
    {
        var min = schema[minKey]?.ToJsonString();
        var max = schema[maxKey]?.ToJsonString();
        if (min is not null && max is not null)
        {
            parts.Add($"{min}..{max}{unit}");
        }
        else if (max is not null)
        {
            parts.Add($"≤ {max}{unit}");
        }
        else if (min is not null)
        {
            parts.Add($"≥ {min}{unit}");
        }
    }

    private static HashSet<string> Strings(JsonNode? array) =>
        array is JsonArray a ? [.. a.Select(n => (string)n!)] : [];

    private static string Description(JsonObject schema) => ((string?)schema["description"] ?? "").Trim();

    /// <summary>Text for one table cell: one line, a <c>|</c> that does not end the cell, and <c>&lt;name&gt;</c> shown rather than read as HTML.</summary>
    internal static string Cell(string text) =>
        text.ReplaceLineEndings(" ").Replace("|", "\\|", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal)
            .Replace(">", "&gt;", StringComparison.Ordinal).Trim();

    private static string Anchor(string heading) => heading.ToLower(CultureInfo.InvariantCulture);

    private static readonly JsonSerializerOptions Compact = new() { WriteIndented = false };
}
