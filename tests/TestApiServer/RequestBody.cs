using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace TestApiServer;

/// <summary>Reads request bodies as JSON, answering 400 like the API server when they are not.</summary>
internal static class RequestBody
{
    public static async Task<JsonObject> ReadObjectAsync(HttpContext context) =>
        await ReadOptionalObjectAsync(context) ?? throw ApiStatusException.BadRequest("the request body must be a JSON object");

    public static async Task<JsonObject?> ReadOptionalObjectAsync(HttpContext context) =>
        await ReadAsync(context) switch
        {
            null => null,
            JsonObject item => item,
            _ => throw ApiStatusException.BadRequest("the request body must be a JSON object"),
        };

    public static async Task<JsonNode?> ReadAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var text = await reader.ReadToEndAsync(context.RequestAborted);
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException error)
        {
            throw ApiStatusException.BadRequest($"couldn't get version/kind; json parse error: {error.Message}");
        }
    }
}
