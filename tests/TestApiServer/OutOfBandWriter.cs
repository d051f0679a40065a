using System.Text.Json.Nodes;

namespace TestApiServer;

/// <summary>
/// Writes as another actor would (a user's kubectl, cert-manager renewing a Secret): the same rules, resourceVersions
/// and watch events as API requests, but not journaled, so "what did the operator write?" assertions stay exact.
/// Failures throw <see cref="InvalidOperationException"/> carrying the status code and reason the API would answer.
/// </summary>
public sealed class OutOfBandWriter
{
    private readonly ObjectStore _store;
    private readonly TimeProvider _clock;

    internal OutOfBandWriter(ObjectStore store, TimeProvider clock)
    {
        _store = store;
        _clock = clock;
    }

    /// <summary>Creates the object (name or generateName from its metadata).</summary>
    public JsonObject Create(ApiResource resource, string? @namespace, JsonObject body) => Run(() =>
    {
        var name = ObjectLifecycle.NameFor(resource, body);
        var ns = Placement(resource, @namespace);
        return _store.Write(resource, ns, name, current => ObjectLifecycle.Create(resource, ns, name, body, current, _clock.GetUtcNow())).Object;
    });

    /// <summary>Replaces the object (conditional when the body carries metadata.resourceVersion); status is ignored when it is a subresource.</summary>
    public JsonObject Replace(ApiResource resource, string? @namespace, JsonObject body) => Run(() =>
    {
        var name = ObjectLifecycle.Text(ObjectLifecycle.MetadataOf(body), "name") ?? "";
        var ns = Placement(resource, @namespace);
        return _store.Write(resource, ns, name, current => ObjectLifecycle.Update(resource, ns, name, body, current, conditionalOnly: false)).Object;
    });

    /// <summary>Applies an RFC 7386 merge patch to the object.</summary>
    public JsonObject MergePatch(ApiResource resource, string? @namespace, string name, JsonObject patch) => Run(() =>
    {
        var ns = Placement(resource, @namespace);
        return _store.Write(resource, ns, name, current =>
        {
            var existing = current ?? throw ApiStatusException.NotFound(resource, name);
            var patched = JsonMergePatch.Apply(existing, patch)!.AsObject();
            return ObjectLifecycle.Update(resource, ns, name, patched, existing, conditionalOnly: false);
        }).Object;
    });

    /// <summary>Deletes the object (or marks it with deletionTimestamp when finalizers hold it).</summary>
    public void Delete(ApiResource resource, string? @namespace, string name) => Run(() =>
    {
        var ns = Placement(resource, @namespace);
        return _store.Write(resource, ns, name, current => ObjectLifecycle.Delete(resource, name, current, DeletePreconditions.None, _clock.GetUtcNow())).Object;
    });

    private static string Placement(ApiResource resource, string? @namespace) =>
        resource.Namespaced
            ? @namespace ?? throw new ArgumentException($"{resource.QualifiedName} is namespaced: give a namespace", nameof(@namespace))
            : "";

    private static JsonObject Run(Func<JsonObject> write)
    {
        try
        {
            return write();
        }
        catch (ApiStatusException error)
        {
            throw new InvalidOperationException($"{error.Code} {error.Reason}: {error.Message}", error);
        }
    }
}
