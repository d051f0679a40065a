using System.Text.Json.Nodes;

namespace MtlsOperator.Tests.Chart;

/// <summary>What the chart's RBAC grants the operator's ServiceAccount.</summary>
internal static class ChartRbac
{
    private const string FullName = "include \"mtls-operator.fullname\" .";
    private const string ServiceAccountName = "include \"mtls-operator.serviceAccountName\" .";
    private const string ReleaseNamespace = ".Release.Namespace";

    /// <summary>What Helm renders the full name as for <c>helm install mtls-operator ...</c> (the release name contains the chart's).</summary>
    public const string RenderedFullName = "mtls-operator";

    /// <summary>The name-building actions of the webhook objects, with what Helm renders for release <see cref="RenderedFullName"/>.</summary>
    private static readonly (string Action, string Text)[] s_names =
    [
        ("printf \"%s-webhook-tls\" (include \"mtls-operator.fullname\" .) | quote", RenderedFullName + "-webhook-tls"),
        ("printf \"%s-webhook-tls\" (include \"mtls-operator.fullname\" .)", RenderedFullName + "-webhook-tls"),
        (FullName + " | quote", RenderedFullName),
        (FullName, RenderedFullName),
    ];

    /// <summary>The grants, with <paramref name="releaseNamespace"/> standing for the namespace Helm installs into.</summary>
    /// <param name="watchNamespaces">The <c>watchNamespaces</c> value: empty (the default) binds the ClusterRole
    /// cluster-wide, otherwise it is bound by one RoleBinding in each listed namespace.</param>
    public static IReadOnlyList<RbacGrant> Load(string releaseNamespace, IReadOnlyList<string>? watchNamespaces = null)
    {
        var clusterRoleFile = HelmChart.Template("templates/clusterrole.yaml");
        var clusterRole = Single(clusterRoleFile, "ClusterRole");
        Assert.Equal(clusterRoleFile.PlaceholderOf(FullName), (string?)clusterRole["metadata"]!["name"]);

        var bindingFile = HelmChart.Template("templates/clusterrolebinding.yaml");
        List<RbacGrant> grants;
        if (watchNamespaces is not { Count: > 0 })
        {
            RequireBinding(bindingFile, Single(bindingFile, "ClusterRoleBinding"), "ClusterRole", bindingFile.PlaceholderOf(FullName), ".");
            grants = [new RbacGrant("ClusterRole (ClusterRoleBinding)", null, Rules(clusterRole))];
        }
        else
        {
            // The RoleBinding sits in a range over watchNamespaces: its namespace is the range's element.
            var perNamespace = Single(bindingFile, "RoleBinding");
            RequireBinding(bindingFile, perNamespace, "ClusterRole", bindingFile.PlaceholderOf(FullName.Replace(" .", " $", StringComparison.Ordinal)), "$");
            Assert.Equal(bindingFile.PlaceholderOf("."), (string?)perNamespace["metadata"]!["namespace"]);
            grants = [.. watchNamespaces.Select(ns => new RbacGrant($"ClusterRole (RoleBinding in {ns})", ns, Rules(clusterRole)))];
        }

        var leaseFile = HelmChart.Template("templates/leader-election-role.yaml");
        var role = Single(leaseFile, "Role");
        Assert.Equal(leaseFile.PlaceholderOf(ReleaseNamespace), (string?)role["metadata"]!["namespace"]);
        RequireBinding(leaseFile, Single(leaseFile, "RoleBinding"), "Role", (string)role["metadata"]!["name"]!, ".");

        grants.Add(new RbacGrant("leader-election Role", releaseNamespace, Rules(role)));

        var convergedFile = HelmChart.Template("templates/converged-reconciles-role.yaml");
        var convergedRole = Single(convergedFile, "Role");
        Assert.Equal(convergedFile.PlaceholderOf(ReleaseNamespace), (string?)convergedRole["metadata"]!["namespace"]);
        RequireBinding(convergedFile, Single(convergedFile, "RoleBinding"), "Role", (string)convergedRole["metadata"]!["name"]!, ".");
        grants.Add(new RbacGrant("converged-reconciles Role", releaseNamespace, Rules(convergedRole)));

        // webhook.enabled: the webhook's own ClusterRole (its MutatingWebhookConfiguration) and Role (its serving Secret).
        var webhookFile = HelmChart.Template("templates/webhook-rbac.yaml");
        var webhookClusterRole = Single(webhookFile, "ClusterRole");
        RequireBinding(webhookFile, Single(webhookFile, "ClusterRoleBinding"), "ClusterRole", (string)webhookClusterRole["metadata"]!["name"]!, ".");
        var webhookRole = Single(webhookFile, "Role");
        Assert.Equal(webhookFile.PlaceholderOf(ReleaseNamespace), (string?)webhookRole["metadata"]!["namespace"]);
        RequireBinding(webhookFile, Single(webhookFile, "RoleBinding"), "Role", (string)webhookRole["metadata"]!["name"]!, ".");
        grants.Add(new RbacGrant("webhook ClusterRole", null, Rules(webhookClusterRole, webhookFile)));
        grants.Add(new RbacGrant("webhook Role", releaseNamespace, Rules(webhookRole, webhookFile)));

        // signingRequests.signerNames: Kubernetes CertificateSigningRequests (cluster-scoped) for spec.csr.signingRequest.
        var signingFile = HelmChart.Template("templates/signing-requests-rbac.yaml");
        var signingClusterRole = Single(signingFile, "ClusterRole");
        RequireBinding(signingFile, Single(signingFile, "ClusterRoleBinding"), "ClusterRole", (string)signingClusterRole["metadata"]!["name"]!, ".");
        grants.Add(new RbacGrant("signing-requests ClusterRole", null, Rules(signingClusterRole)));
        return grants;
    }

