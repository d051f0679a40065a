using System.Globalization;
using System.Text.Json.Nodes;
using k8s;
using MtlsOperator.Runtime;
using MtlsOperator.Runtime.Tests.ApiServer;
using TestApiServer;
using Xunit.Abstractions;

namespace MtlsOperator.Runtime.Tests.Informers;

public sealed class InformerTests(ITestOutputHelper output) : ApiServerTest
{
    // A kind name unique to each test keeps parallel tests out of each other's metrics.
    private readonly string _kind = $"TrustBundle-{Guid.NewGuid():N}";

    private static InformerOptions<TestResource> Fast => new()
    {
        WatchTimeout = TimeSpan.FromMinutes(1),
        StallTimeout = TimeSpan.FromSeconds(10),
        InitialBackoff = TimeSpan.FromMilliseconds(20),
        MaxBackoff = TimeSpan.FromMilliseconds(200),
    };

    [Fact]
    public async Task The_initial_list_is_cached_before_the_informer_reports_synced()
    {
        await CreateBundleAsync(Bundle("one"));
        await CreateBundleAsync(Bundle("two"));
        var informer = Informer();
        Assert.False(informer.HasSynced);

        await using var running = await RunningInformer.StartSyncedAsync(informer);

        Assert.True(informer.HasSynced);
        Assert.Equal(["one", "two"], informer.Cache.List().Select(b => b.Metadata.Name).Order());
        Assert.Equal("pem-1", (string?)informer.Cache.Get(new ObjectKey(Ns, "one"))!.Spec!["sources"]![0]!["inline"]);
    }

    [Fact]
    public async Task A_handler_added_late_is_told_about_objects_already_cached()
    {
        await CreateBundleAsync(Bundle("early"));
        var informer = Informer();
        await using var running = await RunningInformer.StartSyncedAsync(informer);

        var events = new InformerEvents<TestResource>(informer);

        Assert.Equal(["Added early"], events.All);
    }

    [Fact]
    public async Task Adds_updates_and_deletes_reach_the_cache_and_the_handlers()
    {
        var informer = Informer();
        var events = new InformerEvents<TestResource>(informer);
        await using var running = await RunningInformer.StartSyncedAsync(informer);

        await CreateBundleAsync(Bundle("a"));
        await MergePatchBundleAsync("a", """{"metadata":{"labels":{"changed":"yes"}}}""");
        await DeleteBundleAsync("a");

        await events.ContainAsync("Added a", "Updated a", "Deleted a");
        Assert.Equal(["Added a", "Updated a", "Deleted a"], events.All);
        Assert.Equal(0, informer.Cache.Count);
    }

    [Fact]
    public async Task An_aborted_watch_resumes_from_the_last_event_without_relisting()
    {
        await CreateBundleAsync(Bundle("before"));
        var informer = Informer();
        var events = new InformerEvents<TestResource>(informer);
        await using var running = await RunningInformer.StartSyncedAsync(informer);
        await WatchIsOpenAsync(events);
        var mark = Server.Requests.Mark();

        // Hold the reconnect at the server so that the changes happen while no watch is open.
        Server.Faults.AddLatency(TimeSpan.FromMilliseconds(500), RequestMatch.Verb("watch", Bundles.Plural));
        Server.Faults.DropAllWatches(WatchDropMode.Abort);
        await Eventually.TrueAsync(() => informer.WatchRestarts >= 1, "the informer noticed the dropped watch");
        await CreateBundleAsync(Bundle("during-1"));
        await CreateBundleAsync(Bundle("during-2"));
        Server.Faults.Clear();

        await events.ContainAsync("Added during-1", "Added during-2");
        Assert.Equal(0, Calls(mark, "list"));
    }

    [Fact]
    public async Task Watches_the_server_keeps_closing_miss_no_event()
    {
        var informer = Informer();
        var events = new InformerEvents<TestResource>(informer);
        await using var running = await RunningInformer.StartSyncedAsync(informer);
        var mark = Server.Requests.Mark();
        Server.Faults.CloseWatchesAfterEvents = 1;

        var names = Enumerable.Range(0, 8).Select(i => $"b{i}").ToList();
        foreach (var name in names)
        {
            await CreateBundleAsync(Bundle(name));
        }

        await events.ContainAsync([.. names.Select(n => $"Added {n}")]);
        Assert.Equal(names.Count, events.All.Count);
        Assert.Equal(0, Calls(mark, "list"));
    }

