using System.Text.Json;

namespace TestApiServer;

/// <summary>A parsed `fieldSelector` query; like the real server, only the fields it indexes (metadata.name, metadata.namespace) are accepted.</summary>
internal sealed class FieldSelector
{
    private static readonly string[] SupportedFields = ["metadata.name", "metadata.namespace"];

    private readonly IReadOnlyList<(string Field, string Value, bool Negated)> _terms;

    private FieldSelector(IReadOnlyList<(string Field, string Value, bool Negated)> terms)
    {
        _terms = terms;
    }

    public static FieldSelector Everything { get; } = new([]);

    public static FieldSelector Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return Everything;
        }

        return new FieldSelector(text.Split(',').Select(ParseTerm).ToList());
    }

    public bool Matches(JsonElement item) => _terms.All(term => (Read(item, term.Field) == term.Value) != term.Negated);

    private static (string, string, bool) ParseTerm(string raw)
    {
        foreach (var (op, negated) in new[] { ("!=", true), ("==", false), ("=", false) })
        {
            var at = raw.IndexOf(op, StringComparison.Ordinal);
            if (at > 0)
            {
                var field = raw[..at].Trim();
                if (!SupportedFields.Contains(field))
                {
                    throw ApiStatusException.BadRequest($"field label not supported: {field}");
                }

                return (field, raw[(at + op.Length)..].Trim(), negated);
            }
        }

        throw ApiStatusException.BadRequest($"invalid selector: '{raw}'; can't understand '{raw}'");
    }

    private static string Read(JsonElement item, string field)
    {
        var property = field["metadata.".Length..];
        return item.TryGetProperty("metadata", out var metadata) && metadata.TryGetProperty(property, out var value)
            ? value.GetString() ?? ""
            : "";
    }
}
