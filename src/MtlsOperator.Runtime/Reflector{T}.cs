using System.Diagnostics;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace MtlsOperator.Runtime;

/// <summary>
/// The list+watch loop of one informer in one namespace scope: lists, watches from the list's resourceVersion,
/// resumes from the last resourceVersion seen (events and bookmarks), relists on 410 Gone, restarts stalled
/// watches and backs off on failures.
/// </summary>
internal sealed class Reflector<T>(Informer<T> sink, IResourceClient<T> client, string? scope, InformerOptions<T> options, TimeProvider time, ILogger logger)
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    private static readonly TimeSpan SettleTimeout = TimeSpan.FromSeconds(5);
    private readonly TagList _tags = new() { { "kind", client.Kind } };
    private volatile string? _resourceVersion;

    /// <summary>True once the first list is in the cache.</summary>
    public bool HasSynced { get; private set; }

    /// <summary>Where the next watch resumes from (null: a list is due).</summary>
    public string? ResourceVersion => _resourceVersion;

    private string Scope => scope ?? "(all namespaces)";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var backoff = new ReconnectBackoff(options.InitialBackoff, options.MaxBackoff);
        var listReason = "initial";
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                if (_resourceVersion is null)
                {
                    _resourceVersion = await ListAsync(listReason, cancellationToken).ConfigureAwait(false);
                    HasSynced = true;
                    sink.OnReflectorSynced();
                }

                var outcome = await WatchAsync(_resourceVersion, cancellationToken).ConfigureAwait(false);
                _resourceVersion = outcome.End == WatchEnd.Gone ? null : outcome.ResourceVersion;
                listReason = "gone";
                if (outcome.Healthy)
                {
                    backoff.Reset();
                }

                Restarted(outcome.End.ToString().ToLowerInvariant(), outcome.Error);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (WatchErrors.IsGone(e))
            {
                _resourceVersion = null;
                listReason = "gone";
                Restarted("gone", e);
            }
            catch (Exception e)
            {
                Restarted("error", e);
            }

            try
            {
                await Task.Delay(backoff.Next(), time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void Restarted(string reason, Exception? error)
    {
        sink.CountWatchRestart();
        RuntimeMetrics.WatchRestarts.Add(1, [.. _tags, new("reason", reason)]);
        if (error is null && reason != "stalled")
        {
            ReflectorLog.LogWatchResuming(logger, client.Kind, Scope, reason);
        }
        else
        {
            ReflectorLog.LogWatchEnded(logger, client.Kind, Scope, reason, error?.Message ?? "silent for too long");
        }
    }

    private async Task<string> ListAsync(string reason, CancellationToken cancellationToken)
    {
        RuntimeMetrics.Relists.Add(1, [.. _tags, new("reason", reason)]);
        var pageSize = options.ListPageSize;
        while (true)
        {
            var kept = new List<T>();
            string? next = null;
            try
            {
                string resourceVersion;
                do
                {
                    var page = await client.ListAsync(scope, options.Selector, pageSize, next, cancellationToken).ConfigureAwait(false);

                    // Filtering (and transforming) page by page means objects the cache will not keep, and fields it will
                    // not keep, are never all held at once.
                    kept.AddRange(page.Items.Where(sink.Admits).Select(sink.Transform));
                    resourceVersion = page.ResourceVersion;
                    next = page.Continue;
                }
                while (next is not null);

                sink.Replace(scope, kept);
                ReflectorLog.LogListed(logger, kept.Count, client.Kind, Scope, resourceVersion);
                return resourceVersion;
            }
            catch (Exception e) when (next is not null && pageSize is not null && WatchErrors.IsGone(e))
            {
                // The continue token expired between pages: its snapshot is gone, so list everything at once.
                pageSize = null;
            }
        }
    }

    private async Task<WatchOutcome> WatchAsync(string resourceVersion, CancellationToken cancellationToken)
    {
        using var watch = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var gone = false;
        Exception? statusError = null;
        Exception? undecodable = null;

        // Status lines never reach the event stream: the client reports them here, and the stream would keep
        // waiting for lines the server will not send, so the watch is cancelled at once.
        void OnError(Exception error)
        {
            if (WatchErrors.IsGone(error))
            {
                gone = true;
                watch.Cancel();
            }
            else if (error is KubernetesException)
            {
                statusError = error;
                watch.Cancel();
            }
            else
            {
                // A line that is not an event is a stream cut mid-event (or garbage): skipping it would lose that change and
                // call the end of the cut stream a normal close. End the watch as failed; it resumes from the last event read.
                undecodable = error;
                watch.Cancel();
            }
        }

        var started = time.GetTimestamp();
        var received = 0;
        var lastVersion = resourceVersion;
        WatchOutcome Outcome(WatchEnd end, Exception? error = null) =>
            undecodable is not null
                ? new(WatchEnd.Error, lastVersion, Healthy: false, undecodable)
                : new(gone ? WatchEnd.Gone : statusError is not null ? WatchEnd.Error : end, lastVersion,
                    received > 0 || time.GetElapsedTime(started) >= options.MaxBackoff, error ?? statusError);

        var events = client.WatchAsync(scope, options.Selector, resourceVersion, options.WatchTimeout, OnError, watch.Token)
            .GetAsyncEnumerator(watch.Token);
        Task<bool>? pending = null;
        try
        {
            while (true)
            {
                pending = events.MoveNextAsync().AsTask();
                bool more;
                try
                {
                    more = await pending.WaitAsync(options.StallTimeout, time, CancellationToken.None).ConfigureAwait(false);
                }
                catch (TimeoutException)
                {
                    await watch.CancelAsync().ConfigureAwait(false);
                    return Outcome(WatchEnd.Stalled);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    return Outcome(WatchEnd.Closed);
                }
                catch (Exception e) when (WatchErrors.IsNormalClose(e))
                {
                    return Outcome(WatchEnd.Closed);
                }
                catch (Exception e) when (WatchErrors.IsGone(e))
                {
                    gone = true;
                    return Outcome(WatchEnd.Gone, e);
                }

                if (!more)
                {
                    return Outcome(WatchEnd.Closed);
                }

                var (type, item) = events.Current;
                received++;
                if (type == WatchEventType.Error)
                {
                    return Outcome(WatchEnd.Error);
                }

                if (type != WatchEventType.Bookmark)
                {
                    sink.Apply(type, item);
                }

                lastVersion = item.Metadata?.ResourceVersion ?? lastVersion;
                _resourceVersion = lastVersion;
            }
        }
        finally
        {
            await DisposeAsync(events, pending, watch).ConfigureAwait(false);
        }
    }

    // An async iterator cannot be disposed while a MoveNext is running: cancel, let it settle, then dispose.
    private async Task DisposeAsync(IAsyncEnumerator<(WatchEventType, T)> events, Task<bool>? pending, CancellationTokenSource watch)
    {
        await watch.CancelAsync().ConfigureAwait(false);
        if (pending is not null && !pending.IsCompleted)
        {
            try
            {
                await pending.WaitAsync(SettleTimeout, time, CancellationToken.None).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                ReflectorLog.LogWatchAbandoned(logger, client.Kind);
                return;
            }
            catch (Exception e)
            {
                ReflectorLog.LogWatchStopFailed(logger, client.Kind, e.Message);
            }
        }

        try
        {
            await events.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            ReflectorLog.LogWatchDisposeFailed(logger, client.Kind, e.Message);
        }
    }

    private enum WatchEnd
    {
        Closed,
        Gone,
        Stalled,
        Error,
    }

    private readonly record struct WatchOutcome(WatchEnd End, string ResourceVersion, bool Healthy, Exception? Error);
}

// Outside the generic type, so every T shares one set of log delegates.
internal static partial class ReflectorLog
{
    [LoggerMessage(Level = LogLevel.Debug, Message = "Watch of {Kind} in {Scope} ended ({Reason}); resuming")]
    public static partial void LogWatchResuming(ILogger logger, string kind, string scope, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Watch of {Kind} in {Scope} ended ({Reason}): {Error}")]
    public static partial void LogWatchEnded(ILogger logger, string kind, string scope, string reason, string error);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Listed {Count} {Kind} in {Scope} at resourceVersion {ResourceVersion}")]
    public static partial void LogListed(ILogger logger, int count, string kind, string scope, string resourceVersion);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Abandoned a {Kind} watch that did not stop when cancelled")]
    public static partial void LogWatchAbandoned(ILogger logger, string kind);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Watch of {Kind} stopped: {Error}")]
    public static partial void LogWatchStopFailed(ILogger logger, string kind, string error);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Disposing the {Kind} watch failed: {Error}")]
    public static partial void LogWatchDisposeFailed(ILogger logger, string kind, string error);
}
