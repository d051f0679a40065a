using k8s;
using System.Text;
using k8s.Models;
using MtlsOperator.Tests.Cli;

namespace MtlsOperator.Tests.Controller;

/// <summary>No trespass: an object of the output's name that the operator does not own is reported, never overwritten.</summary>
public sealed class OwnershipConflictTests
{
    [Fact]
    public async Task A_same_named_secret_not_owned_by_the_operator_is_never_modified_and_the_listener_reports_OutputConflict()
    {
        await using var fx = await OperatorFixture.StartAsync();
        var theirs = await fx.Client.CoreV1.CreateNamespacedSecretAsync(new V1Secret
        {
            Metadata = new V1ObjectMeta { Name = "agent-mtls", Labels = new Dictionary<string, string> { ["app"] = "someone-else" } },
            Data = new Dictionary<string, byte[]> { ["haproxy.cfg"] = Encoding.UTF8.GetBytes("# hand-written, keep\n") },
        }, "apps");
        var mark = fx.Server.Requests.Mark();
        var host = fx.StartOperator();

        await fx.ApplyAsync(new ListenerManifests().Yaml());

        await fx.WaitReadyAsync("mtlslisteners", "agent", "False");
        await OperatorFixture.WaitIdleAsync(host);
        Assert.Equal("OutputConflict", (string?)(await fx.ReadyAsync("mtlslisteners", "agent"))!["reason"]);
        var now = (await fx.TryGetSecretAsync("apps", "agent-mtls"))!;
        Assert.Equal(theirs.Metadata.ResourceVersion, now.Metadata.ResourceVersion);
        Assert.True(OutputOf.SameData(theirs, now));
        Assert.DoesNotContain(fx.Server.Requests.WritesSince(mark), r => r.Resource == "secrets" && r.Call.Name == "agent-mtls");
    }

    [Fact]
    public async Task A_same_named_configmap_not_owned_by_the_operator_is_never_modified_and_the_trust_bundle_reports_OutputConflict()
    {
        await using var fx = await OperatorFixture.StartAsync();
        var theirs = await fx.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap
        {
            Metadata = new V1ObjectMeta { Name = "corp-ca" },
            Data = new Dictionary<string, string> { ["ca.crt"] = "someone else's bundle" },
        }, "apps");
        var mark = fx.Server.Requests.Mark();
        var host = fx.StartOperator();

        await fx.ApplyAsync(new ListenerManifests().Yaml());

        await fx.WaitReadyAsync("trustbundles", "corp", "False");
        await OperatorFixture.WaitIdleAsync(host);
        Assert.Equal("OutputConflict", (string?)(await fx.ReadyAsync("trustbundles", "corp"))!["reason"]);
        var now = await fx.Client.CoreV1.ReadNamespacedConfigMapAsync("corp-ca", "apps");
        Assert.Equal(theirs.Metadata.ResourceVersion, now.Metadata.ResourceVersion);
        Assert.DoesNotContain(fx.Server.Requests.WritesSince(mark), r => r.Resource == "configmaps" && r.Call.Name == "corp-ca");
    }

    [Fact]
    public async Task Once_the_conflicting_secret_is_deleted_the_listener_renders_its_output()
    {
        await using var fx = await OperatorFixture.StartAsync();
        await fx.Client.CoreV1.CreateNamespacedSecretAsync(new V1Secret { Metadata = new V1ObjectMeta { Name = "agent-mtls" } }, "apps");
        fx.StartOperator();
        await fx.ApplyAsync(new ListenerManifests().Yaml());
        await fx.WaitReadyAsync("mtlslisteners", "agent", "False");

        await fx.Client.CoreV1.DeleteNamespacedSecretAsync("agent-mtls", "apps");

        await fx.WaitReadyAsync("mtlslisteners", "agent");
        var output = await fx.TryGetSecretAsync("apps", "agent-mtls");
        Assert.Contains("haproxy.cfg", output!.Data.Keys);
    }
}
