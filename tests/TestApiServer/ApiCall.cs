namespace TestApiServer;

/// <summary>What a request asked for, in Kubernetes terms (verb as RBAC names it, resource plural, subresource).</summary>
/// <param name="Verb">get, list, watch, create, update, patch, delete or deletecollection.</param>
/// <param name="Group">API group; empty for core.</param>
/// <param name="Resource">Resource plural, e.g. "secrets" or "trustbundles".</param>
/// <param name="Subresource">"status" or null.</param>
public sealed record ApiCall(string Verb, string Group, string Resource, string? Namespace, string? Name, string? Subresource)
{
    /// <summary>Verbs that change state.</summary>
    public static IReadOnlySet<string> WriteVerbs { get; } = new HashSet<string>(StringComparer.Ordinal) { "create", "update", "patch", "delete", "deletecollection" };

    /// <summary>True for create, update, patch, delete and deletecollection.</summary>
    public bool IsWrite => WriteVerbs.Contains(Verb);

    /// <inheritdoc/>
    public override string ToString() =>
        $"{Verb} {(Group.Length == 0 ? "" : Group + "/")}{Resource}{(Subresource is null ? "" : "/" + Subresource)} {Namespace}/{Name}";
}

/// <summary>One answered request in the journal.</summary>
/// <param name="Sequence">Arrival order, starting at 1; compare with <see cref="RequestJournal.Mark"/>.</param>
/// <param name="StatusCode">HTTP status answered (200 for a watch that started streaming).</param>
/// <param name="Injected">True when a fault switch, not the store, produced the answer.</param>
/// <param name="AnsweredAt">When the answer was recorded (<see cref="System.Diagnostics.Stopwatch.GetTimestamp"/>): for a write, the moment
/// the store held its result, so a benchmark can time writes without polling the store.</param>
public sealed record ApiRequestRecord(long Sequence, ApiCall Call, int StatusCode, bool Injected, long AnsweredAt = 0)
{
    /// <summary>Shortcut for Call.Verb.</summary>
    public string Verb => Call.Verb;

    /// <summary>Shortcut for Call.Resource.</summary>
    public string Resource => Call.Resource;
}
