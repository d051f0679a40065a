using System.Diagnostics;
using k8s;
using k8s.Autorest;
using k8s.Models;
using TestApiServer;

namespace MtlsOperator.Runtime.Tests.ApiServer;

public sealed class FaultInjectionTests : ApiServerTest
{
    [Fact]
    public async Task FailNext_fails_exactly_that_many_matching_writes_without_applying_them()
    {
        Server.Faults.FailNext(2, InjectedFailure.Conflict, RequestMatch.Writes("trustbundles"));

        Assert.Equal(409, await StatusCodeOf(() => CreateBundleAsync(Bundle("a"))));
        Assert.Null(Server.Store.Get(Bundles, Ns, "a"));
        Assert.Equal(409, await StatusCodeOf(() => CreateBundleAsync(Bundle("a"))));
        await CreateBundleAsync(Bundle("a"));
    }

    [Fact]
    public async Task Failures_only_hit_requests_the_match_selects()
    {
        Server.Faults.FailNext(1, InjectedFailure.InternalError, RequestMatch.Writes("trustbundles"));

        await Client.CoreV1.CreateNamespacedSecretAsync(new V1Secret { Metadata = new V1ObjectMeta { Name = "s" } }, Ns);
        await Client.CustomObjects.ListNamespacedCustomObjectAsync(Bundles.Group, Bundles.Version, Ns, Bundles.Plural);

        Assert.Equal(500, await StatusCodeOf(() => CreateBundleAsync(Bundle("a"))));
    }

    [Fact]
    public async Task Injected_failures_are_journaled_as_injected()
    {
        Server.Faults.FailNext(1, InjectedFailure.InternalError, RequestMatch.Verb("create"));
        var mark = Server.Requests.Mark();

        await StatusCodeOf(() => CreateBundleAsync(Bundle("a")));

        var write = Assert.Single(Server.Requests.WritesSince(mark));
        Assert.True(write.Injected);
        Assert.Equal(500, write.StatusCode);
    }

    [Fact]
    public async Task Too_many_requests_carries_retry_after()
    {
        Server.Faults.FailNext(1, InjectedFailure.TooManyRequests(retryAfterSeconds: 3));

        var error = await Assert.ThrowsAsync<HttpOperationException>(() => GetBundleAsync("a"));

        Assert.Equal(429, (int)error.Response.StatusCode);
        Assert.Equal("3", Assert.Single(error.Response.Headers["Retry-After"]));
    }

    [Fact]
    public async Task FailFraction_fails_some_but_not_all_requests_reproducibly()
    {
        await CreateBundleAsync(Bundle("a"));
        Server.Faults.FailFraction(0.5, InjectedFailure.ServiceUnavailable, RequestMatch.Verb("get"), seed: 7);

        var failures = 0;
        for (var i = 0; i < 40; i++)
        {
            try
            {
                await GetBundleAsync("a");
            }
            catch (HttpOperationException error) when ((int)error.Response.StatusCode == 503)
            {
                failures++;
            }
        }

        Assert.InRange(failures, 5, 35);
    }

    [Fact]
    public async Task Clear_turns_failures_off()
    {
        Server.Faults.FailFraction(1.0, InjectedFailure.InternalError);

        Server.Faults.Clear();

        await CreateBundleAsync(Bundle("a"));
    }

    [Fact]
    public async Task Latency_delays_matching_requests()
    {
        await CreateBundleAsync(Bundle("a"));
        Server.Faults.AddLatency(TimeSpan.FromMilliseconds(300), RequestMatch.Verb("get"));
        var clock = Stopwatch.StartNew();

        await GetBundleAsync("a");

        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(290), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task Aborted_watches_surface_as_an_io_failure()
    {
        var (opened, ended) = OpenWatchUntilEnd();
        await opened.Task.WaitAsync(TimeSpan.FromSeconds(10));

        Server.Faults.DropAllWatches(WatchDropMode.Abort);

        var failure = await ended.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(failure is IOException or HttpRequestException, $"got {failure?.GetType().Name ?? "a clean end"}");
    }

    [Fact]
    public async Task Ended_watches_close_cleanly()
    {
        var (opened, ended) = OpenWatchUntilEnd();
        await opened.Task.WaitAsync(TimeSpan.FromSeconds(10));

        Server.Faults.DropAllWatches(WatchDropMode.EndStream);

        Assert.Null(await ended.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Watches_opened_after_a_drop_are_unaffected()
    {
        Server.Faults.DropAllWatches();
        var created = await CreateBundleAsync(Bundle("a"));

        var events = await TakeAsync(WatchBundles(resourceVersion: "0"), 1);

        Assert.Equal(Version(created), Version(Assert.Single(events).Object));
    }

    [Fact]
    public async Task Watches_close_after_the_configured_number_of_events()
    {
        var first = await CreateBundleAsync(Bundle("a"));
        await CreateBundleAsync(Bundle("b"));
        await CreateBundleAsync(Bundle("c"));
        await CreateBundleAsync(Bundle("d"));
        Server.Faults.CloseWatchesAfterEvents = 2;

        var events = await TakeAsync(WatchBundles(resourceVersion: Version(first)), 10);

        Assert.Equal(["b", "c"], events.Select(e => Name(e.Object)));
    }

    [Fact]
    public async Task Stalled_watches_stay_open_but_deliver_nothing_more()
    {
        var created = await CreateBundleAsync(Bundle("a"));
        var seen = new System.Collections.Concurrent.ConcurrentQueue<WatchEventType>();
        var opened = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var giveUp = new CancellationTokenSource();
        var stalled = Task.Run(async () =>
        {
            await foreach (var (type, _) in WatchBundles(resourceVersion: Version(created), bookmarks: true, cancellationToken: giveUp.Token))
            {
                seen.Enqueue(type);
                opened.TrySetResult();
            }
        });
        await opened.Task.WaitAsync(TimeSpan.FromSeconds(10));

        Server.Faults.StallOpenWatches();
        await CreateBundleAsync(Bundle("b"));

        var fresh = await TakeAsync(WatchBundles(resourceVersion: Version(created)), 1);
        Assert.Equal("b", Name(Assert.Single(fresh).Object));
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        Assert.DoesNotContain(WatchEventType.Added, seen);
        Assert.False(stalled.IsCompleted);
        await giveUp.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => stalled.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    /// <summary>Opens a bookmark watch; the first task completes once the stream is live, the second with how it ended (null: cleanly).</summary>
    private (TaskCompletionSource Opened, Task<Exception?> Ended) OpenWatchUntilEnd()
    {
        var opened = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var ended = Task.Run(async () =>
        {
            try
            {
                await foreach (var (type, _) in WatchBundles(bookmarks: true))
                {
                    if (type == WatchEventType.Bookmark)
                    {
                        opened.TrySetResult();
                    }
                }

                return null;
            }
            catch (Exception error)
            {
                return error;
            }
        });
        return (opened, ended);
    }
}
