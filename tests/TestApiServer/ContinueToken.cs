using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace TestApiServer;

/// <summary>The `continue` value of a paged LIST: the snapshot revision and the last key returned, opaque to clients.</summary>
internal sealed record ContinueToken(long Revision, string LastKey)
{
    public string Encode() =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(new JsonObject { ["rv"] = Revision, ["start"] = LastKey }.ToJsonString()));

    public static ContinueToken Decode(string text)
    {
        try
        {
            var node = JsonNode.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(text)))!;
            return new ContinueToken(node["rv"]!.GetValue<long>(), node["start"]!.GetValue<string>());
        }
        catch (Exception error) when (error is FormatException or JsonException or NullReferenceException or InvalidOperationException)
        {
            throw ApiStatusException.BadRequest("continue key is not valid");
        }
    }
}
