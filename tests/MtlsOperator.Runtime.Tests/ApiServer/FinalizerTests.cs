using System.Text.Json.Nodes;
using k8s;

namespace MtlsOperator.Runtime.Tests.ApiServer;

public sealed class FinalizerTests : ApiServerTest
{
    private const string Finalizer = "mtls-operator.io/cleanup";

    private async Task<JsonObject> CreateFinalizedAsync(string name)
    {
        var body = Bundle(name);
        body["metadata"]!["finalizers"] = new JsonArray(Finalizer);
        return await CreateBundleAsync(body);
    }

    [Fact]
    public async Task Delete_with_finalizers_sets_deletion_timestamp_and_keeps_the_object()
    {
        await CreateFinalizedAsync("held");

        await DeleteBundleAsync("held");

        var held = await GetBundleAsync("held");
        Assert.NotNull(held["metadata"]!["deletionTimestamp"]);
        Assert.Equal(2, Generation(held));
    }

    [Fact]
    public async Task Delete_with_finalizers_answers_202()
    {
        await CreateFinalizedAsync("held");

        var response = await Client.CustomObjects.DeleteNamespacedCustomObjectWithHttpMessagesAsync(Bundles.Group, Bundles.Version, Ns, Bundles.Plural, "held");

        Assert.Equal(System.Net.HttpStatusCode.Accepted, response.Response.StatusCode);
    }

    [Fact]
    public async Task Removing_the_last_finalizer_deletes_the_marked_object()
    {
        await CreateFinalizedAsync("held");
        await DeleteBundleAsync("held");

        await MergePatchBundleAsync("held", """{"metadata":{"finalizers":null}}""");

        Assert.Equal(404, await StatusCodeOf(() => GetBundleAsync("held")));
    }

    [Fact]
    public async Task Watch_sees_modified_for_the_mark_then_one_deleted_for_the_removal()
    {
        var created = await CreateFinalizedAsync("held");
        await DeleteBundleAsync("held");
        await MergePatchBundleAsync("held", """{"metadata":{"finalizers":[]}}""");

        var events = await TakeAsync(WatchBundles(resourceVersion: Version(created)), 2);

        Assert.Equal([WatchEventType.Modified, WatchEventType.Deleted], events.Select(e => e.Type));
        Assert.NotNull(events[1].Object["metadata"]!["deletionTimestamp"]);
    }

    [Fact]
    public async Task Finalizers_cannot_be_added_while_deleting()
    {
        await CreateFinalizedAsync("held");
        await DeleteBundleAsync("held");

        var call = () => MergePatchBundleAsync("held", """{"metadata":{"finalizers":["mtls-operator.io/cleanup","other/finalizer"]}}""");

        Assert.Equal(422, await StatusCodeOf(call));
    }

    [Fact]
    public async Task Deleting_again_while_finalizers_hold_changes_nothing()
    {
        await CreateFinalizedAsync("held");
        await DeleteBundleAsync("held");
        var revision = Server.Store.CurrentRevision;

        await DeleteBundleAsync("held");

        Assert.Equal(revision, Server.Store.CurrentRevision);
    }

    [Fact]
    public async Task Delete_precondition_on_a_stale_resource_version_is_409()
    {
        var created = await CreateBundleAsync(Bundle("a"));
        await MergePatchBundleAsync("a", """{"metadata":{"labels":{"x":"y"}}}""");
        var options = new k8s.Models.V1DeleteOptions { Preconditions = new k8s.Models.V1Preconditions { ResourceVersion = Version(created) } };

        var call = () => Client.CustomObjects.DeleteNamespacedCustomObjectAsync(Bundles.Group, Bundles.Version, Ns, Bundles.Plural, "a", body: options);

        Assert.Equal(409, await StatusCodeOf(call));
    }

    [Fact]
    public async Task Owner_references_are_stored_as_given_and_nothing_is_garbage_collected()
    {
        var owner = await CreateBundleAsync(Bundle("owner"));
        var secret = new k8s.Models.V1Secret
        {
            Metadata = new k8s.Models.V1ObjectMeta
            {
                Name = "owned",
                OwnerReferences =
                [
                    new k8s.Models.V1OwnerReference { ApiVersion = "mtls-operator.io/v1alpha1", Kind = "TrustBundle", Name = "owner", Uid = (string)owner["metadata"]!["uid"]!, Controller = true },
                ],
            },
        };
        await Client.CoreV1.CreateNamespacedSecretAsync(secret, Ns);

        await DeleteBundleAsync("owner");

        var kept = await Client.CoreV1.ReadNamespacedSecretAsync("owned", Ns);
        Assert.Equal("owner", Assert.Single(kept.Metadata.OwnerReferences).Name);
    }
}
