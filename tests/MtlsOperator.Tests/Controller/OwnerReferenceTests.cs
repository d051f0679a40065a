using k8s;
using k8s.Models;
using MtlsOperator.Tests.Cli;

namespace MtlsOperator.Tests.Controller;

/// <summary>Every output names its owner (controller=true, the owner's uid), so the garbage collector removes it with the owner.</summary>
public sealed class OwnerReferenceTests
{
    [Fact]
    public async Task Every_output_carries_one_controller_owner_reference_with_the_uid_of_the_resource_it_was_rendered_for()
    {
        await using var fx = await OperatorFixture.StartAsync();
        var host = fx.StartOperator();
        await fx.ApplyAsync(new ListenerManifests().Yaml());
        await ExampleFolder.ApplyAsync(fx, "05-self-signed-bootstrap");
        await fx.WaitReadyAsync("mtlslisteners", "agent");
        await fx.WaitReadyAsync("mtlslisteners", "inventory-api", ns: "inventory");
        await fx.WaitSettledAsync(host);

        var outputs = new (V1ObjectMeta Output, string Plural, string Owner)[]
        {
            ((await fx.TryGetSecretAsync("apps", "agent-mtls"))!.Metadata, "mtlslisteners", "agent"),
            ((await fx.TryGetConfigMapAsync("apps", "corp-ca"))!.Metadata, "trustbundles", "corp"),
            ((await fx.TryGetSecretAsync("inventory", "inventory-api-bootstrap-tls"))!.Metadata, "servercertificates", "inventory-api"),
            ((await fx.TryGetSecretAsync("inventory", "inventory-api-mtls"))!.Metadata, "mtlslisteners", "inventory-api"),
        };
        foreach (var (output, plural, name) in outputs)
        {
            var owner = (await fx.TryGetCustomAsync(plural, output.NamespaceProperty, name))!;
            var reference = Assert.Single(output.OwnerReferences);
            Assert.Equal((string?)owner["metadata"]!["uid"], reference.Uid);
            Assert.Equal((string?)owner["kind"], reference.Kind);
            Assert.Equal(name, reference.Name);
            Assert.Equal("mtls-operator.io/v1alpha1", reference.ApiVersion);
            Assert.True(reference.Controller);
            Assert.True(reference.BlockOwnerDeletion);
            Assert.Equal("mtls-operator", output.Labels["app.kubernetes.io/managed-by"]);
        }
    }

    [Fact]
    public async Task Outputs_collected_after_their_listener_was_deleted_are_not_recreated()
    {
        await using var fx = await OperatorFixture.StartAsync();
        var host = fx.StartOperator();
        await fx.ApplyAsync(new ListenerManifests().Yaml());
        await fx.WaitReadyAsync("mtlslisteners", "agent");
        await fx.WaitSettledAsync(host);

        await fx.Client.CustomObjects.DeleteNamespacedCustomObjectAsync("mtls-operator.io", "v1alpha1", "apps", "mtlslisteners", "agent");
        await fx.WaitSettledAsync(host);
        var mark = fx.Server.Requests.Mark();
        var collected = await OwnerGarbageCollector.CollectAsync(fx, "apps");
        await fx.WaitSettledAsync(host);

        Assert.Equal(["Secret/agent-mtls"], collected);
        Assert.Null(await fx.TryGetSecretAsync("apps", "agent-mtls"));
        Assert.DoesNotContain(fx.Server.Requests.WritesSince(mark), r => r.Verb == "create" && r.Resource != "events");
        Assert.NotNull(await fx.TryGetConfigMapAsync("apps", "corp-ca"));
    }

    [Fact]
    public async Task An_output_secret_deleted_by_hand_is_put_back_by_its_listener()
    {
        await using var fx = await OperatorFixture.StartAsync();
        var host = fx.StartOperator();
        await fx.ApplyAsync(new ListenerManifests().Yaml());
        await fx.WaitReadyAsync("mtlslisteners", "agent");
        await fx.WaitSettledAsync(host);
        var before = (await fx.TryGetSecretAsync("apps", "agent-mtls"))!;

        await fx.Client.CoreV1.DeleteNamespacedSecretAsync("agent-mtls", "apps");

        await OperatorFixture.Eventually(async () => await fx.TryGetSecretAsync("apps", "agent-mtls") is not null, "the output is back");
        var after = (await fx.TryGetSecretAsync("apps", "agent-mtls"))!;
        Assert.True(OutputOf.SameData(before, after));
        Assert.NotEqual(before.Metadata.Uid, after.Metadata.Uid);
    }
}
