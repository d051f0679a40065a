using System.Globalization;
using System.Text.Json.Nodes;

namespace TestApiServer;

/// <summary>RFC 6902 JSON patch (add, remove, replace, move, copy, test) over a copy of the target.</summary>
public static class JsonPatch
{
    /// <summary>The target with the operations applied; throws when an operation cannot apply.</summary>
    public static JsonObject Apply(JsonObject target, JsonNode? patch)
    {
        if (patch is not JsonArray operations)
        {
            throw Rejected("a JSON patch must be an array of operations");
        }

        JsonNode document = target.DeepClone();
        foreach (var operation in operations)
        {
            if (operation is not JsonObject op || op["op"]?.GetValue<string>() is not { } kind || op["path"]?.GetValue<string>() is not { } path)
            {
                throw Rejected("every JSON patch operation needs \"op\" and \"path\"");
            }

            switch (kind)
            {
                case "add":
                    Add(document, path, ValueOf(op));
                    break;
                case "remove":
                    Remove(document, path);
                    break;
                case "replace":
                    Remove(document, path);
                    Add(document, path, ValueOf(op));
                    break;
                case "move":
                    var moved = Read(document, From(op)).DeepClone();
                    Remove(document, From(op));
                    Add(document, path, moved);
                    break;
                case "copy":
                    Add(document, path, Read(document, From(op)).DeepClone());
                    break;
                case "test":
                    if (!JsonNode.DeepEquals(Read(document, path), op["value"]))
                    {
                        throw Rejected($"testing value {path} failed");
                    }

                    break;
                default:
                    throw Rejected($"unknown JSON patch operation \"{kind}\"");
            }
        }

        return document as JsonObject ?? throw Rejected("a JSON patch must leave an object");
    }

    private static JsonNode? ValueOf(JsonObject op) =>
        op.TryGetPropertyValue("value", out var value) ? value?.DeepClone() : throw Rejected("operation needs a \"value\"");

    private static string From(JsonObject op) => op["from"]?.GetValue<string>() ?? throw Rejected("operation needs \"from\"");

    private static JsonNode Read(JsonNode document, string path)
    {
        var node = document;
        foreach (var token in Tokens(path))
        {
            node = node switch
            {
                JsonObject item when item.TryGetPropertyValue(token, out var child) && child is not null => child,
                JsonArray list when Index(token, list.Count - 1) is var at => list[at]!,
                _ => throw Rejected($"path {path} does not exist"),
            };
        }

        return node;
    }

    private static void Add(JsonNode document, string path, JsonNode? value)
    {
        var (parent, last) = Parent(document, path);
        switch (parent)
        {
            case JsonObject item:
                item[last] = value;
                break;
            case JsonArray list when last == "-":
                list.Add(value);
                break;
            case JsonArray list:
                list.Insert(Index(last, list.Count), value);
                break;
        }
    }

    private static void Remove(JsonNode document, string path)
    {
        var (parent, last) = Parent(document, path);
        switch (parent)
        {
            case JsonObject item when item.ContainsKey(last):
                item.Remove(last);
                break;
            case JsonArray list:
                list.RemoveAt(Index(last, list.Count - 1));
                break;
            default:
                throw Rejected($"path {path} does not exist");
        }
    }

    private static (JsonNode Parent, string Last) Parent(JsonNode document, string path)
    {
        var tokens = Tokens(path);
        if (tokens.Count == 0)
        {
            throw Rejected("the whole document cannot be replaced by a JSON patch here");
        }

        var parentPath = string.Concat(tokens.SkipLast(1).Select(token => "/" + token.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal)));
        return (Read(document, parentPath), tokens[^1]);
    }

    private static List<string> Tokens(string path)
    {
        if (path.Length == 0)
        {
            return [];
        }

        if (!path.StartsWith('/'))
        {
            throw Rejected($"invalid JSON pointer {path}");
        }

        return path[1..].Split('/').Select(token => token.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)).ToList();
    }

    private static int Index(string token, int max) =>
        int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index <= max
            ? index
            : throw Rejected($"array index {token} is out of range");

    private static ApiStatusException Rejected(string why) =>
        new(422, "Invalid", $"the server rejected our request due to an error in our request: {why}");
}