    /// <summary>The value the deployment passes for <paramref name="flag"/> (e.g. <c>--webhook-secret</c>), as the skeleton renders it.</summary>
    public static string ArgumentOf(string flag)
    {
        var file = HelmChart.Template("templates/deployment.yaml");
        var argument = file.Documents.OfType<JsonObject>().Single(d => (string?)d["kind"] == "Deployment")["spec"]!["template"]!["spec"]!["containers"]![0]!["args"]!.AsArray()
            .Select(a => (string)a!).Single(a => a.StartsWith(flag + "=", StringComparison.Ordinal))[(flag.Length + 1)..];
        return file.Rendered(argument, s_names);
    }

    /// <summary>Binds <paramref name="kind"/> <paramref name="roleName"/> to the chart's ServiceAccount in the release namespace.</summary>
    /// <param name="scope">The template's root context: "." at top level, "$" inside a range.</param>
    public static void RequireBinding(TemplateSkeleton file, JsonObject binding, string kind, string roleName, string scope)
    {
        var roleRef = binding["roleRef"]!;
        Assert.True((string?)roleRef["kind"] == kind && (string?)roleRef["name"] == roleName && (string?)roleRef["apiGroup"] == "rbac.authorization.k8s.io",
            $"{file.File}: {binding["kind"]} must refer to {kind} {roleName}, refers to {roleRef.ToJsonString()}");
        var subject = Assert.Single(binding["subjects"]!.AsArray())!;
        Assert.Equal("ServiceAccount", (string?)subject["kind"]);
        Assert.Equal(file.PlaceholderOf(ServiceAccountName.Replace(" .", " " + scope, StringComparison.Ordinal)), (string?)subject["name"]);
        Assert.Equal(file.PlaceholderOf(scope == "." ? ReleaseNamespace : "$.Release.Namespace"), (string?)subject["namespace"]);
    }

    public static JsonObject Single(TemplateSkeleton file, string kind) =>
        Assert.Single(file.Documents.OfType<JsonObject>(), d => (string?)d["kind"] == kind);

    private static List<RbacRule> Rules(JsonObject role, TemplateSkeleton? names = null) =>
        [.. role["rules"]!.AsArray().Select(r => RbacRule.From(r!)).Select(r => names is null ? r : r with { ResourceNames = [.. r.ResourceNames.Select(n => names.Rendered(n, s_names))] })];
}
