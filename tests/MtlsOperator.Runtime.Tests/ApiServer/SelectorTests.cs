using k8s;

namespace MtlsOperator.Runtime.Tests.ApiServer;

public sealed class SelectorTests : ApiServerTest
{
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await CreateBundleAsync(Bundle("gold-a", labels: new Dictionary<string, string> { ["tier"] = "gold", ["app"] = "api" }));
        await CreateBundleAsync(Bundle("silver-b", labels: new Dictionary<string, string> { ["tier"] = "silver" }));
        await CreateBundleAsync(Bundle("bare-c"));
    }

    private async Task<IReadOnlyList<string>> NamesAsync(string? labelSelector = null, string? fieldSelector = null)
    {
        var list = Json(await Client.CustomObjects.ListNamespacedCustomObjectAsync(Bundles.Group, Bundles.Version, Ns, Bundles.Plural, labelSelector: labelSelector, fieldSelector: fieldSelector));
        return list["items"]!.AsArray().Select(item => Name(item!.AsObject())).ToList();
    }

    [Theory]
    [InlineData("tier=gold", "gold-a")]
    [InlineData("tier==gold", "gold-a")]
    [InlineData("tier!=gold", "bare-c,silver-b")]
    [InlineData("tier in (gold,silver)", "gold-a,silver-b")]
    [InlineData("tier notin (gold)", "bare-c,silver-b")]
    [InlineData("tier", "gold-a,silver-b")]
    [InlineData("!tier", "bare-c")]
    [InlineData("tier=gold,app=api", "gold-a")]
    [InlineData("tier in (gold, silver),!app", "silver-b")]
    public async Task Label_selector_operators_select_like_the_api_server(string selector, string expected)
    {
        Assert.Equal(expected.Split(','), await NamesAsync(labelSelector: selector));
    }

    [Fact]
    public async Task Field_selector_on_name_selects_one_object()
    {
        Assert.Equal(["silver-b"], await NamesAsync(fieldSelector: "metadata.name=silver-b"));
    }

    [Fact]
    public async Task Field_selector_on_an_unindexed_field_is_400()
    {
        Assert.Equal(400, await StatusCodeOf(() => NamesAsync(fieldSelector: "spec.sources=x")));
    }

    [Fact]
    public async Task Malformed_label_selector_is_400()
    {
        Assert.Equal(400, await StatusCodeOf(() => NamesAsync(labelSelector: "tier in gold")));
    }

    [Fact]
    public async Task List_reports_the_global_resource_version()
    {
        var list = Json(await Client.CustomObjects.ListNamespacedCustomObjectAsync(Bundles.Group, Bundles.Version, Ns, Bundles.Plural));

        Assert.Equal(Server.Store.CurrentRevision.ToString(System.Globalization.CultureInfo.InvariantCulture), (string)list["metadata"]!["resourceVersion"]!);
        Assert.Equal("TrustBundleList", (string)list["kind"]!);
    }

    [Fact]
    public async Task Cluster_wide_list_spans_namespaces()
    {
        await Client.CustomObjects.CreateNamespacedCustomObjectAsync(Bundle("elsewhere"), Bundles.Group, Bundles.Version, "team-b", Bundles.Plural);

        var list = Json(await Client.CustomObjects.ListCustomObjectForAllNamespacesAsync(Bundles.Group, Bundles.Version, Bundles.Plural));

        Assert.Equal(4, list["items"]!.AsArray().Count);
    }
}
