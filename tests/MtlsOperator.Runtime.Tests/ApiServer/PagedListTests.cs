using k8s;

namespace MtlsOperator.Runtime.Tests.ApiServer;

public sealed class PagedListTests : ApiServerTest
{
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        foreach (var name in new[] { "a", "b", "c", "d", "e" })
        {
            await CreateBundleAsync(Bundle(name));
        }
    }

    private async Task<(IReadOnlyList<string> Names, string? Continue, string ResourceVersion)> PageAsync(int limit, string? continueToken = null)
    {
        var list = Json(await Client.CustomObjects.ListNamespacedCustomObjectAsync(Bundles.Group, Bundles.Version, Ns, Bundles.Plural, limit: limit, continueParameter: continueToken));
        var metadata = list["metadata"]!;
        return (list["items"]!.AsArray().Select(item => Name(item!.AsObject())).ToList(), (string?)metadata["continue"], (string)metadata["resourceVersion"]!);
    }

    [Fact]
    public async Task Pages_follow_continue_tokens_to_the_end()
    {
        var first = await PageAsync(2);
        var second = await PageAsync(2, first.Continue);
        var third = await PageAsync(2, second.Continue);

        Assert.Equal(["a", "b", "c", "d", "e"], first.Names.Concat(second.Names).Concat(third.Names));
        Assert.Null(third.Continue);
        Assert.Equal(first.ResourceVersion, third.ResourceVersion);
    }

    [Fact]
    public async Task Later_pages_come_from_the_first_page_snapshot()
    {
        var first = await PageAsync(2);
        await DeleteBundleAsync("c");
        await CreateBundleAsync(Bundle("bb"));

        var rest = await PageAsync(10, first.Continue);

        Assert.Equal(["c", "d", "e"], rest.Names);
    }

    [Fact]
    public async Task Continue_token_older_than_the_history_is_410()
    {
        var first = await PageAsync(2);
        await DeleteBundleAsync("a");
        Server.Faults.ExpireResourceVersions();

        Assert.Equal(410, await StatusCodeOf(() => PageAsync(2, first.Continue)));
    }

    [Fact]
    public async Task Exact_resource_version_lists_the_past_state()
    {
        var before = Server.Store.CurrentRevision.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await DeleteBundleAsync("a");
        await MergePatchBundleAsync("b", """{"metadata":{"labels":{"late":"yes"}}}""");

        var list = Json(await Client.CustomObjects.ListNamespacedCustomObjectAsync(Bundles.Group, Bundles.Version, Ns, Bundles.Plural, resourceVersion: before, resourceVersionMatch: "Exact"));

        var items = list["items"]!.AsArray().Select(item => item!.AsObject()).ToList();
        Assert.Equal(["a", "b", "c", "d", "e"], items.Select(Name));
        Assert.Null(items[1]["metadata"]!["labels"]);
    }

    [Fact]
    public async Task Remaining_item_count_is_given_without_a_selector_and_left_out_with_one()
    {
        var plain = Json(await Client.CustomObjects.ListNamespacedCustomObjectAsync(Bundles.Group, Bundles.Version, Ns, Bundles.Plural, limit: 2));
        var selected = Json(await Client.CustomObjects.ListNamespacedCustomObjectAsync(Bundles.Group, Bundles.Version, Ns, Bundles.Plural, limit: 2, labelSelector: "!absent"));

        Assert.Equal(3, (int)plain["metadata"]!["remainingItemCount"]!);
        Assert.NotNull(selected["metadata"]!["continue"]);
        Assert.Null(selected["metadata"]!["remainingItemCount"]);
    }

    [Fact]
    public async Task Pages_of_one_namespace_leave_out_namespaces_whose_names_sort_next_to_it()
    {
        // "team-a-x" sorts before "team-a/...", "team-a0" right after every "team-a/..." key.
        foreach (var ns in new[] { "team-a-x", "team-a0" })
        {
            Server.OutOfBand.Create(Bundles, ns, Bundle("z"));
        }

        var first = await PageAsync(3);
        var rest = await PageAsync(3, first.Continue);

        Assert.Equal(["a", "b", "c", "d", "e"], first.Names.Concat(rest.Names));
        Assert.Null(rest.Continue);
    }
}
