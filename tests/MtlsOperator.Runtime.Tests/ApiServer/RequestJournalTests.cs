using k8s;

namespace MtlsOperator.Runtime.Tests.ApiServer;

public sealed class RequestJournalTests : ApiServerTest
{
    [Fact]
    public async Task Reads_after_a_mark_are_not_writes()
    {
        await CreateBundleAsync(Bundle("a"));
        var mark = Server.Requests.Mark();

        await GetBundleAsync("a");
        await Client.CustomObjects.ListNamespacedCustomObjectAsync(Bundles.Group, Bundles.Version, Ns, Bundles.Plural);

        Assert.Empty(Server.Requests.WritesSince(mark));
        Assert.Equal(2, Server.Requests.Since(mark).Count);
    }

    [Fact]
    public async Task Every_write_verb_is_counted_by_verb_and_resource()
    {
        var mark = Server.Requests.Mark();

        var created = await CreateBundleAsync(Bundle("a"));
        await ReplaceBundleAsync(created);
        await MergePatchBundleAsync("a", """{"metadata":{"labels":{"x":"y"}}}""");
        await DeleteBundleAsync("a");

        Assert.Equal(["create", "update", "patch", "delete"], Server.Requests.WritesSince(mark).Select(r => r.Verb));
        Assert.All(Server.Requests.WritesSince(mark), r => Assert.Equal("trustbundles", r.Resource));
        Assert.Equal(1, Server.Requests.Count("patch", "trustbundles"));
    }

    [Fact]
    public async Task Failed_writes_are_journaled_with_their_status_code()
    {
        await CreateBundleAsync(Bundle("a"));
        var mark = Server.Requests.Mark();

        await StatusCodeOf(() => CreateBundleAsync(Bundle("a")));

        var write = Assert.Single(Server.Requests.WritesSince(mark));
        Assert.Equal(409, write.StatusCode);
        Assert.False(write.Injected);
    }

    [Fact]
    public async Task Status_writes_name_their_subresource()
    {
        var created = await CreateBundleAsync(Bundle("a"));
        var mark = Server.Requests.Mark();

        await ReplaceBundleStatusAsync(created);

        Assert.Equal("status", Assert.Single(Server.Requests.WritesSince(mark)).Call.Subresource);
        Assert.Equal(1, Server.Requests.CountsSince(mark)["update trustbundles/status"]);
    }
}
