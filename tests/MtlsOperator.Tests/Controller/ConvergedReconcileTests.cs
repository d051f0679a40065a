using k8s;
using MtlsOperator.Controller;
using MtlsOperator.Tests.Cli;

namespace MtlsOperator.Tests.Controller;

/// <summary>A reconcile whose inputs are those of the resource's last reconcile that wrote nothing is answered without evaluating;
/// any change to what it reads — an input, its own output, its status — is evaluated as before.</summary>
public sealed class ConvergedReconcileTests
{
    private static readonly TimeSpan s_resync = TimeSpan.FromMilliseconds(200);

    [Fact]
    public async Task A_resync_of_a_converged_world_is_answered_from_memory_and_writes_nothing()
    {
        await using var fx = await OperatorFixture.StartAsync();
        var host = await ConvergedAsync(fx, new ListenerManifests());

        var mark = fx.Server.Requests.Mark();
        var recalls = host.ConvergedRecalls;
        // Four resources (bundle, certificate, policy, listener); two resync rounds answer each of them twice.
        await OperatorFixture.Eventually(() => Task.FromResult(host.ConvergedRecalls >= recalls + 8 && host.IsIdle), "two resync rounds were answered from memory");

        Assert.Empty(fx.Server.Requests.WritesSince(mark));
    }

    [Fact]
    public async Task A_renewed_certificate_in_the_tls_secret_of_a_remembered_listener_is_served()
    {
        await using var fx = await OperatorFixture.StartAsync();
        var manifests = new ListenerManifests();
        var host = await ConvergedAsync(fx, manifests);
        await RememberedAsync(host);

        var renewed = manifests.Root.IssueServer("agent.example.com");
        await fx.ApplyAsync(Manifests.TlsSecret("apps", "agent-tls", renewed));

        await fx.WaitServedAsync(renewed, "the renewed certificate is served", TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task An_output_someone_else_changed_is_put_back_although_its_owner_is_remembered()
    {
        await using var fx = await OperatorFixture.StartAsync();
        var host = await ConvergedAsync(fx, new ListenerManifests());
        await RememberedAsync(host);
        var good = (await fx.TryGetSecretAsync("apps", "agent-mtls"))!;

        var edited = (await fx.TryGetSecretAsync("apps", "agent-mtls"))!;
        edited.Data["tls.crt"] = [.. edited.Data["tls.crt"][..^1], (byte)(edited.Data["tls.crt"][^1] ^ 1)];
        await fx.Client.CoreV1.ReplaceNamespacedSecretAsync(edited, "agent-mtls", "apps");

        await OperatorFixture.Eventually(
            async () => await fx.TryGetSecretAsync("apps", "agent-mtls") is { } s && OutputOf.SameData(s, good), "the operator put tls.crt back");
    }

    [Fact]
    public async Task A_status_someone_else_changed_is_put_back_although_its_resource_is_remembered()
    {
        await using var fx = await OperatorFixture.StartAsync();
        var host = await ConvergedAsync(fx, new ListenerManifests());
        await RememberedAsync(host);

        var listener = await fx.Client.CustomObjects.GetNamespacedCustomObjectAsync("mtls-operator.io", "v1alpha1", "apps", "mtlslisteners", "agent");
        var node = System.Text.Json.Nodes.JsonNode.Parse(k8s.KubernetesJson.Serialize(listener))!.AsObject();
        node["status"]!["conditions"] = new System.Text.Json.Nodes.JsonArray();
        await fx.Client.CustomObjects.ReplaceNamespacedCustomObjectStatusAsync(node, "mtls-operator.io", "v1alpha1", "apps", "mtlslisteners", "agent");

        await fx.WaitReadyAsync("mtlslisteners", "agent");
    }

    private static async Task<OperatorHost> ConvergedAsync(OperatorFixture fx, ListenerManifests manifests)
    {
        var host = fx.StartOperator(OperatorFixture.TestOptions() with { ResyncPeriod = s_resync });
        await fx.ApplyAsync(manifests.Yaml());
        await fx.WaitReadyAsync("mtlslisteners", "agent");
        await fx.WaitSettledAsync(host);
        return host;
    }

    // A resync round answered every resource from memory: what follows is a change to a remembered world.
    private static async Task RememberedAsync(OperatorHost host)
    {
        var recalls = host.ConvergedRecalls;
        await OperatorFixture.Eventually(() => Task.FromResult(host.ConvergedRecalls >= recalls + 4), "a resync round was answered from memory");
    }
}
