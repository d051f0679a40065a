using System.Globalization;
using k8s;
using System.Text.Json.Nodes;

namespace MtlsOperator.Runtime.Tests.ApiServer;

public sealed class CustomResourceCrudTests : ApiServerTest
{
    [Fact]
    public async Task Create_fills_in_server_owned_metadata()
    {
        var created = await CreateBundleAsync(Bundle("corp-roots"));

        var metadata = created["metadata"]!.AsObject();
        Assert.Equal(Ns, (string)metadata["namespace"]!);
        Assert.True(Guid.TryParse((string)metadata["uid"]!, out _));
        Assert.False(string.IsNullOrEmpty((string)metadata["creationTimestamp"]!));
        Assert.Equal(1, Generation(created));
        Assert.Equal(Server.Store.CurrentRevision.ToString(System.Globalization.CultureInfo.InvariantCulture), Version(created));
    }

    [Fact]
    public async Task Get_returns_what_create_stored()
    {
        var created = await CreateBundleAsync(Bundle("corp-roots", pem: "abc"));

        var read = await GetBundleAsync("corp-roots");

        Assert.True(JsonNode.DeepEquals(created, read));
    }

    [Fact]
    public async Task Update_replaces_spec_and_takes_a_new_resource_version()
    {
        var created = await CreateBundleAsync(Bundle("corp-roots", pem: "old"));
        created["spec"] = new JsonObject { ["sources"] = new JsonArray(new JsonObject { ["inline"] = "new" }) };

        var updated = await ReplaceBundleAsync(created);

        Assert.Equal("new", (string)updated["spec"]!["sources"]![0]!["inline"]!);
        Assert.True(long.Parse(Version(updated), CultureInfo.InvariantCulture) > long.Parse(Version(created), CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Delete_without_finalizers_removes_the_object()
    {
        await CreateBundleAsync(Bundle("corp-roots"));

        await DeleteBundleAsync("corp-roots");

        Assert.Equal(404, await StatusCodeOf(() => GetBundleAsync("corp-roots")));
    }

    [Fact]
    public async Task Creating_an_existing_name_is_409_AlreadyExists()
    {
        await CreateBundleAsync(Bundle("corp-roots"));

        Assert.Equal(409, await StatusCodeOf(() => CreateBundleAsync(Bundle("corp-roots"))));
    }

    [Fact]
    public async Task GenerateName_gets_a_random_suffix()
    {
        var body = Bundle("ignored");
        body["metadata"]!.AsObject().Remove("name");
        body["metadata"]!["generateName"] = "roots-";

        var created = await CreateBundleAsync(body);

        Assert.Matches("^roots-[a-z0-9]{5}$", Name(created));
    }

    [Fact]
    public async Task Getting_a_missing_object_is_404_with_a_Status_body()
    {
        var error = await Assert.ThrowsAsync<k8s.Autorest.HttpOperationException>(() => GetBundleAsync("absent"));

        var status = JsonNode.Parse(error.Response.Content)!;
        Assert.Equal("Status", (string)status["kind"]!);
        Assert.Equal("NotFound", (string)status["reason"]!);
        Assert.Equal(404, (int)status["code"]!);
    }

    [Fact]
    public async Task Unregistered_custom_resource_is_404()
    {
        var call = () => Client.CustomObjects.ListNamespacedCustomObjectAsync("example.com", "v1", Ns, "widgets");

        Assert.Equal(404, await StatusCodeOf(call));
    }

    [Fact]
    public async Task A_custom_resource_registered_at_runtime_is_served()
    {
        var widgets = TestApiServer.ApiResource.Custom("example.com", "v1", "widgets", "Widget", hasStatusSubresource: false);
        Server.Resources.Register(widgets);
        var body = new JsonObject { ["apiVersion"] = "example.com/v1", ["kind"] = "Widget", ["metadata"] = new JsonObject { ["name"] = "w" } };

        await Client.CustomObjects.CreateNamespacedCustomObjectAsync(body, "example.com", "v1", Ns, "widgets");

        Assert.NotNull(Server.Store.Get(widgets, Ns, "w"));
    }
}
