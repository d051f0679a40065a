using System.Text.Json.Nodes;

namespace TestApiServer;

/// <summary>A failed request, answered with a `kind: Status` body as the real API server does.</summary>
internal sealed class ApiStatusException(int code, string reason, string message, JsonObject? details = null) : Exception(message)
{
    public int Code { get; } = code;

    public string Reason { get; } = reason;

    public JsonObject? Details { get; } = details;

    public JsonObject ToStatus() => StatusBody.Failure(Code, Reason, Message, Details?.DeepClone().AsObject());

    public static ApiStatusException NotFound(ApiResource resource, string name) =>
        new(404, "NotFound", $"{resource.QualifiedName} \"{name}\" not found", DetailsFor(resource, name));

    public static ApiStatusException NoSuchPath() =>
        new(404, "NotFound", "the server could not find the requested resource");

    public static ApiStatusException AlreadyExists(ApiResource resource, string name) =>
        new(409, "AlreadyExists", $"{resource.QualifiedName} \"{name}\" already exists", DetailsFor(resource, name));

    public static ApiStatusException Conflict(ApiResource resource, string name, string why) =>
        new(409, "Conflict", $"Operation cannot be fulfilled on {resource.QualifiedName} \"{name}\": {why}", DetailsFor(resource, name));

    public static ApiStatusException StaleResourceVersion(ApiResource resource, string name) =>
        Conflict(resource, name, "the object has been modified; please apply your changes to the latest version and try again");

    public static ApiStatusException Invalid(ApiResource resource, string name, string field, string problem) =>
        new(422, "Invalid", $"{resource.Kind} \"{name}\" is invalid: {field}: {problem}", DetailsFor(resource, name));

    public static ApiStatusException BadRequest(string message) => new(400, "BadRequest", message);

    public static ApiStatusException MethodNotAllowed(string message) => new(405, "MethodNotAllowed", message);

    public static ApiStatusException UnsupportedMediaType(string contentType) =>
        new(415, "UnsupportedMediaType", $"the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml; got {contentType}");

    public static ApiStatusException Internal(string message) => new(500, "InternalError", message);

    private static JsonObject DetailsFor(ApiResource resource, string name) => new()
    {
        ["name"] = name,
        ["group"] = resource.Group,
        ["kind"] = resource.Plural,
    };
}
