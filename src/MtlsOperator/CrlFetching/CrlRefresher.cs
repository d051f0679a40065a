using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;
using MtlsOperator.Controller;
using MtlsOperator.Engine.Api;
using MtlsOperator.Engine.CrlDistribution;
using MtlsOperator.Engine.Evaluation;

namespace MtlsOperator.CrlFetching;

/// <summary>
/// Keeps the CRL of every URL the bundles name fresh: fetches each when it is due (<see cref="CrlRefreshSchedule"/>), with bounded
/// concurrency, remembers the last body received while later fetches fail, and re-queues a bundle (and what depends on it) when what it
/// would read changed. The engine decides what is used; nothing fetched is trusted here.
/// </summary>
/// <remarks>Steady state writes nothing: a refetch that brings the same bytes (or a 304) changes nothing a bundle reads, so nothing is
/// re-queued. The last good CRL lives in the bundle's ConfigMap, not here, so a new leader starts empty and fetches only what is due.</remarks>
internal sealed partial class CrlRefresher(CrlHttpFetcher fetcher, CrlRefreshTiming timing, int concurrency, Action<ResourceKey> changed, OperatorMetrics metrics, TimeProvider time, ILogger logger)
    : ICrlDownloads
{
    private static readonly TimeSpan s_longestSleep = TimeSpan.FromMinutes(5);

    private readonly Lock _lock = new();
    private readonly Dictionary<(ResourceKey Bundle, string Url), Entry> _entries = [];
    private TaskCompletionSource _wake = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string? NotFetchingBecause => null;

    public CrlDownload? Find(string @namespace, string bundle, string url)
    {
        lock (_lock)
        {
            return _entries.TryGetValue((new ResourceKey(TrustBundle.KindName, @namespace, bundle), url), out var e) && e.Attempted
                ? new CrlDownload(e.Body, e.ReceivedAt, e.Error, e.FailingSince)
                : null;
        }
    }

    /// <summary>Sets the URLs <paramref name="bundle"/> fetches, from its evaluated status (which also says which CRL is held for each, so a
    /// restart fetches only the URLs that are due).</summary>
    public void Want(ResourceKey bundle, IReadOnlyList<CrlFetchStatus> fetches, TimeSpan schedule)
    {
        var interval = timing.Cap(schedule);
        var now = time.GetUtcNow();
        var added = false;
        lock (_lock)
        {
            foreach (var gone in _entries.Keys.Where(k => k.Bundle == bundle && !fetches.Any(f => f.Url == k.Url)).ToList())
            {
                _entries.Remove(gone);
            }

            foreach (var fetch in fetches)
            {
                var key = (bundle, fetch.Url);
                if (!_entries.TryGetValue(key, out var entry))
                {
                    _entries[key] = new Entry { Interval = interval, NextAttempt = CrlRefreshSchedule.First(now, interval, fetch, timing) };
                    added = true;
                }
                else if (entry.Interval != interval)
                {
                    var sooner = now + interval;
                    _entries[key] = entry with { Interval = interval, NextAttempt = entry.NextAttempt < sooner ? entry.NextAttempt : sooner };
                    added = true;
                }
            }
        }

        metrics.KeepCrlUrls(bundle, [.. fetches.Select(f => f.Url)]);
        if (added)
        {
            Interlocked.Exchange(ref _wake, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        }
    }

    /// <summary>Forgets a deleted bundle's URLs.</summary>
    public void Forget(ResourceKey bundle)
    {
        lock (_lock)
        {
            foreach (var gone in _entries.Keys.Where(k => k.Bundle == bundle).ToList())
            {
                _entries.Remove(gone);
            }
        }
    }

    /// <summary>Fetches what is due until cancelled, sleeping until the next URL is due or a new one is wanted.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await FetchDueAsync(cancellationToken).ConfigureAwait(false);
                await SleepAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    /// <summary>One round: fetches every URL that is due now.</summary>
    public async Task FetchDueAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        List<(ResourceKey Bundle, string Url)> due;
        lock (_lock)
        {
            due = [.. _entries.Where(e => e.Value.NextAttempt <= now).Select(e => e.Key)];
        }

        await Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = cancellationToken },
            async (key, ct) => await FetchOneAsync(key, ct).ConfigureAwait(false)).ConfigureAwait(false);
    }

    private async Task FetchOneAsync((ResourceKey Bundle, string Url) key, CancellationToken cancellationToken)
    {
        Entry? before;
        lock (_lock)
        {
            before = _entries.GetValueOrDefault(key);
        }

        if (before is null)
        {
            return;
        }

        var response = await fetcher.FetchAsync(key.Url, before.ETag, before.LastModified, cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        var after = Next(before, response, now);
        bool differs;
        lock (_lock)
        {
            // Dropped (or replaced by a new Want) while fetching: this answer is for a URL no longer wanted in that form.
            if (!_entries.TryGetValue(key, out var current) || current != before)
            {
                return;
            }

            _entries[key] = after;
            differs = !before.Attempted || before.Error != after.Error || !SameBytes(before.Body, after.Body);
        }

        var result = response.Error is not null ? "failed" : differs && response.Body is not null ? "fetched" : "unchanged";
        metrics.RecordCrlFetch(key.Bundle, key.Url, result, response.Error is null ? now : null);
        if (response.Error is not null)
        {
            LogCrlFetchFailed(logger, key.Url, key.Bundle.Namespace, key.Bundle.Name, response.Error, after.NextAttempt.UtcDateTime);
        }
        else
        {
            LogCrlFetched(logger, key.Url, key.Bundle.Namespace, key.Bundle.Name, result, after.NextAttempt.UtcDateTime);
        }

        if (differs)
        {
            changed(key.Bundle);
        }
    }

    private Entry Next(Entry before, CrlResponse response, DateTimeOffset now)
    {
        if (response.Error is { } error)
        {
            var failures = before.Failures + 1;
            return before with
            {
                Attempted = true,
                Error = error,
                FailingSince = before.Error is null ? now : before.FailingSince,
                Failures = failures,
                NextAttempt = CrlRefreshSchedule.AfterFailure(now, before.Interval, failures, timing),
            };
        }

        var body = response.NotModified ? before.Body : response.Body;
        var same = SameBytes(body, before.Body);
        var nextUpdate = body is null ? null : CrlRefreshSchedule.NextUpdateOf(body);

        // A body that is not a current CRL is the engine's to report; here it only means "ask again soon", as after a failure.
        var usable = nextUpdate is null || nextUpdate > now;
        var failuresAfter = usable && nextUpdate is not null ? 0 : before.Failures + 1;
        return before with
        {
            Attempted = true,
            Body = body,
            ReceivedAt = same && before.ReceivedAt is not null ? before.ReceivedAt : now,
            Error = null,
            FailingSince = null,
            ETag = response.NotModified ? before.ETag : response.ETag,
            LastModified = response.NotModified ? before.LastModified : response.LastModified,
            Failures = failuresAfter,
            NextAttempt = failuresAfter == 0
                ? CrlRefreshSchedule.AfterSuccess(now, before.Interval, nextUpdate, timing)
                : CrlRefreshSchedule.AfterFailure(now, before.Interval, failuresAfter, timing),
        };
    }

    private async Task SleepAsync(CancellationToken cancellationToken)
    {
        // Taken before the entries are read, so a URL wanted meanwhile ends the sleep.
        var wake = Volatile.Read(ref _wake).Task;
        var now = time.GetUtcNow();
        TimeSpan wait;
        lock (_lock)
        {
            wait = _entries.Count == 0 ? s_longestSleep : _entries.Values.Min(e => e.NextAttempt) - now;
        }

        if (wait <= TimeSpan.Zero)
        {
            return;
        }

        using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var delay = Task.Delay(wait < s_longestSleep ? wait : s_longestSleep, time, either.Token);
        await Task.WhenAny(delay, wake).ConfigureAwait(false);
        await either.CancelAsync().ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
    }

    private static bool SameBytes(byte[]? a, byte[]? b) => a is null ? b is null : b is not null && a.AsSpan().SequenceEqual(b);

    /// <summary>What is known of one URL of one bundle. Replaced whole under the lock, never changed in place.</summary>
    private sealed record Entry
    {
        public bool Attempted { get; init; }

        public byte[]? Body { get; init; }

        public DateTimeOffset? ReceivedAt { get; init; }

        public string? Error { get; init; }

        public DateTimeOffset? FailingSince { get; init; }

        public EntityTagHeaderValue? ETag { get; init; }

        public DateTimeOffset? LastModified { get; init; }

        public int Failures { get; init; }

        public TimeSpan Interval { get; init; }

        public DateTimeOffset NextAttempt { get; init; }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "CRL fetch of {Url} for TrustBundle {Namespace}/{Name} failed: {Error}; next attempt {Next:u}")]
    private static partial void LogCrlFetchFailed(ILogger logger, string url, string @namespace, string name, string error, DateTime next);

    [LoggerMessage(Level = LogLevel.Debug, Message = "CRL {Url} for TrustBundle {Namespace}/{Name}: {Result}; next fetch {Next:u}")]
    private static partial void LogCrlFetched(ILogger logger, string url, string @namespace, string name, string result, DateTime next);
}
