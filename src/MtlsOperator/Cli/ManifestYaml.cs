using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Serialization;

namespace MtlsOperator.Cli;

/// <summary>Converts between YAML manifests and JSON, the way kubectl does, so one JSON model (the API's) serves files and cluster alike.</summary>
internal static partial class ManifestYaml
{
    private static readonly ISerializer s_serializer = new SerializerBuilder()
        .WithQuotingNecessaryStrings()
        .DisableAliases()
        .WithEventEmitter(next => new LiteralBlockEmitter(next))
        .Build();

    /// <summary>Manifest keys people look for first come first, the rest keep their order.</summary>
    private static readonly string[] s_leadingKeys = ["apiVersion", "kind", "metadata"];

    /// <summary>Every non-empty document of a multi-document YAML text, as JSON. Throws <see cref="YamlException"/> on malformed YAML.</summary>
    public static IReadOnlyList<JsonNode> ReadDocuments(string text) => YamlDocumentReader.Read(text);

    /// <summary>YAML text of a JSON value, keys in their JSON order, strings quoted only where YAML would misread them.</summary>
    public static string Write(JsonNode node) => s_serializer.Serialize(ToPlain(node is JsonObject o ? Reorder(o) : node));

    private static JsonObject Reorder(JsonObject o)
    {
        var ordered = new JsonObject();
        foreach (var key in s_leadingKeys.Where(o.ContainsKey).Concat(o.Select(p => p.Key).Where(k => !s_leadingKeys.Contains(k)).ToList()))
        {
            ordered[key] = o[key]?.DeepClone();
        }

        return ordered;
    }

    /// <summary>An untagged scalar as JSON: quoted ones are strings, plain ones follow the YAML 1.2 core schema, as kubectl applies it.</summary>
    public static JsonNode? ScalarToJson(string value, ScalarStyle style)
    {
        if (style != ScalarStyle.Plain)
        {
            return JsonValue.Create(value);
        }

        return value switch
        {
            "" or "~" or "null" or "Null" or "NULL" => null,
            "true" or "True" or "TRUE" => JsonValue.Create(true),
            "false" or "False" or "FALSE" => JsonValue.Create(false),
            _ when IntegerPattern().IsMatch(value) && long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l) => JsonValue.Create(l),
            _ when FloatPattern().IsMatch(value) && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => JsonValue.Create(d),
            _ => JsonValue.Create(value),
        };
    }

    private static object? ToPlain(JsonNode? node) => node switch
    {
        null => null,
        JsonObject o => o.Where(p => p.Value is not null).ToDictionary(p => p.Key, p => ToPlain(p.Value)),
        JsonArray a => a.Select(ToPlain).ToList(),
        JsonValue v => v.GetValueKind() switch
        {
            System.Text.Json.JsonValueKind.True => true,
            System.Text.Json.JsonValueKind.False => false,
            System.Text.Json.JsonValueKind.Number when long.TryParse(v.ToJsonString(), CultureInfo.InvariantCulture, out var l) => l,
            System.Text.Json.JsonValueKind.Number => double.Parse(v.ToJsonString(), CultureInfo.InvariantCulture),
            _ => v.GetValue<string>(),
        },
        _ => node.ToJsonString(),
    };

    [GeneratedRegex(@"^[-+]?[0-9]+$")]
    private static partial Regex IntegerPattern();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex FloatPattern();

    /// <summary>Multi-line text that a literal block gives back exactly: no whitespace at the start, no line ending in a space,
    /// no tabs or other control characters but newlines, and at most one newline at the end.</summary>
    private static bool FitsLiteralBlock(string text) =>
        text.Contains('\n', StringComparison.Ordinal) && !char.IsWhiteSpace(text[0]) && !text.EndsWith("\n\n", StringComparison.Ordinal)
        && !text.Contains(" \n", StringComparison.Ordinal) && !text.Any(c => char.IsControl(c) && c != '\n');

    /// <summary>Multi-line strings (PEM, proxy configs) as literal blocks, so they read as the files they are.</summary>
    private sealed class LiteralBlockEmitter(IEventEmitter next) : YamlDotNet.Serialization.EventEmitters.ChainedEventEmitter(next)
    {
        public override void Emit(YamlDotNet.Serialization.ScalarEventInfo eventInfo, IEmitter emitter)
        {
            if (eventInfo.Source.Value is not string { Length: > 0 } text)
            {
                // Nothing to choose.
            }
            else if (FitsLiteralBlock(text))
            {
                eventInfo.Style = ScalarStyle.Literal;
            }
            else if (char.IsWhiteSpace(text[0]) || char.IsWhiteSpace(text[^1]) || text.Any(char.IsControl)
                || text.Contains(" *", StringComparison.Ordinal) || text.Contains(" &", StringComparison.Ordinal) || text.Contains(" !", StringComparison.Ordinal))
            {
                // A plain or literal scalar loses whitespace at its edges and cannot hold control characters; a double-quoted one keeps them.
                // YamlDotNet also reads a plain key with " *", " &" or " !" inside as part of one longer scalar (found by the round-trip property).
                eventInfo.Style = ScalarStyle.DoubleQuoted;
            }

            base.Emit(eventInfo, emitter);
        }
    }
}
