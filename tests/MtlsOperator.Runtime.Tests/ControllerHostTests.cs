using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using MtlsOperator.Runtime;
using MtlsOperator.Runtime.Tests.ApiServer;
using MtlsOperator.Runtime.Tests.Informers;

namespace MtlsOperator.Runtime.Tests;

/// <summary>The whole wiring a reconciler is built on: two informers, an index, a filtered Secret cache and a controller.</summary>
public sealed class ControllerHostTests : ApiServerTest
{
    private const string BySecret = "bySecret";
    private readonly ConcurrentQueue<string> _reconciled = new();

    [Fact]
    public async Task A_change_to_a_referenced_secret_reconciles_the_resources_that_reference_it()
    {
        var bundles = new Informer<TestResource>(new CustomResourceClient<TestResource>(Client, Bundles.Group, Bundles.Version, Bundles.Plural, Bundles.Kind));
        bundles.Cache.AddIndex(BySecret, b => b.Spec?["secretName"] is { } name ? [$"{b.Metadata.NamespaceProperty}/{name}"] : []);
        var secrets = new Informer<V1Secret>(
            ResourceClients.Secrets(Client),
            new() { CacheFilter = s => bundles.Cache.ByIndex(BySecret, ObjectKey.Of(s).ToString()).Count > 0 });
        var controller = new Controller(Bundles.Kind, async (key, ct) =>
        {
            var bundle = bundles.Cache.Get(key);
            var secretName = (string?)bundle?.Spec?["secretName"];
            var secret = secretName is null ? null : await secrets.GetOrFetchAsync(new ObjectKey(key.Namespace, secretName), ct);
            _reconciled.Enqueue($"{key.Name}:{secret?.Metadata.ResourceVersion ?? "no secret"}");
            return ReconcileResult.Done;
        });
        bundles.AddHandler(controller.EnqueueOwnKey<TestResource>());
        secrets.AddHandler(controller.EnqueueMapped<V1Secret>(s => bundles.Cache.ByIndex(BySecret, ObjectKey.Of(s).ToString()).Select(ObjectKey.Of)));
        using var stop = new CancellationTokenSource();
        var host = new ControllerHost([bundles, secrets], [controller]).RunAsync(stop.Token);

        var secret = await Client.CoreV1.CreateNamespacedSecretAsync(new V1Secret { Metadata = new() { Name = "tls" }, StringData = new Dictionary<string, string> { ["tls.crt"] = "v1" } }, Ns);
        await CreateBundleAsync(BundleReferencing("uses-tls", "tls"));
        await Eventually.TrueAsync(() => _reconciled.Contains($"uses-tls:{secret.Metadata.ResourceVersion}"), "the bundle was reconciled with its secret");
        var renewed = await Client.CoreV1.PatchNamespacedSecretAsync(new V1Patch("""{"stringData":{"tls.crt":"v2"}}""", V1Patch.PatchType.MergePatch), "tls", Ns);

        await Eventually.TrueAsync(() => _reconciled.Contains($"uses-tls:{renewed.Metadata.ResourceVersion}"), "the renewed secret re-reconciled the bundle");
        await stop.CancelAsync();
        await host.WaitAsync(Eventually.DefaultTimeout);
        Assert.Equal(1, secrets.Cache.Count);
    }

    private static JsonObject BundleReferencing(string name, string secretName)
    {
        var bundle = Bundle(name);
        bundle["spec"] = new JsonObject { ["secretName"] = secretName };
        return bundle;
    }
}
