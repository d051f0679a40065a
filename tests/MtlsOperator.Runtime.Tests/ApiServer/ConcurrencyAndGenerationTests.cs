using System.Text.Json.Nodes;

namespace MtlsOperator.Runtime.Tests.ApiServer;

public sealed class ConcurrencyAndGenerationTests : ApiServerTest
{
    [Fact]
    public async Task Update_with_a_stale_resource_version_is_409_Conflict()
    {
        var first = await CreateBundleAsync(Bundle("corp-roots", pem: "a"));
        var stale = first.DeepClone().AsObject();
        first["spec"]!["sources"]![0]!["inline"] = "b";
        await ReplaceBundleAsync(first);

        stale["spec"]!["sources"]![0]!["inline"] = "c";

        Assert.Equal(409, await StatusCodeOf(() => ReplaceBundleAsync(stale)));
    }

    [Fact]
    public async Task Custom_resource_update_without_resource_version_is_rejected_as_invalid()
    {
        var created = await CreateBundleAsync(Bundle("corp-roots"));
        created["metadata"]!.AsObject().Remove("resourceVersion");

        Assert.Equal(422, await StatusCodeOf(() => ReplaceBundleAsync(created)));
    }

    [Fact]
    public async Task Spec_change_bumps_generation()
    {
        var created = await CreateBundleAsync(Bundle("corp-roots", pem: "a"));
        created["spec"]!["sources"]![0]!["inline"] = "b";

        var updated = await ReplaceBundleAsync(created);

        Assert.Equal(2, Generation(updated));
    }

    [Fact]
    public async Task Label_change_keeps_generation_but_takes_a_new_resource_version()
    {
        var created = await CreateBundleAsync(Bundle("corp-roots"));
        created["metadata"]!["labels"] = new JsonObject { ["tier"] = "gold" };

        var updated = await ReplaceBundleAsync(created);

        Assert.Equal(1, Generation(updated));
        Assert.NotEqual(Version(created), Version(updated));
    }

    [Fact]
    public async Task Status_change_keeps_generation()
    {
        var created = await CreateBundleAsync(Bundle("corp-roots"));
        created["status"] = new JsonObject { ["certificateCount"] = 2 };

        var updated = await ReplaceBundleStatusAsync(created);

        Assert.Equal(1, Generation(updated));
    }

    [Fact]
    public async Task Identical_update_is_a_no_op_without_new_resource_version()
    {
        var created = await CreateBundleAsync(Bundle("corp-roots"));
        var revision = Server.Store.CurrentRevision;

        var updated = await ReplaceBundleAsync(created);

        Assert.Equal(Version(created), Version(updated));
        Assert.Equal(revision, Server.Store.CurrentRevision);
    }
}
