namespace TestApiServer;

/// <summary>How open watches are ended by <see cref="ApiFaults.DropAllWatches"/>.</summary>
public enum WatchDropMode
{
    /// <summary>Reset the connection mid-stream: the client sees an I/O error.</summary>
    Abort,

    /// <summary>End the response cleanly, as a server-side watch timeout does.</summary>
    EndStream,

    /// <summary>Write the first half of an event, then end the response: what a client reading lines sees when a connection
    /// dies mid-event behind a proxy that closes the response for it.</summary>
    Truncate,
}

/// <summary>Fault switches a test flips at runtime (thread-safe): failed writes, latency, dropped and short watches, expired history.</summary>
public sealed class ApiFaults : IDisposable
{
    private readonly Lock _gate = new();
    private readonly ObjectStore _store;
    private readonly List<FailureRule> _failures = [];
    private readonly List<(TimeSpan Delay, RequestMatch Match)> _latencies = [];
    private readonly WatchBroadcast _drop = new();
    private readonly WatchBroadcast _stall = new();
    private WatchDropMode _dropMode = WatchDropMode.Abort;
    private int? _closeWatchesAfterEvents;

    internal ApiFaults(ObjectStore store)
    {
        _store = store;
    }

    /// <summary>Each watch stream ends cleanly after delivering this many ADDED/MODIFIED/DELETED events; null for no limit.</summary>
    public int? CloseWatchesAfterEvents
    {
        get
        {
            lock (_gate)
            {
                return _closeWatchesAfterEvents;
            }
        }
        set
        {
            lock (_gate)
            {
                _closeWatchesAfterEvents = value;
            }
        }
    }

    /// <summary>The next <paramref name="count"/> matching requests fail with <paramref name="failure"/>.</summary>
    public void FailNext(int count, InjectedFailure failure, RequestMatch? match = null)
    {
        lock (_gate)
        {
            _failures.Add(new FailureRule(failure, match ?? RequestMatch.Any, count, null, null));
        }
    }

    /// <summary>Each matching request fails with probability <paramref name="fraction"/> (seeded, so a run is reproducible).</summary>
    public void FailFraction(double fraction, InjectedFailure failure, RequestMatch? match = null, int seed = 1)
    {
        lock (_gate)
        {
            _failures.Add(new FailureRule(failure, match ?? RequestMatch.Any, null, fraction, new Random(seed)));
        }
    }

    /// <summary>Matching requests wait this long before being handled (delays add up when several match).</summary>
    public void AddLatency(TimeSpan delay, RequestMatch? match = null)
    {
        lock (_gate)
        {
            _latencies.Add((delay, match ?? RequestMatch.Any));
        }
    }

    /// <summary>Ends every watch open right now; watches opened afterwards are unaffected.</summary>
    public void DropAllWatches(WatchDropMode mode = WatchDropMode.Abort)
    {
        lock (_gate)
        {
            _dropMode = mode;
        }

        _drop.Trigger();
    }

    /// <summary>
    /// Watches open right now go silent: the connection stays open but no event or bookmark arrives any more, like a
    /// silently dead TCP connection. Only the client closing it (or a drop, or server shutdown) ends it. Watches
    /// opened afterwards are unaffected.
    /// </summary>
    public void StallOpenWatches() => _stall.Trigger();

    /// <summary>Compacts the event history: every watch resuming from an older resourceVersion gets 410 Gone.</summary>
    public void ExpireResourceVersions() => _store.ExpireHistory();

    /// <summary>Turns off failures, latency and the watch event limit.</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _failures.Clear();
            _latencies.Clear();
            _closeWatchesAfterEvents = null;
        }
    }

    /// <summary>Releases the watch signals; the server calls this when it stops.</summary>
    public void Dispose()
    {
        _drop.Dispose();
        _stall.Dispose();
    }

    internal InjectedFailure? TakeFailure(ApiCall call)
    {
        lock (_gate)
        {
            _failures.RemoveAll(rule => rule.Remaining == 0);
            foreach (var rule in _failures.Where(rule => rule.Match.Matches(call)))
            {
                if (rule.Remaining is { } remaining)
                {
                    if (remaining > 0)
                    {
                        rule.Remaining = remaining - 1;
                        return rule.Failure;
                    }
                }
                else if (rule.Random!.NextDouble() < rule.Fraction)
                {
                    return rule.Failure;
                }
            }

            return null;
        }
    }

    internal TimeSpan LatencyFor(ApiCall call)
    {
        lock (_gate)
        {
            return _latencies.Where(latency => latency.Match.Matches(call)).Aggregate(TimeSpan.Zero, (total, latency) => total + latency.Delay);
        }
    }

    /// <summary>Tokens cancelled by the next <see cref="DropAllWatches"/> and the next <see cref="StallOpenWatches"/>.</summary>
    internal (CancellationToken Drop, CancellationToken Stall) WatchSignals() => (_drop.Token, _stall.Token);

    /// <summary>How the latest <see cref="DropAllWatches"/> asked streams to end.</summary>
    internal WatchDropMode DropMode
    {
        get
        {
            lock (_gate)
            {
                return _dropMode;
            }
        }
    }

    private sealed class FailureRule(InjectedFailure failure, RequestMatch match, int? remaining, double? fraction, Random? random)
    {
        public InjectedFailure Failure { get; } = failure;

        public RequestMatch Match { get; } = match;

        public int? Remaining { get; set; } = remaining;

        public double? Fraction { get; } = fraction;

        public Random? Random { get; } = random;
    }
}
