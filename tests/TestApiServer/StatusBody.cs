using System.Text.Json.Nodes;

namespace TestApiServer;

/// <summary>Builds meta/v1 Status objects, the body of every error and of some DELETE answers.</summary>
internal static class StatusBody
{
    public static JsonObject Failure(int code, string reason, string message, JsonObject? details = null)
    {
        var status = Envelope("Failure");
        status["message"] = message;
        status["reason"] = reason;
        if (details is not null)
        {
            status["details"] = details;
        }

        status["code"] = code;
        return status;
    }

    public static JsonObject Success(ApiResource resource, string name, string? uid)
    {
        var status = Envelope("Success");
        status["details"] = new JsonObject
        {
            ["name"] = name,
            ["group"] = resource.Group,
            ["kind"] = resource.Plural,
            ["uid"] = uid,
        };
        return status;
    }

    private static JsonObject Envelope(string outcome) => new()
    {
        ["kind"] = "Status",
        ["apiVersion"] = "v1",
        ["metadata"] = new JsonObject(),
        ["status"] = outcome,
    };
}
