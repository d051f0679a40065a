using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace TestApiServer;

/// <summary>Verbs on a whole collection: LIST (selectors, paging over a consistent snapshot, exact revision) and DELETE of everything selected.</summary>
internal sealed class CollectionVerbs(ObjectStore store)
{
    public JsonObject List(ApiTarget target, QueryValues query)
    {
        var labels = LabelSelector.Parse(query.Text("labelSelector"));
        var fields = FieldSelector.Parse(query.Text("fieldSelector"));
        var limit = query.Integer("limit") is { } requested and > 0 ? requested : int.MaxValue;
        var token = query.Text("continue") is { Length: > 0 } text ? ContinueToken.Decode(text) : null;
        if (token is not null && token.Revision < store.OldestResumableRevision)
        {
            throw new ApiStatusException(410, "Expired", "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.");
        }

        Func<JsonObject, bool>? selects = ReferenceEquals(labels, LabelSelector.Everything) && ReferenceEquals(fields, FieldSelector.Everything) ? null : item =>
        {
            var element = JsonSerializer.SerializeToElement(item);
            return labels.Matches(element) && fields.Matches(element);
        };
        var (revision, page, more, remaining) = store.ReadPage(target.Resource, target.Namespace, token?.Revision ?? ExactRevision(query), token?.LastKey, limit, selects);
        var metadata = new JsonObject { ["resourceVersion"] = revision.ToString(CultureInfo.InvariantCulture) };
        if (more)
        {
            metadata["continue"] = new ContinueToken(revision, page[^1].Key).Encode();
            if (remaining is { } count)
            {
                // As the real server: remainingItemCount only for lists without a selector.
                metadata["remainingItemCount"] = count;
            }
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

    public JsonObject DeleteCollection(ApiTarget target, QueryValues query, DateTimeOffset now)
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
                removed.Add(store.Write(resource, target.StorageNamespace, name, current => ObjectLifecycle.Delete(resource, name, current, DeletePreconditions.None, now), query.DryRun()).Object);
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
}