    [Fact]
    public async Task An_expired_resource_version_relists_and_reports_what_changed_meanwhile()
    {
        await CreateBundleAsync(Bundle("kept"));
        await CreateBundleAsync(Bundle("vanishing"));
        var informer = Informer();
        var events = new InformerEvents<TestResource>(informer);
        await using var running = await RunningInformer.StartSyncedAsync(informer);
        await WatchIsOpenAsync(events);
        var mark = Server.Requests.Mark();

        // Hold the reconnect at the server while the world changes and its history is compacted.
        Server.Faults.AddLatency(TimeSpan.FromSeconds(1), RequestMatch.Verb("watch", Bundles.Plural));
        Server.Faults.DropAllWatches(WatchDropMode.Abort);
        await DeleteBundleAsync("vanishing");
        await CreateBundleAsync(Bundle("appeared"));
        Server.Faults.ExpireResourceVersions();
        Server.Faults.Clear();

        await events.ContainAsync("Deleted vanishing", "Added appeared");
        Assert.Equal(["appeared", "kept", "probe"], informer.Cache.List().Select(b => b.Metadata.Name).Order());
        Assert.Equal(1, Calls(mark, "list"));
    }

    [Fact]
    public async Task Bookmarks_advance_the_resume_point_so_a_resume_after_compaction_needs_no_relist()
    {
        var informer = Informer(Fast with { Namespaces = [Ns] });
        var events = new InformerEvents<TestResource>(informer);
        await using var running = await RunningInformer.StartSyncedAsync(informer);

        // Writes elsewhere move the revision on; only bookmarks can tell this namespace's watch about it.
        await Client.CustomObjects.CreateNamespacedCustomObjectAsync(Bundle("elsewhere"), Bundles.Group, Bundles.Version, "team-b", Bundles.Plural);
        var current = Server.Store.CurrentRevision.ToString(CultureInfo.InvariantCulture);
        await Eventually.TrueAsync(() => informer.ResumeVersions[0] == current, "a bookmark carried the current revision");
        var mark = Server.Requests.Mark();

        Server.Faults.ExpireResourceVersions();
        Server.Faults.DropAllWatches(WatchDropMode.EndStream);
        await CreateBundleAsync(Bundle("after"));

        await events.ContainAsync("Added after");
        Assert.Equal(0, Calls(mark, "list"));
    }

    [Fact]
    public async Task A_silent_watch_is_restarted_by_the_watchdog()
    {
        await using var quiet = await TestKubeApiServer.StartAsync(new() { BookmarkInterval = TimeSpan.FromHours(1), CustomResources = MtlsOperatorResources.All });
        using var client = quiet.CreateClient();
        using var stalls = new MetricRecorder("mtls_operator.informer.watch_restarts", "kind", _kind);
        var informer = new Informer<TestResource>(
            new CustomResourceClient<TestResource>(client, Bundles.Group, Bundles.Version, Bundles.Plural, _kind),
            Fast with { StallTimeout = TimeSpan.FromMilliseconds(300) });
        var events = new InformerEvents<TestResource>(informer);
        await using var running = await RunningInformer.StartSyncedAsync(informer);

        await Eventually.TrueAsync(() => stalls.SumWhere("reason", "stalled") >= 2, "the watchdog restarted the silent watch twice");
        await client.CustomObjects.CreateNamespacedCustomObjectAsync(Bundle("late"), Bundles.Group, Bundles.Version, Ns, Bundles.Plural);

        await events.ContainAsync("Added late");
    }

    [Theory]
    [InlineData(WatchDropMode.Truncate, "error")]
    [InlineData(WatchDropMode.Abort, "error")]
    [InlineData(WatchDropMode.EndStream, "closed")]
    public async Task A_watch_cut_mid_event_is_a_failure_and_only_a_complete_response_a_normal_close(WatchDropMode drop, string reason)
    {
        using var restarts = new MetricRecorder("mtls_operator.informer.watch_restarts", "kind", _kind);
        var informer = Informer();
        var events = new InformerEvents<TestResource>(informer);
        await using var running = await RunningInformer.StartSyncedAsync(informer);
        await WatchIsOpenAsync(events);

        Server.Faults.DropAllWatches(drop);
        await Eventually.TrueAsync(() => restarts.SumWhere("reason", reason) >= 1, $"the dropped watch was counted as {reason}");
        await CreateBundleAsync(Bundle("after"));

        await events.ContainAsync("Added after");
        Assert.Equal(0, restarts.SumWhere("reason", reason == "closed" ? "error" : "closed"));
    }

    [Fact]
    public async Task Failing_watch_requests_are_retried_until_the_server_recovers()
    {
        using var restarts = new MetricRecorder("mtls_operator.informer.watch_restarts", "kind", _kind);
        Server.Faults.FailNext(3, InjectedFailure.InternalError, RequestMatch.Verb("watch", Bundles.Plural));
        var informer = Informer();
        var events = new InformerEvents<TestResource>(informer);
        await using var running = await RunningInformer.StartSyncedAsync(informer);

        await CreateBundleAsync(Bundle("eventually"));

        await events.ContainAsync("Added eventually");
        Assert.Equal(3, restarts.SumWhere("reason", "error"));
    }

    [Fact]
    public async Task Only_the_configured_namespaces_are_watched()
    {
        foreach (var ns in new[] { "team-a", "team-b", "team-c" })
        {
            await Client.CustomObjects.CreateNamespacedCustomObjectAsync(Bundle($"in-{ns}"), Bundles.Group, Bundles.Version, ns, Bundles.Plural);
        }

        var informer = Informer(Fast with { Namespaces = ["team-a", "team-b"] });
        await using var running = await RunningInformer.StartSyncedAsync(informer);

        Assert.Equal(["in-team-a", "in-team-b"], informer.Cache.List().Select(b => b.Metadata.Name).Order());
    }

