using System.Collections;
using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using k8s.Models;
using MtlsOperator.Engine.Api;

namespace MtlsOperator.Crds;

/// <summary>Generates the CustomResourceDefinitions from the C# API types: one source of truth for schema, docs and validation.</summary>
internal sealed class CrdGenerator
{
    private readonly XmlDocs _docs = XmlDocs.For(typeof(TrustBundle).Assembly);

    /// <summary>File name and YAML text of each CRD, in a stable order.</summary>
    public IReadOnlyList<(string FileName, string Yaml)> GenerateAll() =>
        CrdCatalog.Kinds.Select(k => ($"{k.Plural}.{CustomResourceGroup}.yaml", Cli.ManifestYaml.Write(Generate(k)))).ToList();

    private const string CustomResourceGroup = TrustBundle.Group;

    public JsonObject Generate(CrdKind kind)
    {
        var columns = new JsonArray(
            Column(new PrinterColumn("Ready", "string", ".status.conditions[?(@.type==\"Ready\")].status")),
            Column(new PrinterColumn("Reason", "string", ".status.conditions[?(@.type==\"Ready\")].reason")));
        foreach (var c in kind.ExtraColumns)
        {
            columns.Add(Column(c));
        }

        columns.Add(Column(new PrinterColumn("Age", "date", ".metadata.creationTimestamp")));
        var specType = kind.Type.GetProperty("Spec")!.PropertyType;
        var statusType = kind.Type.GetProperty("Status")!.PropertyType;
        var root = new JsonObject
        {
            ["type"] = "object",
            ["description"] = _docs.Of(kind.Type),
            ["properties"] = new JsonObject
            {
                ["apiVersion"] = new JsonObject { ["type"] = "string" },
                ["kind"] = new JsonObject { ["type"] = "string" },
                ["metadata"] = new JsonObject { ["type"] = "object" },
                ["spec"] = Schema(specType),
                ["status"] = Schema(statusType),
            },
            ["required"] = new JsonArray("spec"),
        };

        return new JsonObject
        {
            ["apiVersion"] = "apiextensions.k8s.io/v1",
            ["kind"] = "CustomResourceDefinition",
            ["metadata"] = new JsonObject
            {
                ["name"] = $"{kind.Plural}.{CustomResourceGroup}",
                ["labels"] = new JsonObject { ["app.kubernetes.io/name"] = "mtls-operator" },
            },
            ["spec"] = new JsonObject
            {
                ["group"] = CustomResourceGroup,
                ["names"] = new JsonObject
                {
                    ["kind"] = kind.Kind,
                    ["listKind"] = kind.Kind + "List",
                    ["plural"] = kind.Plural,
                    ["singular"] = kind.Singular,
                    ["shortNames"] = new JsonArray(kind.ShortNames.Select(s => (JsonNode)s).ToArray()),
                    ["categories"] = new JsonArray(CrdCatalog.Category),
                },
                ["scope"] = "Namespaced",
                ["versions"] = new JsonArray(new JsonObject
                {
                    ["name"] = TrustBundle.Version,
                    ["served"] = true,
                    ["storage"] = true,
                    ["subresources"] = new JsonObject { ["status"] = new JsonObject() },
                    ["additionalPrinterColumns"] = columns,
                    ["schema"] = new JsonObject { ["openAPIV3Schema"] = root },
                }),
            },
        };
    }

    private static JsonObject Column(PrinterColumn c)
    {
        var o = new JsonObject { ["name"] = c.Name, ["type"] = c.Type, ["jsonPath"] = c.JsonPath };
        if (c.Priority != 0)
        {
            o["priority"] = c.Priority;
        }

        return o;
    }

    private JsonObject Schema(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(V1Condition))
        {
            return ConditionSchema();
        }

        if (type == typeof(string))
        {
            return new JsonObject { ["type"] = "string" };
        }

        if (type == typeof(int))
        {
            return new JsonObject { ["type"] = "integer", ["format"] = "int32" };
        }

        if (type == typeof(long))
        {
            return new JsonObject { ["type"] = "integer", ["format"] = "int64" };
        }

        if (type == typeof(bool))
        {
            return new JsonObject { ["type"] = "boolean" };
        }

