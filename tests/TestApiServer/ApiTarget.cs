namespace TestApiServer;

/// <summary>The resource a URL names: `/api/v1[/namespaces/{ns}]/{plural}[/{name}[/{subresource}]]` or the same under `/apis/{group}/{version}`.</summary>
internal sealed record ApiTarget(ApiResource Resource, string? Namespace, string? Name, string? Subresource)
{
    public static ApiTarget Parse(string path, ApiResourceCatalog catalog)
    {
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        string group, version;
        string[] rest;
        if (segments.Length >= 2 && segments[0] == "api")
        {
            (group, version, rest) = ("", segments[1], segments[2..]);
        }
        else if (segments.Length >= 3 && segments[0] == "apis")
        {
            (group, version, rest) = (segments[1], segments[2], segments[3..]);
        }
        else
        {
            throw ApiStatusException.NoSuchPath();
        }

        string? @namespace = null;
        if (rest.Length >= 3 && rest[0] == "namespaces" && !(rest.Length == 3 && rest[2] is "status" or "finalize"))
        {
            @namespace = rest[1];
            rest = rest[2..];
        }

        if (rest.Length is 0 or > 3)
        {
            throw ApiStatusException.NoSuchPath();
        }

        var resource = catalog.Find(group, version, rest[0]) ?? throw ApiStatusException.NoSuchPath();
        if (@namespace is not null && !resource.Namespaced)
        {
            throw ApiStatusException.NoSuchPath();
        }

        var subresource = rest.Length == 3 ? rest[2] : null;
        if (subresource is not null && (subresource != "status" || !resource.HasStatusSubresource))
        {
            throw ApiStatusException.NoSuchPath();
        }

        return new ApiTarget(resource, @namespace, rest.Length >= 2 ? rest[1] : null, subresource);
    }

    /// <summary>The namespace objects at this target live in: "" for cluster-scoped resources.</summary>
    public string StorageNamespace => Resource.Namespaced ? Namespace ?? "" : "";
}
