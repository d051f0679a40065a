using k8s;
using MtlsOperator.Tests.Cli;
using MtlsOperator.Tests.Controller;

namespace MtlsOperator.Tests.Chart;

/// <summary>The chart's RBAC grants every call the operator makes, and nothing it does not make.</summary>
public sealed class ChartRbacTests
{
    private const string ReleaseNamespace = "mtls-system";
    private static readonly string s_leaseName = (string)HelmChart.Values["leaderElection"]!["leaseName"]!;

    [Fact]
    public void Every_call_in_the_operators_table_is_granted()
    {
        var grants = ChartRbac.Load(ReleaseNamespace);

        var denied = OperatorApiCalls.All.Select(Representative).Where(request => !grants.Any(g => g.Allows(request))).ToList();

        Assert.True(denied.Count == 0, "The chart's RBAC does not allow:\n" + string.Join('\n', denied));
    }

    [Fact]
    public void Nothing_is_granted_beyond_the_operators_table()
    {
        var needed = OperatorApiCalls.All.Select(c => (c.Group, c.Resource, c.Verb)).ToHashSet();
        var granted = ChartRbac.Load(ReleaseNamespace).SelectMany(g => g.Rules)
            .SelectMany(r => from g in r.ApiGroups from res in r.Resources from v in r.Verbs select (Group: g, Resource: res, Verb: v));

        var extra = granted.Where(p => !needed.Contains(p)).Select(p => $"{p.Verb} {p.Group}/{p.Resource}").ToList();

        Assert.True(extra.Count == 0, "The chart grants what the operator never does (least privilege):\n" + string.Join('\n', extra));
    }

    [Theory]
    [InlineData("delete", "", "secrets", null)]
    [InlineData("update", "mtls-operator.io", "mtlslisteners", null)]
    [InlineData("patch", "", "configmaps", null)]
    [InlineData("update", "coordination.k8s.io", "leases", "someone-elses-lease")]
    [InlineData("list", "coordination.k8s.io", "leases", null)]
    [InlineData("patch", "admissionregistration.k8s.io", "mutatingwebhookconfigurations", "someone-elses-webhook")]
    [InlineData("list", "admissionregistration.k8s.io", "mutatingwebhookconfigurations", null)]
    [InlineData("create", "admissionregistration.k8s.io", "mutatingwebhookconfigurations", null)]
    public void Calls_the_operator_never_makes_are_denied(string verb, string group, string resource, string? name)
    {
        var grants = ChartRbac.Load(ReleaseNamespace);
        var request = new ApiRequest(verb, group, resource, null, ReleaseNamespace, name);

        Assert.DoesNotContain(grants, g => g.Allows(request));
    }

    [Fact]
    public void Watched_namespaces_are_granted_the_cluster_role_there_and_nowhere_else()
    {
        var grants = ChartRbac.Load(ReleaseNamespace, ["apps"]);

        Assert.Contains(grants, g => g.Allows(new ApiRequest("list", "", "secrets", null, "apps", null)));
        Assert.DoesNotContain(grants, g => g.Allows(new ApiRequest("list", "", "secrets", null, "other", null)));
        Assert.DoesNotContain(grants, g => g.Allows(new ApiRequest("list", "", "secrets", null, null, null)));
    }

    [Fact]
    public void Lease_is_only_granted_in_the_release_namespace()
    {
        var grants = ChartRbac.Load(ReleaseNamespace);

        Assert.DoesNotContain(grants, g => g.Allows(new ApiRequest("update", "coordination.k8s.io", "leases", null, "apps", s_leaseName)));
    }