        if (type == typeof(DateTime) || type == typeof(DateTimeOffset))
        {
            return new JsonObject { ["type"] = "string", ["format"] = "date-time" };
        }

        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(List<>))
        {
            var item = type.GetGenericArguments()[0];
            var array = new JsonObject { ["type"] = "array", ["items"] = Schema(item) };
            if (item == typeof(V1Condition))
            {
                // Lets server-side apply and kstatus treat conditions as a map keyed by type.
                array["x-kubernetes-list-type"] = "map";
                array["x-kubernetes-list-map-keys"] = new JsonArray("type");
            }

            return array;
        }

        if (typeof(IDictionary).IsAssignableFrom(type) && type.IsGenericType)
        {
            return new JsonObject { ["type"] = "object", ["additionalProperties"] = Schema(type.GetGenericArguments()[1]) };
        }

        return ObjectSchema(type);
    }

    private JsonObject ObjectSchema(Type type)
    {
        var properties = new JsonObject();
        var required = new JsonArray();
        var defaults = Activator.CreateInstance(type);
        foreach (var p in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var name = p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name;
            if (name is null)
            {
                continue;
            }

            var schema = Schema(p.PropertyType);
            if (_docs.Of(p) is { } description)
            {
                schema["description"] = description;
            }

            ApplyConstraints(p, schema);
            if (p.PropertyType == typeof(int) && p.GetValue(defaults) is int d && d != 0)
            {
                schema["default"] = d;
            }

            if (p.GetCustomAttribute<RequiredAttribute>() is not null)
            {
                required.Add(name);
            }

            properties[name] = schema;
        }

        var o = new JsonObject { ["type"] = "object" };
        if (_docs.Of(type) is { } typeDescription)
        {
            o["description"] = typeDescription;
        }

        o["properties"] = properties;
        if (required.Count > 0)
        {
            o["required"] = required;
        }

        AddAlternatives(type, o);
        AddRules(type.GetCustomAttributes<ValidationRuleAttribute>(), o);
        return o;
    }

    /// <summary>Exactly-one / at-least-one field groups as OpenAPI <c>oneOf</c> / <c>anyOf</c> of <c>required</c>: checked by the API
    /// server's schema validation, so they cost nothing against the CEL budget.</summary>
    private static void AddAlternatives(Type type, JsonObject schema)
    {
        if (type.GetCustomAttribute<ExactlyOneOfAttribute>() is { } one)
        {
            schema["oneOf"] = Alternatives(one.Fields);
        }

        if (type.GetCustomAttribute<AtLeastOneOfAttribute>() is { } any)
        {
            schema["anyOf"] = Alternatives(any.Fields);
        }
    }

    private static JsonArray Alternatives(IEnumerable<string> fields) =>
        new(fields.Select(f => (JsonNode)new JsonObject { ["required"] = new JsonArray(f) }).ToArray());

    private static void ApplyConstraints(PropertyInfo p, JsonObject schema)
    {
        var isArray = (string?)schema["type"] == "array";
        if (p.GetCustomAttribute<MinLengthAttribute>() is { } min)
        {
            schema[isArray ? "minItems" : "minLength"] = min.Length;
        }

        if (p.GetCustomAttribute<MaxLengthAttribute>() is { } max)
        {
            schema[isArray ? "maxItems" : "maxLength"] = max.Length;
        }

        if (p.GetCustomAttribute<ItemsAttribute>() is { } items && schema["items"] is JsonObject itemSchema)
        {
            if (items.MaxLength > 0)
            {
                itemSchema["maxLength"] = items.MaxLength;
            }

            if (items.Pattern is { } itemPattern)
            {
                itemSchema["pattern"] = itemPattern;
            }
        }

        if (p.GetCustomAttribute<RangeAttribute>() is { } range)
        {
            schema["minimum"] = Convert.ToInt64(range.Minimum, System.Globalization.CultureInfo.InvariantCulture);
            schema["maximum"] = Convert.ToInt64(range.Maximum, System.Globalization.CultureInfo.InvariantCulture);
        }

        if (p.GetCustomAttribute<AllowedValuesAttribute>() is { } allowed)
        {
            schema["enum"] = new JsonArray(allowed.Values.Select(v => (JsonNode?)JsonValue.Create(v?.ToString())).ToArray());
        }

        if (p.GetCustomAttribute<RegularExpressionAttribute>() is { } regex)
        {
            schema["pattern"] = regex.Pattern;
        }

        AddRules(p.GetCustomAttributes<ValidationRuleAttribute>(), schema);
    }

    private static void AddRules(IEnumerable<ValidationRuleAttribute> rules, JsonObject schema)
    {
        var list = rules.Select(r => (JsonNode)new JsonObject { ["rule"] = r.Rule, ["message"] = r.Message }).ToArray();
        if (list.Length > 0)
        {
            schema["x-kubernetes-validations"] = new JsonArray(list);
        }
    }

    /// <summary>The metav1.Condition schema as Kubernetes publishes it (required fields, patterns and bounds), with its field docs.</summary>
    private static JsonObject ConditionSchema() => new()
    {
        ["type"] = "object",
        ["description"] = "A KEP-1623 condition (metav1.Condition).",
        ["properties"] = new JsonObject
        {
            ["type"] = new JsonObject
            {
                ["type"] = "string", ["maxLength"] = 316, ["pattern"] = ConditionTypePattern,
                ["description"] = "Type of condition in CamelCase, e.g. Ready or Stalled.",
            },
            ["status"] = new JsonObject
            {
                ["type"] = "string", ["enum"] = new JsonArray("True", "False", "Unknown"),
                ["description"] = "Status of the condition: True, False or Unknown.",
            },
            ["reason"] = new JsonObject
            {
                ["type"] = "string", ["minLength"] = 1, ["maxLength"] = 1024, ["pattern"] = ConditionReasonPattern,
                ["description"] = "A CamelCase word for the last transition, e.g. Rendered or TrustBundleNotFound.",
            },
            ["message"] = new JsonObject
            {
                ["type"] = "string", ["maxLength"] = 32768,
                ["description"] = "What happened, for people, and what to change.",
            },
            ["observedGeneration"] = new JsonObject
            {
                ["type"] = "integer", ["format"] = "int64", ["minimum"] = 0,
                ["description"] = "The metadata.generation the condition was set from.",
            },
            ["lastTransitionTime"] = new JsonObject
            {
                ["type"] = "string", ["format"] = "date-time",
                ["description"] = "When the status last changed from one value to another.",
            },
        },
        ["required"] = new JsonArray("type", "status", "lastTransitionTime", "reason", "message"),
    };

    // The patterns of k8s.io/apimachinery/pkg/apis/meta/v1 Condition (kubebuilder markers of types.go).
    private const string ConditionTypePattern = @"^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$";
    private const string ConditionReasonPattern = "^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$";
}