    [Fact]
    public async Task A_list_is_read_in_pages()
    {
        var names = Enumerable.Range(0, 5).Select(i => $"paged-{i}").ToList();
        foreach (var name in names)
        {
            await CreateBundleAsync(Bundle(name));
        }

        var informer = Informer(Fast with { ListPageSize = 2 });
        await using var running = await RunningInformer.StartSyncedAsync(informer);

        Assert.Equal(names, informer.Cache.List().Select(b => b.Metadata.Name).Order());
        Assert.Equal(3, Calls(0, "list"));
    }

    [Fact]
    public async Task An_expired_continue_token_falls_back_to_one_full_list()
    {
        var names = Enumerable.Range(0, 5).Select(i => $"paged-{i}").ToList();
        foreach (var name in names)
        {
            await CreateBundleAsync(Bundle(name));
        }

        var mark = Server.Requests.Mark();
        Server.Faults.AddLatency(TimeSpan.FromMilliseconds(500), RequestMatch.Verb("list", Bundles.Plural));
        var informer = Informer(Fast with { ListPageSize = 2 });
        var running = RunningInformer.StartSyncedAsync(informer);
        await Eventually.TrueAsync(() => Calls(mark, "list") == 1, "the first page was served");
        Server.Faults.FailNext(1, new InjectedFailure(410, "Expired", "The provided continue parameter is too old"), RequestMatch.Verb("list", Bundles.Plural));

        await using var synced = await running;

        Assert.Equal(names, informer.Cache.List().Select(b => b.Metadata.Name).Order());
        Assert.Equal([200, 410, 200], Server.Requests.Since(mark).Where(r => r.Verb == "list").Select(r => r.StatusCode));
    }

    [Fact]
    public async Task A_server_answering_every_watch_with_410_is_relisted_with_growing_pauses()
    {
        Server.Faults.FailFraction(1.0, new InjectedFailure(410, "Expired", "too old resource version"), RequestMatch.Verb("watch", Bundles.Plural));
        var informer = Informer(Fast with { InitialBackoff = TimeSpan.FromMilliseconds(100), MaxBackoff = TimeSpan.FromSeconds(1) });
        var started = DateTime.UtcNow;

        await using var running = await RunningInformer.StartSyncedAsync(informer);
        await Eventually.TrueAsync(() => Calls(0, "list") >= 4, "three relists happened");

        // Relists after the first come 0, ~100 and ~200 ms apart (each at least 75 % of that): no tight loop.
        Assert.True(DateTime.UtcNow - started >= TimeSpan.FromMilliseconds(225), $"four lists took only {DateTime.UtcNow - started}");
    }

    [Fact]
    public async Task A_cluster_scoped_custom_kind_is_listed_and_watched()
    {
        var widgets = ApiResource.Custom("example.io", "v1", "widgets", "Widget", namespaced: false);
        await using var server = await TestKubeApiServer.StartAsync(new() { CustomResources = [widgets] });
        using var client = server.CreateClient();
        JsonObject Widget(string name) => new() { ["apiVersion"] = "example.io/v1", ["kind"] = "Widget", ["metadata"] = new JsonObject { ["name"] = name } };
        await client.CustomObjects.CreateClusterCustomObjectAsync(Widget("first"), widgets.Group, widgets.Version, widgets.Plural);
        var informer = new Informer<TestResource>(new CustomResourceClient<TestResource>(client, widgets.Group, widgets.Version, widgets.Plural, _kind, clusterScoped: true), Fast);
        var events = new InformerEvents<TestResource>(informer);
        await using var running = await RunningInformer.StartSyncedAsync(informer);

        await client.CustomObjects.CreateClusterCustomObjectAsync(Widget("second"), widgets.Group, widgets.Version, widgets.Plural);

        await events.ContainAsync("Added first", "Added second");
        Assert.NotNull(informer.Cache.Get(new ObjectKey(null, "second")));
        Assert.Equal("first", (await informer.GetOrFetchAsync(new ObjectKey(null, "first"), CancellationToken.None))?.Metadata.Name);
    }

    // An event only an open watch can deliver proves the watch is established (not still connecting).
    private async Task WatchIsOpenAsync(InformerEvents<TestResource> events)
    {
        await CreateBundleAsync(Bundle("probe"));
        await events.ContainAsync("Added probe");
    }

    private Informer<TestResource> Informer(InformerOptions<TestResource>? options = null) =>
        new(new CustomResourceClient<TestResource>(Client, Bundles.Group, Bundles.Version, Bundles.Plural, _kind), options ?? Fast, new TestOutputLogger(output));

    private int Calls(long mark, string verb) =>
        Server.Requests.Since(mark).Count(r => r.Verb == verb && r.Resource == Bundles.Plural);
}
