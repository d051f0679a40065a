using k8s;
using k8s.Models;

namespace MtlsOperator.Runtime.Tests.ApiServer;

public sealed class PatchTests : ApiServerTest
{
    [Fact]
    public async Task Merge_patch_merges_objects_and_null_removes_a_key()
    {
        await CreateBundleAsync(Bundle("a", labels: new Dictionary<string, string> { ["keep"] = "1", ["drop"] = "2" }));

        var patched = await MergePatchBundleAsync("a", """{"metadata":{"labels":{"drop":null,"add":"3"}}}""");

        var labels = patched["metadata"]!["labels"]!.AsObject();
        Assert.Equal(["add", "keep"], labels.Select(label => label.Key).Order());
    }

    [Fact]
    public async Task Merge_patch_replaces_arrays_whole()
    {
        await CreateBundleAsync(Bundle("a", pem: "first"));

        var patched = await MergePatchBundleAsync("a", """{"spec":{"sources":[{"inline":"second"},{"inline":"third"}]}}""");

        Assert.Equal(["second", "third"], patched["spec"]!["sources"]!.AsArray().Select(source => (string)source!["inline"]!));
        Assert.Equal(2, Generation(patched));
    }

    [Fact]
    public async Task Merge_patch_with_stale_resource_version_is_409()
    {
        var created = await CreateBundleAsync(Bundle("a"));
        await MergePatchBundleAsync("a", """{"metadata":{"labels":{"x":"1"}}}""");

        var stalePatch = new System.Text.Json.Nodes.JsonObject { ["metadata"] = new System.Text.Json.Nodes.JsonObject { ["resourceVersion"] = Version(created), ["labels"] = new System.Text.Json.Nodes.JsonObject { ["x"] = "2" } } };
        var call = () => MergePatchBundleAsync("a", stalePatch.ToJsonString());

        Assert.Equal(409, await StatusCodeOf(call));
    }

    [Fact]
    public async Task Patching_a_missing_object_is_404()
    {
        Assert.Equal(404, await StatusCodeOf(() => MergePatchBundleAsync("absent", "{}")));
    }

    [Fact]
    public async Task Strategic_merge_patch_on_a_custom_resource_is_415()
    {
        await CreateBundleAsync(Bundle("a"));
        var patch = new V1Patch("""{"metadata":{"labels":{"x":"1"}}}""", V1Patch.PatchType.StrategicMergePatch);

        var call = () => Client.CustomObjects.PatchNamespacedCustomObjectAsync(patch, Bundles.Group, Bundles.Version, Ns, Bundles.Plural, "a");

        Assert.Equal(415, await StatusCodeOf(call));
    }

    [Fact]
    public async Task Strategic_merge_patch_on_a_secret_merges_data()
    {
        await Client.CoreV1.CreateNamespacedSecretAsync(new V1Secret { Metadata = new V1ObjectMeta { Name = "s" }, StringData = new Dictionary<string, string> { ["a"] = "1" } }, Ns);
        var patch = new V1Patch("""{"stringData":{"b":"2"}}""", V1Patch.PatchType.StrategicMergePatch);

        var patched = await Client.CoreV1.PatchNamespacedSecretAsync(patch, "s", Ns);

        Assert.Equal(["a", "b"], patched.Data.Keys.Order());
    }

    [Fact]
    public async Task Json_patch_removes_a_finalizer_by_index_after_a_test()
    {
        var body = Bundle("a");
        body["metadata"]!["finalizers"] = new System.Text.Json.Nodes.JsonArray("one", "two");
        await CreateBundleAsync(body);
        var patch = new V1Patch("""[{"op":"test","path":"/metadata/finalizers/0","value":"one"},{"op":"remove","path":"/metadata/finalizers/0"}]""", V1Patch.PatchType.JsonPatch);

        var patched = Json(await Client.CustomObjects.PatchNamespacedCustomObjectAsync(patch, Bundles.Group, Bundles.Version, Ns, Bundles.Plural, "a"));

        Assert.Equal(["two"], patched["metadata"]!["finalizers"]!.AsArray().Select(f => (string)f!));
    }

    [Fact]
    public async Task Json_patch_with_a_failing_test_is_422_and_changes_nothing()
    {
        await CreateBundleAsync(Bundle("a", pem: "x"));
        var patch = new V1Patch("""[{"op":"test","path":"/spec/sources/0/inline","value":"y"},{"op":"replace","path":"/spec/sources","value":[]}]""", V1Patch.PatchType.JsonPatch);

        var call = () => Client.CustomObjects.PatchNamespacedCustomObjectAsync(patch, Bundles.Group, Bundles.Version, Ns, Bundles.Plural, "a");

        Assert.Equal(422, await StatusCodeOf(call));
        Assert.Equal("x", (string)(await GetBundleAsync("a"))["spec"]!["sources"]![0]!["inline"]!);
    }

    [Fact]
    public async Task Apply_patch_creates_a_missing_object_then_merges_into_it()
    {
        var apply = new V1Patch(Bundle("a", pem: "first").ToJsonString(), V1Patch.PatchType.ApplyPatch);
        var created = await Client.CustomObjects.PatchNamespacedCustomObjectWithHttpMessagesAsync(apply, Bundles.Group, Bundles.Version, Ns, Bundles.Plural, "a", fieldManager: "test", force: true);

        var again = new V1Patch(Bundle("a", pem: "second").ToJsonString(), V1Patch.PatchType.ApplyPatch);
        var updated = Json(await Client.CustomObjects.PatchNamespacedCustomObjectAsync(again, Bundles.Group, Bundles.Version, Ns, Bundles.Plural, "a", fieldManager: "test", force: true));

        Assert.Equal(System.Net.HttpStatusCode.Created, created.Response.StatusCode);
        Assert.Equal("second", (string)updated["spec"]!["sources"]![0]!["inline"]!);
    }

    [Fact]
    public async Task Apply_patch_without_field_manager_is_rejected()
    {
        var apply = new V1Patch(Bundle("a").ToJsonString(), V1Patch.PatchType.ApplyPatch);

        var call = () => Client.CustomObjects.PatchNamespacedCustomObjectAsync(apply, Bundles.Group, Bundles.Version, Ns, Bundles.Plural, "a");

        Assert.Equal(422, await StatusCodeOf(call));
    }
}
