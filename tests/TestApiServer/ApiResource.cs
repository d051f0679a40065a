namespace TestApiServer;

/// <summary>One kind of object the test API server stores, with the REST behaviour that differs between built-in and custom resources.</summary>
/// <param name="Group">API group; empty for the core group.</param>
/// <param name="IsCustom">Custom resources track metadata.generation, refuse unconditional PUTs, reject strategic merge patch and return the object from DELETE, as CRD-backed resources do.</param>
public sealed record ApiResource(string Group, string Version, string Plural, string Kind, bool Namespaced, bool HasStatusSubresource, bool IsCustom)
{
    /// <summary>The apiVersion written into objects: "v1" or "group/version".</summary>
    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    /// <summary>Kind of the list returned by LIST.</summary>
    public string ListKind => Kind + "List";

    /// <summary>"plural" for the core group, "plural.group" otherwise, as the API server names resources in messages.</summary>
    public string QualifiedName => Group.Length == 0 ? Plural : $"{Plural}.{Group}";

    /// <summary>Custom resources bump metadata.generation on spec changes; the built-ins served here do not have it.</summary>
    public bool TracksGeneration => IsCustom;

    /// <summary>Built-in kinds accept a PUT without metadata.resourceVersion; custom resources demand it.</summary>
    public bool AllowsUnconditionalUpdate => !IsCustom;

    /// <summary>A namespaced (or cluster-scoped) custom resource, with or without the status subresource.</summary>
    public static ApiResource Custom(string group, string version, string plural, string kind, bool hasStatusSubresource = true, bool namespaced = true) =>
        new(group, version, plural, kind, namespaced, hasStatusSubresource, IsCustom: true);

    /// <summary>core/v1 Secret.</summary>
    public static ApiResource Secrets { get; } = new("", "v1", "secrets", "Secret", true, false, false);

    /// <summary>core/v1 ConfigMap.</summary>
    public static ApiResource ConfigMaps { get; } = new("", "v1", "configmaps", "ConfigMap", true, false, false);

    /// <summary>core/v1 Event.</summary>
    public static ApiResource CoreEvents { get; } = new("", "v1", "events", "Event", true, false, false);

    /// <summary>core/v1 Namespace (cluster-scoped; no lifecycle: deleting one does not delete its contents).</summary>
    public static ApiResource Namespaces { get; } = new("", "v1", "namespaces", "Namespace", false, true, false);

    /// <summary>coordination.k8s.io/v1 Lease, used by leader election.</summary>
    public static ApiResource Leases { get; } = new("coordination.k8s.io", "v1", "leases", "Lease", true, false, false);

    /// <summary>events.k8s.io/v1 Event.</summary>
    public static ApiResource Events { get; } = new("events.k8s.io", "v1", "events", "Event", true, false, false);

    /// <summary>core/v1 Pod (stored as written: no scheduler or kubelet fills in its status).</summary>
    public static ApiResource Pods { get; } = new("", "v1", "pods", "Pod", true, true, false);

    /// <summary>admissionregistration.k8s.io/v1 MutatingWebhookConfiguration (cluster-scoped; stored, never called).</summary>
    public static ApiResource MutatingWebhookConfigurations { get; } = new("admissionregistration.k8s.io", "v1", "mutatingwebhookconfigurations", "MutatingWebhookConfiguration", false, false, false);

    /// <summary>certificates.k8s.io/v1 CertificateSigningRequest (cluster-scoped, with status; nothing approves or signs them: tests do).</summary>
    public static ApiResource CertificateSigningRequests { get; } = new("certificates.k8s.io", "v1", "certificatesigningrequests", "CertificateSigningRequest", false, true, false);

    /// <summary>The built-in kinds every server serves from the start.</summary>
    public static IReadOnlyList<ApiResource> BuiltIns { get; } = [Secrets, ConfigMaps, CoreEvents, Namespaces, Leases, Events, Pods, MutatingWebhookConfigurations, CertificateSigningRequests];
}
