using System.Text;
using System.Text.Json.Nodes;

namespace TestApiServer;

/// <summary>Secret write rules of the real server: `stringData` is folded into base64 `data` and never stored; `type` defaults to Opaque.</summary>
internal static class SecretData
{
    public static void Normalize(ApiResource resource, JsonObject item)
    {
        if (resource.Group.Length != 0 || resource.Plural != "secrets")
        {
            return;
        }

        item["type"] ??= "Opaque";
        var data = item["data"] as JsonObject;
        foreach (var (key, value) in data ?? [])
        {
            if (value is not JsonValue text || !text.TryGetValue<string>(out var encoded) || !IsBase64(encoded))
            {
                throw ApiStatusException.BadRequest($"Secret in version \"v1\" cannot be handled as a Secret: illegal base64 data in data[\"{key}\"]");
            }
        }

        if (item["stringData"] is JsonObject stringData)
        {
            if (data is null)
            {
                data = [];
                item["data"] = data;
            }

            foreach (var (key, value) in stringData)
            {
                data[key] = Convert.ToBase64String(Encoding.UTF8.GetBytes(value?.GetValue<string>() ?? ""));
            }
        }

        item.Remove("stringData");
    }

    private static bool IsBase64(string text)
    {
        var buffer = new byte[text.Length];
        return Convert.TryFromBase64String(text, buffer, out _);
    }
}
