using System.Text.Json;
using System.Text.RegularExpressions;

namespace TestApiServer;

/// <summary>A parsed `labelSelector` query: comma-joined requirements using =, ==, !=, in, notin, exists and !key.</summary>
internal sealed partial class LabelSelector
{
    private readonly IReadOnlyList<Requirement> _requirements;

    private LabelSelector(IReadOnlyList<Requirement> requirements)
    {
        _requirements = requirements;
    }

    public static LabelSelector Everything { get; } = new([]);

    public static LabelSelector Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return Everything;
        }

        return new LabelSelector(SplitTopLevel(text).Select(ParseRequirement).ToList());
    }

    public bool Matches(JsonElement item)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (item.TryGetProperty("metadata", out var metadata)
            && metadata.TryGetProperty("labels", out var labelObject)
            && labelObject.ValueKind == JsonValueKind.Object)
        {
            foreach (var label in labelObject.EnumerateObject())
            {
                labels[label.Name] = label.Value.GetString() ?? "";
            }
        }

        return _requirements.All(requirement => requirement.Matches(labels));
    }

    private static IEnumerable<string> SplitTopLevel(string text)
    {
        var depth = 0;
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            depth += text[i] switch { '(' => 1, ')' => -1, _ => 0 };
            if (text[i] == ',' && depth == 0)
            {
                yield return text[start..i];
                start = i + 1;
            }
        }

        yield return text[start..];
    }

    private static Requirement ParseRequirement(string raw)
    {
        var text = raw.Trim();
        var set = SetRequirement().Match(text);
        if (set.Success)
        {
            var values = set.Groups["values"].Value.Split(',').Select(value => ValidValue(value.Trim(), raw)).ToHashSet(StringComparer.Ordinal);
            var key = ValidKey(set.Groups["key"].Value, raw);
            return set.Groups["op"].Value == "in"
                ? new Requirement(key, labels => labels.TryGetValue(key, out var v) && values.Contains(v))
                : new Requirement(key, labels => !labels.TryGetValue(key, out var v) || !values.Contains(v));
        }

        if (text.StartsWith('!'))
        {
            var key = ValidKey(text[1..].Trim(), raw);
            return new Requirement(key, labels => !labels.ContainsKey(key));
        }

        foreach (var (op, negate) in new[] { ("!=", true), ("==", false), ("=", false) })
        {
            var at = text.IndexOf(op, StringComparison.Ordinal);
            if (at >= 0)
            {
                var key = ValidKey(text[..at].Trim(), raw);
                var value = ValidValue(text[(at + op.Length)..].Trim(), raw);
                return negate
                    ? new Requirement(key, labels => !labels.TryGetValue(key, out var v) || v != value)
                    : new Requirement(key, labels => labels.TryGetValue(key, out var v) && v == value);
            }
        }

        var existing = ValidKey(text, raw);
        return new Requirement(existing, labels => labels.ContainsKey(existing));
    }

    private static string ValidKey(string key, string raw) =>
        LabelKey().IsMatch(key) ? key : throw ApiStatusException.BadRequest($"unable to parse requirement: invalid label key \"{key}\" in \"{raw}\"");

    private static string ValidValue(string value, string raw) =>
        value.Length == 0 || LabelValue().IsMatch(value) ? value : throw ApiStatusException.BadRequest($"unable to parse requirement: invalid label value \"{value}\" in \"{raw}\"");

    [GeneratedRegex(@"^(?<key>\S+)\s+(?<op>in|notin)\s*\((?<values>[^()]*)\)$")]
    private static partial Regex SetRequirement();

    [GeneratedRegex(@"^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$")]
    private static partial Regex LabelKey();

    [GeneratedRegex(@"^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$")]
    private static partial Regex LabelValue();

    private sealed record Requirement(string Key, Func<IReadOnlyDictionary<string, string>, bool> Matches);
}
