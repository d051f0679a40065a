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
    private readonly CollectionVerbs _collections = new(store);
    private readonly PatchVerb _patches = new(store);

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
                return (200, _collections.List(target, query));
            case "create":
                var created = await RequestBody.ReadObjectAsync(context);
                var name = ObjectLifecycle.NameFor(resource, created);
                var result = store.Write(resource, @namespace, name, current => ObjectLifecycle.Create(resource, @namespace, name, created, current, now), query.DryRun());
                return (201, result.Object);
            case "update":
                var replacement = await RequestBody.ReadObjectAsync(context);
                return (200, store.Write(resource, @namespace, target.Name!, current => target.Subresource is null
                    ? ObjectLifecycle.Update(resource, @namespace, target.Name!, replacement, current, conditionalOnly: true)
                    : ObjectLifecycle.UpdateStatus(resource, target.Name!, replacement, current, conditionalOnly: true), query.DryRun()).Object);
            case "patch":
                return await _patches.PatchAsync(target, query, context, now);
            case "delete":
                var options = await RequestBody.ReadOptionalObjectAsync(context);
                var deleted = store.Write(resource, @namespace, target.Name!, current => ObjectLifecycle.Delete(resource, target.Name!, current, PreconditionsOf(options), now), query.DryRun());
                return DeleteAnswer(resource, deleted);
            case "deletecollection":
                return (200, _collections.DeleteCollection(target, query, now));
            default:
                throw ApiStatusException.MethodNotAllowed($"verb {verb} is not supported");
        }
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

    private static DeletePreconditions PreconditionsOf(JsonObject? options) =>
        options?["preconditions"] is JsonObject preconditions
            ? new DeletePreconditions(ObjectLifecycle.Text(preconditions, "uid"), ObjectLifecycle.Text(preconditions, "resourceVersion"))
            : DeletePreconditions.None;

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
