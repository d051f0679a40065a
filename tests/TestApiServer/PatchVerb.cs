using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace TestApiServer;

/// <summary>PATCH: decodes the patch by media type, applies it to the stored object, then runs the UPDATE rules on the result.</summary>
internal sealed class PatchVerb(ObjectStore store)
{
    public async Task<(int Code, JsonObject Body)> PatchAsync(ApiTarget target, QueryValues query, HttpContext context, DateTimeOffset now)
    {
        var resource = target.Resource;
        var contentType = context.Request.ContentType ?? "";
        var patch = await RequestBody.ReadAsync(context);
        Func<JsonObject, JsonObject> apply = contentType.Split(';')[0].Trim() switch
        {
            "application/merge-patch+json" => current => MergeInto(current, patch),
            "application/strategic-merge-patch+json" when !resource.IsCustom => current => MergeInto(current, patch),
            "application/json-patch+json" => current => JsonPatch.Apply(current, patch),
            "application/apply-patch+yaml" => current => MergeInto(current, patch),
            _ => throw ApiStatusException.UnsupportedMediaType(contentType),
        };
        var serverSideApply = contentType.StartsWith("application/apply-patch+yaml", StringComparison.Ordinal);
        if (serverSideApply && string.IsNullOrEmpty(query.Text("fieldManager")))
        {
            throw ApiStatusException.Invalid(resource, target.Name!, "fieldManager", "Required value: is required for apply patch");
        }

        var name = target.Name!;
        var @namespace = target.StorageNamespace;
        var result = store.Write(resource, @namespace, name, current =>
        {
            if (current is null)
            {
                // Server-side apply creates what does not exist yet; every other patch needs an object.
                if (!serverSideApply || target.Subresource is not null || patch is not JsonObject applied)
                {
                    throw ApiStatusException.NotFound(resource, name);
                }

                var appliedName = ObjectLifecycle.Text(ObjectLifecycle.MetadataOf(applied), "name");
                return appliedName == name
                    ? ObjectLifecycle.Create(resource, @namespace, name, applied, null, now)
                    : throw ApiStatusException.BadRequest($"the name of the object ({appliedName}) does not match the name on the URL ({name})");
            }

            var patched = apply(current);
            return target.Subresource is null
                ? ObjectLifecycle.Update(resource, @namespace, name, patched, current, conditionalOnly: false)
                : ObjectLifecycle.UpdateStatus(resource, name, patched, current, conditionalOnly: false);
        }, query.DryRun());
        return (result.Outcome == WriteOutcome.Created ? 201 : 200, result.Object);
    }

    private static JsonObject MergeInto(JsonObject current, JsonNode? patch) =>
        JsonMergePatch.Apply(current, patch) as JsonObject ?? throw ApiStatusException.BadRequest("a merge patch must be a JSON object");
}
