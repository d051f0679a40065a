using System.Net;
using System.Text.Json.Nodes;
using k8s;

namespace MtlsOperator.Runtime.Tests.ApiServer;

/// <summary>Details below the client: what goes over the wire, concurrency, lifecycle of the server itself.</summary>
public sealed class ProtocolTests : ApiServerTest
{
    [Fact]
    public async Task Expired_watch_is_http_200_with_one_error_event_carrying_a_410_status()
    {
        var created = await CreateBundleAsync(Bundle("a"));
        await MergePatchBundleAsync("a", """{"metadata":{"labels":{"x":"y"}}}""");
        Server.Faults.ExpireResourceVersions();
        using var http = new HttpClient();

        using var response = await http.GetAsync(new Uri(Server.BaseUri, $"/apis/mtls-operator.io/v1alpha1/namespaces/{Ns}/trustbundles?watch=1&resourceVersion={Version(created)}"));
        var lines = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var line = JsonNode.Parse(Assert.Single(lines))!;
        Assert.Equal("ERROR", (string)line["type"]!);
        Assert.Equal("Status", (string)line["object"]!["kind"]!);
        Assert.Equal(410, (int)line["object"]!["code"]!);
    }

    [Fact]
    public async Task Built_in_list_items_carry_no_kind_but_custom_resource_items_do()
    {
        await Client.CoreV1.CreateNamespacedSecretAsync(new k8s.Models.V1Secret { Metadata = new() { Name = "s" } }, Ns);
        await CreateBundleAsync(Bundle("a"));
        using var http = new HttpClient();

        var secrets = JsonNode.Parse(await http.GetStringAsync(new Uri(Server.BaseUri, $"/api/v1/namespaces/{Ns}/secrets")))!;
        var bundles = JsonNode.Parse(await http.GetStringAsync(new Uri(Server.BaseUri, $"/apis/mtls-operator.io/v1alpha1/namespaces/{Ns}/trustbundles")))!;

        Assert.Null(secrets["items"]![0]!["kind"]);
        Assert.Equal("TrustBundle", (string)bundles["items"]![0]!["kind"]!);
    }

    [Fact]
    public async Task Concurrent_updates_from_the_same_version_let_exactly_one_win()
    {
        var created = await CreateBundleAsync(Bundle("a"));
        var attempts = Enumerable.Range(0, 8).Select(async i =>
        {
            var copy = created.DeepClone().AsObject();
            copy["spec"]!["sources"]![0]!["inline"] = $"writer-{i}";
            try
            {
                await ReplaceBundleAsync(copy);
                return 200;
            }
            catch (k8s.Autorest.HttpOperationException error)
            {
                return (int)error.Response.StatusCode;
            }
        });

        var codes = await Task.WhenAll(attempts);

        Assert.Single(codes, code => code == 200);
        Assert.All(codes.Where(code => code != 200), code => Assert.Equal(409, code));
        Assert.Equal(2, Generation(await GetBundleAsync("a")));
    }

    [Fact]
    public async Task Dry_run_create_answers_the_object_but_stores_nothing()
    {
        var revision = Server.Store.CurrentRevision;

        var answered = Json(await Client.CustomObjects.CreateNamespacedCustomObjectAsync(Bundle("a"), Bundles.Group, Bundles.Version, Ns, Bundles.Plural, dryRun: "All"));

        Assert.Equal("a", Name(answered));
        Assert.Null(Server.Store.Get(Bundles, Ns, "a"));
        Assert.Equal(revision, Server.Store.CurrentRevision);
    }

    [Fact]
    public async Task Disposing_the_server_ends_open_watches()
    {
        var opened = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var watching = Task.Run(async () =>
        {
            try
            {
                await foreach (var (type, _) in WatchBundles(bookmarks: true))
                {
                    opened.TrySetResult();
                }
            }
            catch (Exception error) when (error is IOException or HttpRequestException)
            {
                // A reset connection is an acceptable way for the stream to end here.
            }
        });
        await opened.Task.WaitAsync(TimeSpan.FromSeconds(10));

        await Server.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));

        await watching.WaitAsync(TimeSpan.FromSeconds(10));
    }
}
