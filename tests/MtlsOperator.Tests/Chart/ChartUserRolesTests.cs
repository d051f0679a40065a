using System.Text.Json.Nodes;

namespace MtlsOperator.Tests.Chart;

/// <summary>Who may manage trust: the ClusterRoles the chart gives people, matched as the RBAC authorizer matches them.</summary>
public sealed class ChartUserRolesTests
{
    private static readonly string[] s_kinds = ["trustbundles", "servercertificates", "clientauthpolicies", "mtlslisteners", "clientcertificateauthorities", "issuedclientcertificates", "clientcertificaterevocations"];

    [Fact]
    public void View_aggregates_into_view_edit_and_admin_and_only_reads()
    {
        var view = Role("view");

        Assert.All(["view", "edit", "admin"], r => Assert.Equal("true", (string?)view["metadata"]!["labels"]![$"rbac.authorization.k8s.io/aggregate-to-{r}"]));
        Assert.All(s_kinds, k => Assert.True(Allows(view, "list", k)));
        Assert.All(Rules(view).SelectMany(r => r.Verbs), v => Assert.Contains(v, (string[])["get", "list", "watch"]));
    }

    [Fact]
    public void Edit_aggregates_into_edit_and_admin_not_view_and_never_writes_status()
    {
        var edit = Role("edit");
        var labels = edit["metadata"]!["labels"]!;

        Assert.Equal("true", (string?)labels["rbac.authorization.k8s.io/aggregate-to-edit"]);
        Assert.Equal("true", (string?)labels["rbac.authorization.k8s.io/aggregate-to-admin"]);
        Assert.Null(labels["rbac.authorization.k8s.io/aggregate-to-view"]);
        Assert.All(s_kinds, k => Assert.True(Allows(edit, "update", k)));
        Assert.All(s_kinds, k => Assert.False(Allows(edit, "update", k, "status"), $"edit may write {k}/status"));
    }

    [Fact]
    public void Certificate_owners_manage_server_certificates_but_cannot_change_who_gets_in()
    {
        var certificates = Role("certificate-editor");

        Assert.True(Allows(certificates, "update", "servercertificates"));
        Assert.True(Allows(certificates, "get", "clientauthpolicies"));
        Assert.All(["clientauthpolicies", "trustbundles", "mtlslisteners"], k =>
        {
            Assert.False(Allows(certificates, "update", k), $"certificate owners may update {k}");
            Assert.False(Allows(certificates, "create", k), $"certificate owners may create {k}");
        });
        Assert.False(Allows(certificates, "get", "secrets", group: ""), "Secrets are granted by name, separately");
    }

    [Fact]
    public void Policy_owners_change_pins_rules_bundles_and_listeners_and_no_status_or_secrets()
    {
        var policies = Role("policy-editor");

        Assert.All(s_kinds, k => Assert.True(Allows(policies, "patch", k)));
        Assert.All(s_kinds, k => Assert.False(Allows(policies, "update", k, "status")));
        Assert.False(Allows(policies, "get", "secrets", group: ""));
    }

    [Fact]
    public void Certificate_issuers_issue_client_certificates_but_cannot_change_a_ca_or_read_its_secret()
    {
        var issuers = Role("certificate-issuer");

        Assert.True(Allows(issuers, "create", "issuedclientcertificates"));
        Assert.True(Allows(issuers, "get", "clientcertificateauthorities"));
        Assert.All(["clientcertificateauthorities", "clientauthpolicies", "trustbundles", "mtlslisteners"], k => Assert.False(Allows(issuers, "update", k), $"issuers may update {k}"));
        Assert.False(Allows(issuers, "get", "secrets", group: ""), "the CA's key is never granted to issuers");
        Assert.False(Allows(issuers, "update", "issuedclientcertificates", "status"));
    }

    [Fact]
    public void Certificate_revokers_may_revoke_and_may_not_issue_in_rbac_alone()
    {
        var revokers = Role("certificate-revoker");

        Assert.True(Allows(revokers, "create", "clientcertificaterevocations"));
        Assert.True(Allows(revokers, "get", "issuedclientcertificates"));
        Assert.All(["create", "update", "patch", "delete"], v => Assert.False(Allows(revokers, v, "issuedclientcertificates"), $"revokers may {v} issuedclientcertificates"));
        Assert.All(["update", "patch", "delete", "deletecollection"], v => Assert.False(Allows(revokers, v, "clientcertificaterevocations"), $"revokers may {v} a revocation"));
        Assert.False(Allows(revokers, "update", "clientcertificaterevocations", "status"));
        Assert.False(Allows(revokers, "update", "clientcertificateauthorities"));
        Assert.False(Allows(revokers, "get", "secrets", group: ""));
    }

    [Fact]
    public void Certificate_issuers_cannot_undo_a_revocation()
    {
        var issuers = Role("certificate-issuer");

        Assert.True(Allows(issuers, "get", "clientcertificaterevocations"));
        Assert.All(["create", "update", "patch", "delete"], v => Assert.False(Allows(issuers, v, "clientcertificaterevocations"), $"issuers may {v} a revocation"));
    }

    private static JsonObject Role(string suffix) =>
        HelmChart.Template("templates/aggregated-clusterroles.yaml").Documents
            .Select(d => d.AsObject())
            .Single(d => ((string?)d["metadata"]!["name"])!.EndsWith("-" + suffix, StringComparison.Ordinal));

    private static List<RbacRule> Rules(JsonObject role) => [.. role["rules"]!.AsArray().Select(r => RbacRule.From(r!))];

    private static bool Allows(JsonObject role, string verb, string resource, string? subresource = null, string group = "mtls-operator.io") =>
        Rules(role).Any(r => r.Allows(new ApiRequest(verb, group, resource, subresource, "apps", "x")));
}
