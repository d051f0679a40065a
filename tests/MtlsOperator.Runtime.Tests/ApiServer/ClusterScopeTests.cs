using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using TestApiServer;

namespace MtlsOperator.Runtime.Tests.ApiServer;

public sealed class ClusterScopeTests : ApiServerTest
{
    [Fact]
    public async Task Namespaces_are_cluster_scoped_objects()
    {
        await Client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = "team-b" } });

        var read = await Client.CoreV1.ReadNamespaceAsync("team-b");

        Assert.Null(read.Metadata.NamespaceProperty);
        Assert.Single((await Client.CoreV1.ListNamespaceAsync()).Items);
    }

    [Fact]
    public async Task Cluster_scoped_custom_resources_live_outside_namespaces()
    {
        var policies = ApiResource.Custom("example.com", "v1", "globalpolicies", "GlobalPolicy", namespaced: false);
        Server.Resources.Register(policies);
        var body = new JsonObject { ["apiVersion"] = "example.com/v1", ["kind"] = "GlobalPolicy", ["metadata"] = new JsonObject { ["name"] = "default" } };

        var created = Json(await Client.CustomObjects.CreateClusterCustomObjectAsync(body, "example.com", "v1", "globalpolicies"));

        Assert.Null(created["metadata"]!["namespace"]);
        Assert.NotNull(Server.Store.Get(policies, null, "default"));
    }

    [Fact]
    public async Task Watch_across_all_namespaces_sees_every_namespace()
    {
        var first = await Client.CustomObjects.CreateNamespacedCustomObjectAsync(Bundle("a"), Bundles.Group, Bundles.Version, "team-a", Bundles.Plural);
        await Client.CustomObjects.CreateNamespacedCustomObjectAsync(Bundle("b"), Bundles.Group, Bundles.Version, "team-b", Bundles.Plural);
        await Client.CustomObjects.CreateNamespacedCustomObjectAsync(Bundle("c"), Bundles.Group, Bundles.Version, "team-c", Bundles.Plural);

        var stream = Client.CustomObjects.WatchListCustomObjectForAllNamespacesAsync(Bundles.Group, Bundles.Version, Bundles.Plural, resourceVersion: Version(Json(first)));
        var events = await TakeAsync(stream, 2);

        Assert.Equal(["team-b", "team-c"], events.Select(e => (string)e.Object["metadata"]!["namespace"]!));
    }

    [Fact]
    public async Task Namespaced_watch_sees_only_its_namespace()
    {
        var first = await CreateBundleAsync(Bundle("a"));
        await Client.CustomObjects.CreateNamespacedCustomObjectAsync(Bundle("elsewhere"), Bundles.Group, Bundles.Version, "team-b", Bundles.Plural);
        await CreateBundleAsync(Bundle("here"));

        var events = await TakeAsync(WatchBundles(resourceVersion: Version(first)), 1);

        Assert.Equal("here", Name(Assert.Single(events).Object));
    }
}
