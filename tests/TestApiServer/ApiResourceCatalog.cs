using System.Collections.Concurrent;

namespace TestApiServer;

/// <summary>The resources the server serves; tests register custom resources here as installing a CRD would.</summary>
public sealed class ApiResourceCatalog
{
    private readonly ConcurrentDictionary<(string Group, string Version, string Plural), ApiResource> _resources = new();

    internal ApiResourceCatalog(IEnumerable<ApiResource> initial)
    {
        foreach (var resource in initial)
        {
            Register(resource);
        }
    }

    /// <summary>Starts serving a resource; registering the same group/version/plural again replaces its definition.</summary>
    public void Register(ApiResource resource) =>
        _resources[(resource.Group, resource.Version, resource.Plural)] = resource;

    /// <summary>Every registered resource.</summary>
    public IReadOnlyCollection<ApiResource> All => [.. _resources.Values];

    internal ApiResource? Find(string group, string version, string plural) =>
        _resources.TryGetValue((group, version, plural), out var resource) ? resource : null;
}
