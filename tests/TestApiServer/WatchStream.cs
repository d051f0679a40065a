using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace TestApiServer;

/// <summary>
/// Serves one watch: newline-delimited watch events in commit order, selector transitions (a MODIFIED that leaves the
/// selector is a DELETED), periodic BOOKMARKs, timeoutSeconds, and the fault switches that end watches early.
/// </summary>
internal sealed class WatchStream(ObjectStore store, ApiFaults faults, TimeSpan bookmarkInterval)
{
    private static readonly byte[] NewLine = "\n"u8.ToArray();

    public async Task RunAsync(HttpContext context, ApiTarget target, WatchRequest request, CancellationToken serverStopping)
    {
        var start = store.Subscribe(target.Resource, target.Namespace, request.FromRevision);
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json";
        await response.StartAsync(context.RequestAborted);
        if (start.Subscription is not { } subscription)
        {
            // The real server answers 200 and then a single ERROR event carrying the 410 Status.
            var expired = StatusBody.Failure(410, "Expired", start.ExpiredMessage!);
            await WriteEventAsync(response, "ERROR", JsonSerializer.SerializeToElement(expired), context.RequestAborted);
            return;
        }

        var (dropToken, stallToken) = faults.WatchSignals();
        using var timeout = new CancellationTokenSource(request.Timeout ?? Timeout.InfiniteTimeSpan);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, serverStopping, dropToken, stallToken, timeout.Token);
        var bookmarks = request.Bookmarks ? SendBookmarksAsync(subscription, stop.Token) : Task.CompletedTask;

        // Ending the watch (timeout, a fault) stops the wait for the next event, never a write: Kestrel aborts the connection
        // when a write is cancelled, and a real API server ends a timed-out watch with a complete response. Only the client
        // going away or the server stopping may cut a write short.
        using var writes = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, serverStopping);
        try
        {
            await StreamAsync(response, target.Resource, subscription, request, stop.Token, writes.Token);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            if (stallToken.IsCancellationRequested)
            {
                await StaySilentAsync(context.RequestAborted, serverStopping, dropToken);
            }

            if (dropToken.IsCancellationRequested && faults.DropMode == WatchDropMode.Abort)
            {
                context.Abort();
            }
            else if (dropToken.IsCancellationRequested && faults.DropMode == WatchDropMode.Truncate)
            {
                await response.Body.WriteAsync("{\"type\":\"MODIFIED\",\"object\":{\"kind\":"u8.ToArray(), context.RequestAborted);
            }
        }
        finally
        {
            store.Unsubscribe(subscription);
            await stop.CancelAsync();
            await bookmarks;
        }
    }

    private static async Task StaySilentAsync(params CancellationToken[] ends)
    {
        using var silence = CancellationTokenSource.CreateLinkedTokenSource(ends);
        try
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, silence.Token);
        }
        catch (OperationCanceledException)
        {
            // The client, the server or a drop ended the silent connection.
        }
    }

    private async Task StreamAsync(HttpResponse response, ApiResource resource, WatchSubscription subscription, WatchRequest request, CancellationToken token, CancellationToken writeToken)
    {
        var delivered = 0;
        await foreach (var item in subscription.Items.ReadAllAsync(token))
        {
            switch (item)
            {
                case WatchItem.Bookmark bookmark:
                    await WriteEventAsync(response, "BOOKMARK", BookmarkObject(resource, bookmark.Revision), writeToken);
                    break;
                case WatchItem.Change change when Translate(change.Event, request) is var (type, state):
                    await WriteEventAsync(response, type, state, writeToken);
                    delivered++;
                    if (faults.CloseWatchesAfterEvents is { } limit && delivered >= limit)
                    {
                        return;
                    }

                    break;
            }
        }
    }

    private async Task SendBookmarksAsync(WatchSubscription subscription, CancellationToken token)
    {
        using var timer = new PeriodicTimer(bookmarkInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(token))
            {
                store.RequestBookmark(subscription);
            }
        }
        catch (OperationCanceledException)
        {
            // The watch ended.
        }
    }

    private static (string Type, JsonElement State)? Translate(StoredEvent stored, WatchRequest request)
    {
        bool Selected(JsonElement state) => request.Labels.Matches(state) && request.Fields.Matches(state);

        var now = Selected(stored.Object);
        if (stored.Type != "MODIFIED")
        {
            return now ? (stored.Type, stored.Object) : null;
        }

        var before = stored.Previous is { } previous && Selected(previous);
        return (before, now) switch
        {
            (true, true) => ("MODIFIED", stored.Object),
            (false, true) => ("ADDED", stored.Object),
            (true, false) => ("DELETED", stored.Object),
            _ => null,
        };
    }

    private static JsonElement BookmarkObject(ApiResource resource, long revision) => JsonSerializer.SerializeToElement(new JsonObject
    {
        ["kind"] = resource.Kind,
        ["apiVersion"] = resource.ApiVersion,
        ["metadata"] = new JsonObject { ["resourceVersion"] = revision.ToString(System.Globalization.CultureInfo.InvariantCulture) },
    });

    private static async Task WriteEventAsync(HttpResponse response, string type, JsonElement state, CancellationToken token)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("type", type);
            writer.WritePropertyName("object");
            state.WriteTo(writer);
            writer.WriteEndObject();
        }

        await response.Body.WriteAsync(buffer.WrittenMemory, token);
        await response.Body.WriteAsync(NewLine, token);
        await response.Body.FlushAsync(token);
    }
}
