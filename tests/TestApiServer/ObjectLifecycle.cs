using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace TestApiServer;

/// <summary>
/// The API server's write rules as pure functions of (current object, request): metadata the server owns, optimistic
/// concurrency, generation, the status subresource split, finalizers and deletionTimestamp.
/// </summary>
internal static partial class ObjectLifecycle
{
    private const string GeneratedNameAlphabet = "bcdfghjklmnpqrstvwxz2456789";

    public static string NameFor(ApiResource resource, JsonObject body)
    {
        var metadata = MetadataOf(body);
        var name = Text(metadata, "name");
        if (!string.IsNullOrEmpty(name))
        {
            return name;
        }

        var prefix = Text(metadata, "generateName");
        if (string.IsNullOrEmpty(prefix))
        {
            throw ApiStatusException.Invalid(resource, "", "metadata.name", "Required value: name or generateName is required");
        }

        var suffix = string.Concat(Enumerable.Range(0, 5).Select(_ => GeneratedNameAlphabet[Random.Shared.Next(GeneratedNameAlphabet.Length)]));
        return prefix + suffix;
    }

    public static WriteDecision Create(ApiResource resource, string @namespace, string name, JsonObject body, JsonObject? current, DateTimeOffset now)
    {
        if (current is not null)
        {
            throw ApiStatusException.AlreadyExists(resource, name);
        }

        if (!DnsSubdomain().IsMatch(name) || name.Length > 253)
        {
            throw ApiStatusException.Invalid(resource, name, "metadata.name", $"Invalid value: \"{name}\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.'");
        }

        var created = body.DeepClone().AsObject();
        var metadata = MetadataOf(created);
        if (!string.IsNullOrEmpty(Text(metadata, "resourceVersion")))
        {
            throw ApiStatusException.Internal("resourceVersion should not be set on objects to be created");
        }

        ApplyTypeAndPlacement(resource, @namespace, name, created);
        metadata["uid"] = Guid.NewGuid().ToString();
        metadata["creationTimestamp"] = Timestamp(now);
        metadata.Remove("deletionTimestamp");
        metadata.Remove("deletionGracePeriodSeconds");
        metadata.Remove("generation");
        if (resource.TracksGeneration)
        {
            metadata["generation"] = 1L;
        }

        if (resource.IsCustom && resource.HasStatusSubresource)
        {
            // With the status subresource, the main endpoint never takes status, not even on create.
            created.Remove("status");
        }

        SecretData.Normalize(resource, created);
        return new WriteDecision.Put(created);
    }

