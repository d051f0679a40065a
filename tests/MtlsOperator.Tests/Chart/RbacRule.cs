using System.Text.Json.Nodes;

namespace MtlsOperator.Tests.Chart;

/// <summary>One PolicyRule of a Role or ClusterRole, matched the way the RBAC authorizer matches it.</summary>
internal sealed record RbacRule(IReadOnlyList<string> ApiGroups, IReadOnlyList<string> Resources, IReadOnlyList<string> Verbs, IReadOnlyList<string> ResourceNames)
{
    // RBAC sees no object name on these verbs, so a rule limited by resourceNames never allows them.
    private static readonly HashSet<string> s_unnamedVerbs = ["create", "list", "watch", "deletecollection"];

    public static RbacRule From(JsonNode rule) => new(Strings(rule["apiGroups"]), Strings(rule["resources"]), Strings(rule["verbs"]), Strings(rule["resourceNames"]));

    /// <summary>True when this rule allows <paramref name="request"/> (namespace scope is the binding's business).</summary>
    public bool Allows(ApiRequest request)
    {
        var resource = request.Subresource is null ? request.Resource : request.Resource + "/" + request.Subresource;
        var name = s_unnamedVerbs.Contains(request.Verb) ? "" : request.Name ?? "";
        return Matches(ApiGroups, request.Group)
            && Matches(Resources, resource)
            && Matches(Verbs, request.Verb)
            && (ResourceNames.Count == 0 || (name.Length > 0 && ResourceNames.Contains(name)));
    }

    private static bool Matches(IReadOnlyList<string> allowed, string value) => allowed.Contains("*") || allowed.Contains(value);

    private static List<string> Strings(JsonNode? node) => node is JsonArray a ? [.. a.Select(v => (string)v!)] : [];
}

/// <summary>An API request in the terms RBAC authorizes: verb, group, resource[/subresource], namespace (null: cluster-wide), name.</summary>
internal sealed record ApiRequest(string Verb, string Group, string Resource, string? Subresource, string? Namespace, string? Name)
{
    public override string ToString() =>
        $"{Verb} {(Group.Length == 0 ? "core" : Group)}/{Resource}{(Subresource is null ? "" : "/" + Subresource)} in {Namespace ?? "all namespaces"}{(Name is null ? "" : " name " + Name)}";
}

/// <summary>Rules bound to the operator's ServiceAccount, either cluster-wide (<see cref="Namespace"/> null) or in one namespace.</summary>
internal sealed record RbacGrant(string Source, string? Namespace, IReadOnlyList<RbacRule> Rules)
{
    public bool Allows(ApiRequest request) =>
        (Namespace is null || request.Namespace == Namespace) && Rules.Any(rule => rule.Allows(request));
}
