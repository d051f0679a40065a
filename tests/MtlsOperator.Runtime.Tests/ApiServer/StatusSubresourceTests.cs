using System.Text.Json.Nodes;
using k8s;
using TestApiServer;

namespace MtlsOperator.Runtime.Tests.ApiServer;

public sealed class StatusSubresourceTests : ApiServerTest
{
    [Fact]
    public async Task Main_endpoint_ignores_status_changes()
    {
        var created = await CreateBundleAsync(Bundle("corp-roots"));
        created["status"] = new JsonObject { ["certificateCount"] = 7 };

        var updated = await ReplaceBundleAsync(created);

        Assert.Null(updated["status"]);
    }

    [Fact]
    public async Task Create_drops_status()
    {
        var body = Bundle("corp-roots");
        body["status"] = new JsonObject { ["certificateCount"] = 7 };

        var created = await CreateBundleAsync(body);

        Assert.Null(created["status"]);
    }

    [Fact]
    public async Task Status_endpoint_ignores_spec_and_metadata_changes()
    {
        var created = await CreateBundleAsync(Bundle("corp-roots", pem: "original"));
        created["spec"]!["sources"]![0]!["inline"] = "changed";
        created["metadata"]!["labels"] = new JsonObject { ["tier"] = "gold" };
        created["status"] = new JsonObject { ["certificateCount"] = 3 };

        var updated = await ReplaceBundleStatusAsync(created);

        Assert.Equal("original", (string)updated["spec"]!["sources"]![0]!["inline"]!);
        Assert.Null(updated["metadata"]!["labels"]);
        Assert.Equal(3, (int)updated["status"]!["certificateCount"]!);
    }

    [Fact]
    public async Task Status_update_with_stale_resource_version_is_409()
    {
        var created = await CreateBundleAsync(Bundle("corp-roots"));
        var stale = created.DeepClone().AsObject();
        created["metadata"]!["labels"] = new JsonObject { ["tier"] = "gold" };
        await ReplaceBundleAsync(created);
        stale["status"] = new JsonObject { ["certificateCount"] = 3 };

        Assert.Equal(409, await StatusCodeOf(() => ReplaceBundleStatusAsync(stale)));
    }

    [Fact]
    public async Task Status_patch_changes_only_status()
    {
        await CreateBundleAsync(Bundle("corp-roots", pem: "original"));
        var patch = new k8s.Models.V1Patch("""{"spec":{"sources":[]},"status":{"certificateCount":4}}""", k8s.Models.V1Patch.PatchType.MergePatch);

        var patched = Json(await Client.CustomObjects.PatchNamespacedCustomObjectStatusAsync(patch, Bundles.Group, Bundles.Version, Ns, Bundles.Plural, "corp-roots"));

        Assert.Equal(4, (int)patched["status"]!["certificateCount"]!);
        Assert.Equal("original", (string)patched["spec"]!["sources"]![0]!["inline"]!);
    }

    [Fact]
    public async Task Without_status_subresource_status_is_ordinary_content_and_bumps_generation()
    {
        var widgets = ApiResource.Custom("example.com", "v1", "widgets", "Widget", hasStatusSubresource: false);
        Server.Resources.Register(widgets);
        var body = new JsonObject { ["apiVersion"] = "example.com/v1", ["kind"] = "Widget", ["metadata"] = new JsonObject { ["name"] = "w" }, ["status"] = new JsonObject { ["phase"] = "A" } };
        var created = Json(await Client.CustomObjects.CreateNamespacedCustomObjectAsync(body, "example.com", "v1", Ns, "widgets"));
        created["status"] = new JsonObject { ["phase"] = "B" };

        var updated = Json(await Client.CustomObjects.ReplaceNamespacedCustomObjectAsync(created, "example.com", "v1", Ns, "widgets", "w"));

        Assert.Equal("B", (string)updated["status"]!["phase"]!);
        Assert.Equal(2, Generation(updated));
        Assert.Equal(404, await StatusCodeOf(() => Client.CustomObjects.ReplaceNamespacedCustomObjectStatusAsync(updated, "example.com", "v1", Ns, "widgets", "w")));
    }
}
