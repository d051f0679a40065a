using System.Diagnostics;

namespace MtlsOperator.Runtime;

/// <summary>
/// A de-duplicating work queue with client-go semantics: a key waits at most once; a key handed to a worker is
/// never handed to a second worker until <see cref="Done"/>; a key added while it is processed is queued again
/// when that processing is done; failures back off per key; delayed adds keep the earliest deadline.
/// </summary>
public sealed class WorkQueue<TKey> : IDisposable
    where TKey : notnull
{
    private readonly Lock _gate = new();
    private readonly Queue<TKey> _queue = new();
    private readonly HashSet<TKey> _dirty = [];
    private readonly HashSet<TKey> _processing = [];
    // Delayed adds: each key's deadline, and the deadlines in order with one timer for the earliest (a timer per key cost ~300 bytes
    // each, and every resource waits for a time-driven re-check). An entry the order holds for a deadline since moved is skipped.
    private readonly Dictionary<TKey, DateTimeOffset> _delayed = [];
    private readonly PriorityQueue<TKey, DateTimeOffset> _deadlines = new();
    private readonly TimeProvider _time;
    private readonly IRateLimiter<TKey> _rateLimiter;
    private readonly TagList _tags;
    private TaskCompletionSource _changed = NewSignal();
    private ITimer? _timer;
    private DateTimeOffset? _timerDue;
    private bool _shuttingDown;

    /// <param name="name">Names the queue in metrics (e.g. the controller's kind).</param>
    /// <param name="time">The clock for delayed adds; tests pass a fake one.</param>
    /// <param name="rateLimiter">Backoff for <see cref="AddRateLimited"/>; defaults to client-go's controller limiter.</param>
    public WorkQueue(string name, TimeProvider? time = null, IRateLimiter<TKey>? rateLimiter = null)
    {
        Name = name;
        _time = time ?? TimeProvider.System;
        _rateLimiter = rateLimiter ?? RateLimiters.ControllerDefault<TKey>(_time);
        _tags = new TagList { { "queue", name } };
    }

    /// <summary>The queue's name in metrics.</summary>
    public string Name { get; }

    /// <summary>Keys ready to be handed out (delayed keys not included).</summary>
    public int Depth
    {
        get
        {
            lock (_gate)
            {
                return _queue.Count;
            }
        }
    }

    /// <summary>Keys waiting for an <see cref="AddAfter"/> deadline.</summary>
    public int DelayedCount
    {
        get
        {
            lock (_gate)
            {
                return _delayed.Count;
            }
        }
    }

    /// <summary>True once <see cref="ShutDown"/> was called.</summary>
    public bool IsShuttingDown
    {
        get
        {
            lock (_gate)
            {
                return _shuttingDown;
            }
        }
    }

    /// <summary>Queues <paramref name="key"/> unless it is already waiting; ignored after shutdown.</summary>
    public void Add(TKey key)
    {
        lock (_gate)
        {
            if (_shuttingDown || !_dirty.Add(key))
            {
                return;
            }

            RuntimeMetrics.QueueAdds.Add(1, _tags);

            // A key being processed is re-queued by Done, so that no two workers hold it.
            if (_processing.Contains(key))
            {
                return;
            }

            Enqueue(key);
        }
    }

    /// <summary>Queues <paramref name="key"/> once <paramref name="delay"/> has passed; an earlier pending deadline wins.</summary>
    public void AddAfter(TKey key, TimeSpan delay)
    {
        if (delay <= TimeSpan.Zero)
        {
            Add(key);
            return;
        }

        lock (_gate)
        {
            if (_shuttingDown)
            {
                return;
            }

            var now = _time.GetUtcNow();
            var readyAt = now + delay;
            if (_delayed.TryGetValue(key, out var pending) && pending <= readyAt)
            {
                return;
            }

            _delayed[key] = readyAt;
            _deadlines.Enqueue(key, readyAt);
            ArmLocked(now);
        }
    }

    /// <summary>Queues <paramref name="key"/> after the backoff its failure history calls for.</summary>
    public void AddRateLimited(TKey key)
    {
        RuntimeMetrics.QueueRetries.Add(1, _tags);
        AddAfter(key, _rateLimiter.When(key));
    }

    /// <summary>Resets the backoff of <paramref name="key"/>; call after it was processed successfully.</summary>
    public void Forget(TKey key) => _rateLimiter.Forget(key);

    /// <summary>How many times <paramref name="key"/> failed since it was last forgotten.</summary>
    public int NumRequeues(TKey key) => _rateLimiter.NumRequeues(key);

    /// <summary>
    /// Waits for a key and marks it as processing; the caller must call <see cref="Done"/> with it.
    /// Returns <c>Shutdown = true</c> once the queue is shutting down.
    /// </summary>
    public async Task<(bool Shutdown, TKey Key)> GetAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (_shuttingDown)
                {
                    return (true, default!);
                }

                if (TryTakeLocked(out var key))
                {
                    return (false, key);
                }

                changed = _changed.Task;
            }

            await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Takes a ready key without waiting, marking it as processing; false when none is ready or shutting down.</summary>
    public bool TryGet(out TKey key)
    {
        lock (_gate)
        {
            if (!_shuttingDown && TryTakeLocked(out key))
            {
                return true;
            }

            key = default!;
            return false;
        }
    }

    /// <summary>Ends the processing of <paramref name="key"/>; re-queues it if it was added meanwhile.</summary>
    public void Done(TKey key)
    {
        lock (_gate)
        {
            if (!_processing.Remove(key))
            {
                return;
            }

            if (_dirty.Contains(key) && !_shuttingDown)
            {
                Enqueue(key);
            }
            else
            {
                Signal();
            }
        }
    }

    /// <summary>Stops handing out keys and drops delayed ones; keys being processed may still call <see cref="Done"/>.</summary>
    public void ShutDown()
    {
        lock (_gate)
        {
            if (_shuttingDown)
            {
                return;
            }

            _shuttingDown = true;
            _timer?.Dispose();
            _timer = null;
            _timerDue = null;
            _delayed.Clear();
            _deadlines.Clear();
            RuntimeMetrics.QueueDepth.Add(-_queue.Count, _tags);
            _queue.Clear();
            _dirty.Clear();
            Signal();
        }
    }

    /// <summary>Shuts down, then waits until every key handed out has been marked <see cref="Done"/>.</summary>
    public async Task ShutDownWithDrainAsync(CancellationToken cancellationToken)
    {
        ShutDown();
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (_processing.Count == 0)
                {
                    return;
                }

                changed = _changed.Task;
            }

            await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public void Dispose() => ShutDown();

    /// <summary>Sets the timer for the earliest deadline, unless it is already set for it or earlier.</summary>
    private void ArmLocked(DateTimeOffset now)
    {
        if (!_deadlines.TryPeek(out _, out var earliest) || (_timerDue is { } due && due <= earliest))
        {
            return;
        }

        _timerDue = earliest;
        var wait = earliest - now;
        wait = wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        if (_timer is null)
        {
            _timer = _time.CreateTimer(_ => OnDeadline(), null, wait, Timeout.InfiniteTimeSpan);
        }
        else
        {
            _timer.Change(wait, Timeout.InfiniteTimeSpan);
        }
    }

    private void OnDeadline()
    {
        var ready = new List<TKey>();
        lock (_gate)
        {
            if (_shuttingDown)
            {
                return;
            }

            var now = _time.GetUtcNow();
            _timerDue = null;
            while (_deadlines.TryPeek(out var key, out var readyAt) && readyAt <= now)
            {
                _deadlines.Dequeue();
                // Only the key's current deadline counts: an entry for one it had before is left behind.
                if (_delayed.TryGetValue(key, out var current) && current == readyAt)
                {
                    _delayed.Remove(key);
                    ready.Add(key);
                }
            }

            ArmLocked(now);
        }

        foreach (var key in ready)
        {
            Add(key);
        }
    }

    private bool TryTakeLocked(out TKey key)
    {
        if (!_queue.TryDequeue(out key!))
        {
            return false;
        }

        RuntimeMetrics.QueueDepth.Add(-1, _tags);
        _processing.Add(key);
        _dirty.Remove(key);
        return true;
    }

    private void Enqueue(TKey key)
    {
        _queue.Enqueue(key);
        RuntimeMetrics.QueueDepth.Add(1, _tags);
        Signal();
    }

    // Wakes every waiter; each re-checks the state under the lock, so a lost race only costs a loop.
    private void Signal()
    {
        var changed = _changed;
        _changed = NewSignal();
        changed.TrySetResult();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
