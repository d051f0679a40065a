namespace TestApiServer;

/// <summary>Which requests a fault applies to; null fields match anything.</summary>
public sealed record RequestMatch(IReadOnlySet<string>? Verbs = null, string? Resource = null, string? Subresource = null, string? Namespace = null, string? Name = null)
{
    /// <summary>Every request.</summary>
    public static RequestMatch Any { get; } = new();

    /// <summary>Create/update/patch/delete/deletecollection, optionally of one resource plural.</summary>
    public static RequestMatch Writes(string? resource = null) => new(ApiCall.WriteVerbs, resource);

    /// <summary>One or more verbs, optionally of one resource plural.</summary>
    public static RequestMatch Verb(string verb, string? resource = null) => new(new HashSet<string>(StringComparer.Ordinal) { verb }, resource);

    /// <summary>True when the call satisfies every field that is set.</summary>
    public bool Matches(ApiCall call) =>
        (Verbs is null || Verbs.Contains(call.Verb))
        && (Resource is null || Resource == call.Resource)
        && (Subresource is null || Subresource == call.Subresource)
        && (Namespace is null || Namespace == call.Namespace)
        && (Name is null || Name == call.Name);
}