    public static WriteDecision Update(ApiResource resource, string @namespace, string name, JsonObject body, JsonObject? current, bool conditionalOnly)
    {
        var old = current ?? throw ApiStatusException.NotFound(resource, name);
        CheckIdentity(name, body);
        CheckResourceVersion(resource, name, body, old, conditionalOnly);

        var updated = body.DeepClone().AsObject();
        ApplyTypeAndPlacement(resource, @namespace, name, updated);
        var metadata = MetadataOf(updated);
        var oldMetadata = MetadataOf(old);
        foreach (var owned in new[] { "uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "generation", "resourceVersion" })
        {
            metadata.Remove(owned);
            if (oldMetadata[owned] is { } value)
            {
                metadata[owned] = value.DeepClone();
            }
        }

        if (resource.HasStatusSubresource)
        {
            // The main endpoint ignores status changes; only /status may change it.
            updated.Remove("status");
            if (old["status"] is { } status)
            {
                updated["status"] = status.DeepClone();
            }
        }

        SecretData.Normalize(resource, updated);
        var deleting = oldMetadata["deletionTimestamp"] is not null;
        if (deleting && !Finalizers(old).IsSupersetOf(Finalizers(updated)))
        {
            throw ApiStatusException.Invalid(resource, name, "metadata.finalizers", "Forbidden: no new finalizers can be added if the object is being deleted");
        }

        if (resource.TracksGeneration && !JsonNode.DeepEquals(Spec(resource, updated), Spec(resource, old)))
        {
            metadata["generation"] = Generation(old) + 1;
        }

        return Decide(old, updated, deleting);
    }

    public static WriteDecision UpdateStatus(ApiResource resource, string name, JsonObject body, JsonObject? current, bool conditionalOnly)
    {
        var old = current ?? throw ApiStatusException.NotFound(resource, name);
        CheckIdentity(name, body);
        CheckResourceVersion(resource, name, body, old, conditionalOnly);
        var updated = old.DeepClone().AsObject();
        updated.Remove("status");
        if (body["status"] is { } status)
        {
            updated["status"] = status.DeepClone();
        }

        return Decide(old, updated, deleting: false);
    }

    public static WriteDecision Delete(ApiResource resource, string name, JsonObject? current, DeletePreconditions preconditions, DateTimeOffset now)
    {
        var old = current ?? throw ApiStatusException.NotFound(resource, name);
        var metadata = MetadataOf(old);
        if (preconditions.Uid is { } uid && uid != Text(metadata, "uid"))
        {
            throw ApiStatusException.Conflict(resource, name, $"Precondition failed: UID in precondition: {uid}, UID in object meta: {Text(metadata, "uid")}");
        }

        if (preconditions.ResourceVersion is { } version && version != Text(metadata, "resourceVersion"))
        {
            throw ApiStatusException.Conflict(resource, name, $"Precondition failed: ResourceVersion in precondition: {version}, ResourceVersion in object meta: {Text(metadata, "resourceVersion")}");
        }

        if (Finalizers(old).Count == 0)
        {
            return new WriteDecision.Remove(old);
        }

        if (metadata["deletionTimestamp"] is not null)
        {
            return new WriteDecision.Keep(old);
        }

        var marked = old.DeepClone().AsObject();
        var markedMetadata = MetadataOf(marked);
        markedMetadata["deletionTimestamp"] = Timestamp(now);
        markedMetadata["deletionGracePeriodSeconds"] = 0;
        if (resource.TracksGeneration)
        {
            markedMetadata["generation"] = Generation(old) + 1;
        }

        return new WriteDecision.Put(marked);
    }

    public static JsonObject MetadataOf(JsonObject item)
    {
        if (item["metadata"] is JsonObject metadata)
        {
            return metadata;
        }

        var created = new JsonObject();
        item["metadata"] = created;
        return created;
    }

    public static string? Text(JsonObject node, string property) =>
        node[property] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    public static string Timestamp(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static WriteDecision Decide(JsonObject old, JsonObject updated, bool deleting)
    {
        if (deleting && Finalizers(updated).Count == 0)
        {
            return new WriteDecision.Remove(updated);
        }

        return JsonNode.DeepEquals(old, updated) ? new WriteDecision.Keep(old) : new WriteDecision.Put(updated);
    }

    private static void ApplyTypeAndPlacement(ApiResource resource, string @namespace, string name, JsonObject item)
    {
        CheckType(resource, item, "apiVersion", resource.ApiVersion);
        CheckType(resource, item, "kind", resource.Kind);
        var metadata = MetadataOf(item);
        metadata["name"] = name;
        metadata.Remove("generateName");
        if (!resource.Namespaced)
        {
            metadata.Remove("namespace");
            return;
        }

        var given = Text(metadata, "namespace");
        if (!string.IsNullOrEmpty(given) && given != @namespace)
        {
            throw ApiStatusException.BadRequest("the namespace of the provided object does not match the namespace sent on the request");
        }

        metadata["namespace"] = @namespace;
    }

    private static void CheckType(ApiResource resource, JsonObject item, string property, string expected)
    {
        var given = Text(item, property);
        if (!string.IsNullOrEmpty(given) && given != expected)
        {
            throw ApiStatusException.BadRequest($"the {property} of the provided object ({given}) does not match the {property} served at this path ({expected})");
        }

        item[property] = expected;
    }

    private static void CheckIdentity(string name, JsonObject body)
    {
        var given = Text(MetadataOf(body), "name");
        if (given != name)
        {
            throw ApiStatusException.BadRequest($"the name of the object ({given}) does not match the name on the URL ({name})");
        }
    }

    private static void CheckResourceVersion(ApiResource resource, string name, JsonObject body, JsonObject old, bool conditionalOnly)
    {
        var given = Text(MetadataOf(body), "resourceVersion");
        if (string.IsNullOrEmpty(given))
        {
            if (conditionalOnly && !resource.AllowsUnconditionalUpdate)
            {
                throw ApiStatusException.Invalid(resource, name, "metadata.resourceVersion", "Invalid value: 0x0: must be specified for an update");
            }

            return;
        }

        if (given != Text(MetadataOf(old), "resourceVersion"))
        {
            throw ApiStatusException.StaleResourceVersion(resource, name);
        }
    }

    private static JsonObject Spec(ApiResource resource, JsonObject item)
    {
        // Generation follows every change outside metadata, and outside status when status is a separate subresource.
        var copy = item.DeepClone().AsObject();
        copy.Remove("metadata");
        if (resource.HasStatusSubresource)
        {
            copy.Remove("status");
        }

        return copy;
    }

    private static long Generation(JsonObject item) =>
        MetadataOf(item)["generation"] is JsonValue value && value.TryGetValue<long>(out var generation) ? generation : 0;

    private static HashSet<string> Finalizers(JsonObject item) =>
        MetadataOf(item)["finalizers"] is JsonArray finalizers
            ? finalizers.Select(entry => entry?.GetValue<string>() ?? "").ToHashSet(StringComparer.Ordinal)
            : [];

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex DnsSubdomain();
}

/// <summary>DeleteOptions.preconditions: the delete only happens if the object still has this uid / resourceVersion.</summary>
internal sealed record DeletePreconditions(string? Uid, string? ResourceVersion)
{
    public static DeletePreconditions None { get; } = new(null, null);
}