    /// <summary>
    /// The strong form: the real operator, with leader election, reconciles a listener end to end against the test API
    /// server; every request it made must be allowed by the chart, and must be in the table (so the table cannot go stale).
    /// Run once watching all namespaces (ClusterRoleBinding) and once with watchNamespaces (RoleBindings only), where a
    /// single cluster-wide call would be forbidden.
    /// </summary>
    [Theory]
    [InlineData("", false)]
    [InlineData("apps", false)]
    [InlineData("", true)]
    [InlineData("apps", true)]
    public async Task Every_request_a_real_operator_run_makes_is_allowed_by_the_chart(string watched, bool webhook)
    {
        var watchNamespaces = watched.Split(',', StringSplitOptions.RemoveEmptyEntries);
        await using var fx = await OperatorFixture.StartAsync();
        await fx.ApplyAsync(new ListenerManifests().Yaml());
        // One listener that starts out not Ready (its policy is missing): its Warning Event exercises the Events grant.
        await fx.ApplyAsync(Manifests.Listener("apps", "orphan", "agent", "no-such-policy"));
        var configuration = ChartRbac.ArgumentOf("--webhook-configuration");
        if (webhook)
        {
            await fx.Client.AdmissionregistrationV1.CreateMutatingWebhookConfigurationAsync(new k8s.Models.V1MutatingWebhookConfiguration
            {
                Metadata = new() { Name = configuration },
                Webhooks = [new() { Name = "inject.mtls-operator.io", AdmissionReviewVersions = ["v1"], SideEffects = "None", ClientConfig = new() }],
            });
        }

        var mark = fx.Server.Requests.Mark();

        // Only the operator talks to the server from the mark on: the test waits on the host, not through the API.
        // With the webhook it is configured with the names the chart's deployment passes.
        var host = fx.StartOperator(OperatorFixture.TestOptions(leaderElection: true) with
        {
            Namespaces = watchNamespaces,
            LeaseNamespace = ReleaseNamespace,
            LeaseName = s_leaseName,
            Webhook = webhook
                ? new MtlsOperator.Webhook.WebhookOptions
                {
                    Port = 0,
                    Address = "127.0.0.1",
                    Namespace = ReleaseNamespace,
                    ServiceName = ChartRbac.ArgumentOf("--webhook-service"),
                    SecretName = ChartRbac.ArgumentOf("--webhook-secret"),
                    ConfigurationName = configuration,
                    ReloadPeriod = TimeSpan.FromMilliseconds(100),
                }
                : null,
        });
        await OperatorFixture.Eventually(() => Task.FromResult(host.ReconcileCount >= 5 && host.IsIdle && host.IsReady), "the operator reconciled all five resources (and serves the webhook)");
        await fx.StopAsync(host);
        var requests = fx.Server.Requests.Since(mark)
            .Select(r => new ApiRequest(r.Call.Verb, r.Call.Group, r.Call.Resource, r.Call.Subresource, r.Call.Namespace, r.Call.Name)).ToList();

        var grants = ChartRbac.Load(ReleaseNamespace, watchNamespaces);
        var denied = requests.Where(request => !grants.Any(g => g.Allows(request))).Distinct().ToList();
        Assert.True(denied.Count == 0, "The operator made requests the chart's RBAC would forbid:\n" + string.Join('\n', denied));
        var table = OperatorApiCalls.All.Select(c => (c.Group, c.Resource, c.Verb)).ToHashSet();
        var unlisted = requests.Where(r => !table.Contains((r.Group, r.Subresource is null ? r.Resource : r.Resource + "/" + r.Subresource, r.Verb))).Distinct().ToList();
        Assert.True(unlisted.Count == 0, "Add these calls to OperatorApiCalls (and the chart's RBAC):\n" + string.Join('\n', unlisted));
        // The run exercised the writes that matter, so the assertions above were not vacuous.
        string[] webhookCalls = webhook ? ["patch mutatingwebhookconfigurations", "get mutatingwebhookconfigurations"] : [];
        foreach (var expected in new[] { "create secrets", "create configmaps", "update mtlslisteners/status", "create events", "create leases", "update leases" }.Concat(webhookCalls))
        {
            Assert.Contains(requests, r => $"{r.Verb} {r.Resource}{(r.Subresource is null ? "" : "/" + r.Subresource)}" == expected);
        }
    }

    private static ApiRequest Representative((string Group, string Resource, string Verb, OperatorApiCalls.Scope Scope, string MadeBy) call)
    {
        var parts = call.Resource.Split('/');
        var subresource = parts.Length > 1 ? parts[1] : null;
        return call.Scope == OperatorApiCalls.Scope.WebhookSecret
            ? new ApiRequest(call.Verb, call.Group, parts[0], subresource, ReleaseNamespace, ChartRbac.ArgumentOf("--webhook-secret"))
            : call.Scope == OperatorApiCalls.Scope.WebhookConfiguration
            ? new ApiRequest(call.Verb, call.Group, parts[0], subresource, null, ChartRbac.ArgumentOf("--webhook-configuration"))
            : call.Scope == OperatorApiCalls.Scope.Cluster
            ? new ApiRequest(call.Verb, call.Group, parts[0], subresource, null, "some-object")
            : call.Scope == OperatorApiCalls.Scope.ConvergedShard
            ? new ApiRequest(call.Verb, call.Group, parts[0], subresource, ReleaseNamespace, s_leaseName + "-converged-a")
            : call.Scope == OperatorApiCalls.Scope.LeaseNamespace
            ? new ApiRequest(call.Verb, call.Group, parts[0], subresource, ReleaseNamespace, s_leaseName)
            // Default values watch all namespaces: informers list and watch across them; the rest names one object.
            : call.Verb is "list" or "watch"
                ? new ApiRequest(call.Verb, call.Group, parts[0], subresource, null, null)
                : new ApiRequest(call.Verb, call.Group, parts[0], subresource, "apps", "some-object");
    }
}
