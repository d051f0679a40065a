using System.Globalization;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;

namespace MtlsOperator.Runtime.Tests.ApiServer;

public sealed class WatchTests : ApiServerTest
{
    [Fact]
    public async Task Watch_from_a_resource_version_receives_later_events_in_order()
    {
        var before = await CreateBundleAsync(Bundle("before"));
        var a = await CreateBundleAsync(Bundle("a"));
        a["spec"]!["sources"]![0]!["inline"] = "changed";
        await ReplaceBundleAsync(a);
        await DeleteBundleAsync("a");

        var events = await TakeAsync(WatchBundles(resourceVersion: Version(before)), 3);

        Assert.Equal([WatchEventType.Added, WatchEventType.Modified, WatchEventType.Deleted], events.Select(e => e.Type));
        Assert.All(events, e => Assert.Equal("a", Name(e.Object)));
        var versions = events.Select(e => long.Parse(Version(e.Object), CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(versions.Order(), versions);
    }

    [Fact]
    public async Task Watch_without_resource_version_starts_with_the_current_objects_as_added()
    {
        await CreateBundleAsync(Bundle("one"));
        await CreateBundleAsync(Bundle("two"));

        var events = await TakeAsync(WatchBundles(), 2);

        Assert.Equal(["one", "two"], events.Select(e => Name(e.Object)));
        Assert.All(events, e => Assert.Equal(WatchEventType.Added, e.Type));
    }

    [Fact]
    public async Task Watch_delivers_changes_made_after_it_opened()
    {
        var created = await CreateBundleAsync(Bundle("live"));
        var watch = TakeAsync(WatchBundles(resourceVersion: Version(created), bookmarks: true), 1, type => type != WatchEventType.Bookmark);

        await MergePatchBundleAsync("live", """{"metadata":{"labels":{"x":"y"}}}""");

        var events = await watch;
        Assert.Equal(WatchEventType.Modified, Assert.Single(events).Type);
    }

    [Fact]
    public async Task Bookmarks_carry_the_current_resource_version()
    {
        await CreateBundleAsync(Bundle("one"));
        var current = Server.Store.CurrentRevision;

        var events = await TakeAsync(WatchBundles(resourceVersion: current.ToString(System.Globalization.CultureInfo.InvariantCulture), bookmarks: true), 1);

        var (type, bookmark) = Assert.Single(events);
        Assert.Equal(WatchEventType.Bookmark, type);
        Assert.Equal(current.ToString(System.Globalization.CultureInfo.InvariantCulture), Version(bookmark));
        Assert.Equal("TrustBundle", (string)bookmark["kind"]!);
    }

    [Fact]
    public async Task Too_old_resource_version_surfaces_as_410_through_onError()
    {
        var created = await CreateBundleAsync(Bundle("one"));
        await MergePatchBundleAsync("one", """{"metadata":{"labels":{"x":"y"}}}""");
        Server.Faults.ExpireResourceVersions();
        var errors = new List<Exception>();

        var events = await TakeAsync(WatchBundles(resourceVersion: Version(created), onError: errors.Add), 1);

        Assert.Empty(events);
        var error = Assert.IsType<KubernetesException>(Assert.Single(errors));
        Assert.Equal(410, error.Status.Code);
        Assert.Equal("Expired", error.Status.Reason);
    }

    [Fact]
    public async Task Resuming_from_the_current_resource_version_after_compaction_is_allowed()
    {
        await CreateBundleAsync(Bundle("one"));
        Server.Faults.ExpireResourceVersions();
        var current = Server.Store.CurrentRevision.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var errors = new List<Exception>();
        var watch = TakeAsync(WatchBundles(resourceVersion: current, onError: errors.Add), 1);

        await CreateBundleAsync(Bundle("two"));

        Assert.Equal("two", Name(Assert.Single(await watch).Object));
        Assert.Empty(errors);
    }

    [Fact]
    public async Task History_limit_expires_old_resource_versions()
    {
        await using var server = await TestApiServer.TestKubeApiServer.StartAsync(new TestApiServer.TestKubeApiServerOptions { HistoryLimit = 2, CustomResources = TestApiServer.MtlsOperatorResources.All });
        using var client = server.CreateClient();
        var first = Json(await client.CustomObjects.CreateNamespacedCustomObjectAsync(Bundle("a"), Bundles.Group, Bundles.Version, Ns, Bundles.Plural));
        foreach (var name in new[] { "b", "c", "d" })
        {
            await client.CustomObjects.CreateNamespacedCustomObjectAsync(Bundle(name), Bundles.Group, Bundles.Version, Ns, Bundles.Plural);
        }

        var errors = new List<Exception>();
        var stream = client.CustomObjects.WatchListNamespacedCustomObjectAsync(Bundles.Group, Bundles.Version, Ns, Bundles.Plural, resourceVersion: Version(first), onError: errors.Add);
        await TakeAsync(stream, 1);

        Assert.Equal(410, Assert.IsType<KubernetesException>(Assert.Single(errors)).Status.Code);
    }

    [Fact]
    public async Task Watch_with_label_selector_sees_an_object_leave_the_selection_as_deleted()
    {
        var created = await CreateBundleAsync(Bundle("a", labels: new Dictionary<string, string> { ["tier"] = "gold" }));
        var watch = TakeAsync(WatchBundles(resourceVersion: Version(created), labelSelector: "tier=gold"), 1);

        await MergePatchBundleAsync("a", """{"metadata":{"labels":{"tier":"silver"}}}""");

        Assert.Equal(WatchEventType.Deleted, Assert.Single(await watch).Type);
    }

    [Fact]
    public async Task Watch_ends_after_timeout_seconds()
    {
        var created = await CreateBundleAsync(Bundle("a"));
        var started = DateTime.UtcNow;

        var events = await TakeAsync(WatchBundles(resourceVersion: Version(created), bookmarks: true, timeoutSeconds: 1), 100, type => type != WatchEventType.Bookmark);

        Assert.Empty(events);
        Assert.InRange(DateTime.UtcNow - started, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task A_watch_that_times_out_while_its_writes_are_blocked_still_ends_with_a_complete_response()
    {
        // 16 MiB of events outgrow the socket buffers, so the server is blocked mid-write when the 1 s timeout fires; a server
        // that cancels that write makes Kestrel reset the connection, and the client sees an I/O error instead of the end.
        var created = await CreateBundleAsync(Bundle("a"));
        var big = new string('x', 256 * 1024);
        for (var i = 0; i < 64; i++)
        {
            await MergePatchBundleAsync("a", "{\"metadata\":{\"annotations\":{\"big\":\"" + big + i + "\"}}}");
        }

        await using var events = WatchBundles(resourceVersion: Version(created), timeoutSeconds: 1).GetAsyncEnumerator();
        Assert.True(await events.MoveNextAsync());
        await Task.Delay(TimeSpan.FromSeconds(3));

        var failure = await Record.ExceptionAsync(async () =>
        {
            while (await events.MoveNextAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30)))
            {
            }
        });

        Assert.Null(failure);
    }

    [Fact]
    public async Task Typed_watch_of_secrets_yields_typed_objects()
    {
        var watch = Client.CoreV1.WatchListNamespacedSecretAsync(Ns, allowWatchBookmarks: true);
        var events = new List<(WatchEventType, k8s.Models.V1Secret)>();
        var reading = Task.Run(async () =>
        {
            await foreach (var (type, secret) in watch.WithCancellation(Timeout))
            {
                if (type == WatchEventType.Added)
                {
                    events.Add((type, secret));
                    break;
                }
            }
        });

        await Client.CoreV1.CreateNamespacedSecretAsync(new k8s.Models.V1Secret { Metadata = new() { Name = "s" }, StringData = new Dictionary<string, string> { ["k"] = "v" } }, Ns);
        await reading;

        Assert.Equal("v", System.Text.Encoding.UTF8.GetString(Assert.Single(events).Item2.Data["k"]));
    }
}
