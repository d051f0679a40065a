using System.Globalization;
using System.Text.Json.Nodes;

namespace MtlsOperator.Engine.Injection;

/// <summary>The RFC 6902 JSON patch that turns one document into another, as an admission webhook answers.</summary>
/// <remarks>Objects are compared member by member and arrays index by index (extra items appended with <c>/-</c>,
/// missing ones removed from the end), so the patch touches only what changed and leaves other webhooks' edits alone.</remarks>
public static class JsonPatchDiff
{
    public static JsonArray Between(JsonNode? before, JsonNode? after)
    {
        var operations = new JsonArray();
        Diff("", before, after, operations);
        return operations;
    }

    private static void Diff(string path, JsonNode? before, JsonNode? after, JsonArray operations)
    {
        if (JsonNode.DeepEquals(before, after))
        {
            return;
        }

        switch (before, after)
        {
            case (JsonObject a, JsonObject b):
                foreach (var key in a.Select(p => p.Key).Where(k => !b.ContainsKey(k)).ToList())
                {
                    operations.Add(Operation("remove", Child(path, key)));
                }

                foreach (var (key, value) in b)
                {
                    if (a.TryGetPropertyValue(key, out var old))
                    {
                        Diff(Child(path, key), old, value, operations);
                    }
                    else
                    {
                        operations.Add(Operation("add", Child(path, key), value));
                    }
                }

                break;
            case (JsonArray a, JsonArray b):
                var common = Math.Min(a.Count, b.Count);
                for (var i = 0; i < common; i++)
                {
                    Diff(Child(path, i.ToString(CultureInfo.InvariantCulture)), a[i], b[i], operations);
                }

                for (var i = common; i < b.Count; i++)
                {
                    operations.Add(Operation("add", path + "/-", b[i]));
                }

                for (var i = a.Count - 1; i >= common; i--)
                {
                    operations.Add(Operation("remove", Child(path, i.ToString(CultureInfo.InvariantCulture))));
                }

                break;
            default:
                operations.Add(Operation("replace", path, after));
                break;
        }
    }

    /// <summary>RFC 6901: '~' is written "~0" and '/' is written "~1" (annotation keys contain '/').</summary>
    private static string Child(string path, string token) => path + "/" + token.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);

    private static JsonObject Operation(string op, string path, JsonNode? value = null)
    {
        var operation = new JsonObject { ["op"] = op, ["path"] = path };
        if (op != "remove")
        {
            operation["value"] = value?.DeepClone();
        }

        return operation;
    }
}
