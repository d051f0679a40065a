using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace TestApiServer;

/// <summary>Maps an HTTP request onto a verb over a resource, applies the fault switches, journals it and answers like the API server.</summary>
internal sealed class ApiRequestHandler(
    ApiResourceCatalog catalog,
    ObjectStore store,
    ApiFaults faults,
    RequestJournal journal,
    WatchStream watches,
    TimeProvider clock,
    CancellationToken serverStopping)
{
    public async Task HandleAsync(HttpContext context)
    {
        var sequence = journal.Reserve();
        var call = new ApiCall(context.Request.Method.ToLowerInvariant(), "", context.Request.Path.Value ?? "", null, null, null);
        var statusCode = StatusCodes.Status500InternalServerError;
        var injected = false;
        var journaled = false;
        try
        {
            var target = ApiTarget.Parse(context.Request.Path.Value ?? "", catalog);
            var query = new QueryValues(context.Request.Query);
            call = new ApiCall(VerbOf(context.Request.Method, target, query), target.Resource.Group, target.Resource.Plural, target.Namespace, target.Name, target.Subresource);
            if (faults.LatencyFor(call) is { } delay && delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, context.RequestAborted);
            }

            if (faults.TakeFailure(call) is { } failure)
            {
                injected = true;
                statusCode = failure.Code;
                await AnswerFailureAsync(context, failure);
                return;
            }

            if (call.Verb == "watch")
            {
                var request = WatchRequest.From(query);
                statusCode = StatusCodes.Status200OK;
                journal.Record(new ApiRequestRecord(sequence, call, statusCode, false));
                journaled = true;
                await watches.RunAsync(context, target, request, serverStopping);
                return;
            }

            var (code, body) = await ExecuteAsync(call.Verb, target, query, context);
            statusCode = code;
            await AnswerAsync(context, code, body);
        }
        catch (ApiStatusException error)
        {
            statusCode = error.Code;
            await AnswerAsync(context, error.Code, error.ToStatus());
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            statusCode = 499;
        }
        finally
        {
            if (!journaled)
            {
                journal.Record(new ApiRequestRecord(sequence, call, statusCode, injected));
            }
        }
    }

    private static string VerbOf(string method, ApiTarget target, QueryValues query)
    {
        var collection = target.Name is null;
        if (target.Resource.Namespaced && target.Namespace is null && !(collection && HttpMethods.IsGet(method)))
        {
            // Across all namespaces only list and watch exist.
            throw ApiStatusException.NoSuchPath();
        }

        return method switch
        {
            _ when HttpMethods.IsGet(method) => collection ? (query.Flag("watch") ? "watch" : "list") : "get",
            _ when HttpMethods.IsPost(method) && collection => "create",
            _ when HttpMethods.IsPut(method) && !collection => "update",
            _ when HttpMethods.IsPatch(method) && !collection => "patch",
            _ when HttpMethods.IsDelete(method) => collection ? "deletecollection" : "delete",
            _ => throw ApiStatusException.MethodNotAllowed($"the server does not allow this method on the requested resource: {method}"),
        };
    }

    private async Task<(int Code, JsonObject Body)> ExecuteAsync(string verb, ApiTarget target, QueryValues query, HttpContext context)
    {
        var resource = target.Resource;
        var @namespace = target.StorageNamespace;
        var now = clock.GetUtcNow();
        switch (verb)
        {
            case "get":
                return (200, store.Get(resource, @namespace, target.Name!) ?? throw ApiStatusException.NotFound(resource, target.Name!));
            case "list":
                return (200, List(target, query));
            case "create":
                var created = await ReadObjectAsync(context);
                var name = ObjectLifecycle.NameFor(resource, created);
                var result = store.Write(resource, @namespace, name, current => ObjectLifecycle.Create(resource, @namespace, name, created, current, now), DryRun(query));
                return (201, result.Object);
            case "update":
                var replacement = await ReadObjectAsync(context);
                return (200, store.Write(resource, @namespace, target.Name!, current => target.Subresource is null
                    ? ObjectLifecycle.Update(resource, @namespace, target.Name!, replacement, current, conditionalOnly: true)
                    : ObjectLifecycle.UpdateStatus(resource, target.Name!, replacement, current, conditionalOnly: true), DryRun(query)).Object);
            case "patch":
                return await PatchAsync(target, query, context, now);
            case "delete":
                var options = await ReadOptionalObjectAsync(context);
                var deleted = store.Write(resource, @namespace, target.Name!, current => ObjectLifecycle.Delete(resource, target.Name!, current, PreconditionsOf(options), now), DryRun(query));
                return DeleteAnswer(resource, deleted);
            case "deletecollection":
                return (200, DeleteCollection(target, query, now));
            default:
                throw ApiStatusException.MethodNotAllowed($"verb {verb} is not supported");
        }
    }

    private JsonObject List(ApiTarget target, QueryValues query)
    {
        var labels = LabelSelector.Parse(query.Text("labelSelector"));
        var fields = FieldSelector.Parse(query.Text("fieldSelector"));
        var limit = query.Integer("limit") is { } requested and > 0 ? requested : int.MaxValue;
        var token = query.Text("continue") is { Length: > 0 } text ? ContinueToken.Decode(text) : null;
        if (token is not null && token.Revision < store.OldestResumableRevision)
        {
            throw new ApiStatusException(410, "Expired", "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.");
        }

        var (revision, snapshot) = store.Snapshot(target.Resource, target.Namespace, token?.Revision ?? ExactRevision(query));
        var selected = snapshot
            .Where(entry => token is null || string.CompareOrdinal(entry.Key, token.LastKey) > 0)
            .Where(entry =>
            {
                var element = JsonSerializer.SerializeToElement(entry.Item);
                return labels.Matches(element) && fields.Matches(element);
            })
            .ToList();
        var page = selected.Take(limit).ToList();
        var metadata = new JsonObject { ["resourceVersion"] = revision.ToString(CultureInfo.InvariantCulture) };
        if (selected.Count > page.Count)
        {
            metadata["continue"] = new ContinueToken(revision, page[^1].Key).Encode();
            metadata["remainingItemCount"] = selected.Count - page.Count;
        }

        var items = new JsonArray();
        foreach (var (_, item) in page)
        {
            if (!target.Resource.IsCustom)
            {
                // Typed lists of built-in kinds carry kind/apiVersion only on the list, not on the items.
                item.Remove("kind");
                item.Remove("apiVersion");
            }

            items.Add(item);
        }

        return new JsonObject
        {
            ["kind"] = target.Resource.ListKind,
            ["apiVersion"] = target.Resource.ApiVersion,
            ["metadata"] = metadata,
            ["items"] = items,
        };
    }

    /// <summary>resourceVersionMatch=Exact asks for the snapshot at that revision; otherwise the latest state satisfies every request.</summary>
    private static long? ExactRevision(QueryValues query)
    {
        if (query.Text("resourceVersionMatch") != "Exact")
        {
            return null;
        }

        var text = query.Text("resourceVersion");
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var revision) && revision > 0
            ? revision
            : throw ApiStatusException.BadRequest($"resourceVersionMatch=Exact needs a non-zero resourceVersion, got \"{text}\"");
    }

    private async Task<(int Code, JsonObject Body)> PatchAsync(ApiTarget target, QueryValues query, HttpContext context, DateTimeOffset now)
    {
        var resource = target.Resource;
        var contentType = context.Request.ContentType ?? "";
        var patch = await ReadBodyAsync(context);
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
        }, DryRun(query));
        return (result.Outcome == WriteOutcome.Created ? 201 : 200, result.Object);
    }

    private static JsonObject MergeInto(JsonObject current, JsonNode? patch) =>
        JsonMergePatch.Apply(current, patch) as JsonObject ?? throw ApiStatusException.BadRequest("a merge patch must be a JSON object");

    private JsonObject DeleteCollection(ApiTarget target, QueryValues query, DateTimeOffset now)
    {
        var labels = LabelSelector.Parse(query.Text("labelSelector"));
        var fields = FieldSelector.Parse(query.Text("fieldSelector"));
        var resource = target.Resource;
        var removed = new JsonArray();
        foreach (var item in store.List(resource, target.Namespace))
        {
            var element = JsonSerializer.SerializeToElement(item);
            if (!labels.Matches(element) || !fields.Matches(element))
            {
                continue;
            }

            var name = ObjectLifecycle.Text(ObjectLifecycle.MetadataOf(item), "name")!;
            try
            {
                removed.Add(store.Write(resource, target.StorageNamespace, name, current => ObjectLifecycle.Delete(resource, name, current, DeletePreconditions.None, now), DryRun(query)).Object);
            }
            catch (ApiStatusException gone) when (gone.Code == 404)
            {
                // Deleted concurrently: nothing left to do for it.
            }
        }

        return new JsonObject
        {
            ["kind"] = resource.ListKind,
            ["apiVersion"] = resource.ApiVersion,
            ["metadata"] = new JsonObject { ["resourceVersion"] = store.CurrentRevision.ToString(CultureInfo.InvariantCulture) },
            ["items"] = removed,
        };
    }

    private static (int, JsonObject) DeleteAnswer(ApiResource resource, WriteResult result)
    {
        if (result.Outcome != WriteOutcome.Removed)
        {
            // Finalizers hold the object: 202 with the object now carrying deletionTimestamp.
            return (202, result.Object);
        }

        if (resource.IsCustom)
        {
            return (200, result.Object);
        }

        var metadata = ObjectLifecycle.MetadataOf(result.Object);
        return (200, StatusBody.Success(resource, ObjectLifecycle.Text(metadata, "name")!, ObjectLifecycle.Text(metadata, "uid")));
    }

    private static bool DryRun(QueryValues query) => query.Text("dryRun") switch
    {
        null or "" => false,
        "All" => true,
        var other => throw ApiStatusException.BadRequest($"unsupported dryRun value \"{other}\": only \"All\" exists"),
    };

    private static DeletePreconditions PreconditionsOf(JsonObject? options) =>
        options?["preconditions"] is JsonObject preconditions
            ? new DeletePreconditions(ObjectLifecycle.Text(preconditions, "uid"), ObjectLifecycle.Text(preconditions, "resourceVersion"))
            : DeletePreconditions.None;

    private static async Task<JsonObject> ReadObjectAsync(HttpContext context) =>
        await ReadOptionalObjectAsync(context) ?? throw ApiStatusException.BadRequest("the request body must be a JSON object");

    private static async Task<JsonObject?> ReadOptionalObjectAsync(HttpContext context) =>
        await ReadBodyAsync(context) switch
        {
            null => null,
            JsonObject item => item,
            _ => throw ApiStatusException.BadRequest("the request body must be a JSON object"),
        };

    private static async Task<JsonNode?> ReadBodyAsync(HttpContext context)
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

    private static async Task AnswerFailureAsync(HttpContext context, InjectedFailure failure)
    {
        if (failure.RetryAfterSeconds is { } seconds)
        {
            context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        }

        var details = failure.RetryAfterSeconds is { } retry ? new JsonObject { ["retryAfterSeconds"] = retry } : null;
        await AnswerAsync(context, failure.Code, StatusBody.Failure(failure.Code, failure.Reason, failure.Message, details));
    }

    private static async Task AnswerAsync(HttpContext context, int code, JsonObject body)
    {
        if (context.Response.HasStarted)
        {
            return;
        }

        context.Response.StatusCode = code;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body.ToJsonString(), context.RequestAborted);
    }
}
