namespace MtlsOperator.Runtime.Wire;

/// <summary>The REST paths of a kind's collection and objects, relative to the API server's base address.</summary>
/// <param name="Group">The API group; empty for the core group (<c>api/v1</c>).</param>
public sealed record ApiPath(string Group, string Version, string Plural)
{
    /// <summary>The collection: in one namespace, or (null) across all namespaces or of a cluster-scoped kind.</summary>
    public string Collection(string? @namespace) =>
        (Group.Length == 0 ? $"api/{Version}/" : $"apis/{Group}/{Version}/")
        + (@namespace is null ? "" : $"namespaces/{Uri.EscapeDataString(@namespace)}/")
        + Plural;

    /// <summary>One object, or one of its subresources (<c>status</c>).</summary>
    public string Item(string? @namespace, string name, string? subresource = null) =>
        Collection(@namespace) + "/" + Uri.EscapeDataString(name) + (subresource is null ? "" : "/" + subresource);

    /// <summary>The watch of the collection from <paramref name="resourceVersion"/>, with bookmarks, ended by the server after
    /// <paramref name="timeoutSeconds"/>: the query KubernetesClient's watch calls send.</summary>
    public string Watch(string? @namespace, ResourceSelector selector, string resourceVersion, int timeoutSeconds)
    {
        var query = new List<string> { "allowWatchBookmarks=true" };
        if (selector.FieldSelector is { } field)
        {
            query.Add("fieldSelector=" + Uri.EscapeDataString(field));
        }

        if (selector.LabelSelector is { } label)
        {
            query.Add("labelSelector=" + Uri.EscapeDataString(label));
        }

        if (resourceVersion.Length > 0)
        {
            query.Add("resourceVersion=" + Uri.EscapeDataString(resourceVersion));
        }

        query.Add("timeoutSeconds=" + timeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
        query.Add("watch=true");
        return Collection(@namespace) + "?" + string.Join('&', query);
    }
}
