using System.Collections.Concurrent;
using MtlsOperator.Engine.Evaluation;

namespace MtlsOperator.Controller.Converged;

/// <summary>
/// Remembers, per resource, the <see cref="ReconcileInputs"/> fingerprint of the state its last reconcile left converged (the inputs it
/// read when it found nothing to write; otherwise with what it wrote at their new versions), and when that result stops holding (its
/// next time-driven moment). A reconcile of the same inputs before then is known to find nothing
/// again, so it is answered without evaluating: a periodic resync of a converged cluster, or a re-queue by a change to something
/// the resource does not read, costs a fingerprint instead of PEM parsing, chain building and rendering. What one term remembered is
/// kept by <see cref="ConvergedStore"/> for the next (a restart, a new leader), which starts from it.
/// </summary>
/// <remarks>
/// Why this is the same answer: the engine is a pure function of the cached objects and the clock (outside reads are excluded by the
/// fingerprint), a reconcile with nothing to write changed no object, and the clock matters only at the moments the reconciler already
/// schedules a re-check for; the entry ends one second before that re-check. A resync re-reads the same cache, so it could not have
/// found anything else. A reconcile that wrote is remembered too, by the fingerprint of the state its writes left (the versions the
/// server gave them, everything else as read): evaluating that state again gives what was just written, which the watch echo of an
/// own write already relies on (it re-queues nothing), and which <c>ConvergedSaveTests</c> holds to an evaluation of that state.
/// About 60 bytes per resource.
/// </remarks>
internal sealed class ConvergedReconciles
{
    /// <summary>The reconciler re-checks a second after each moment: an entry ends before the re-check of its moment.</summary>
    private static readonly TimeSpan s_recheckSlack = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<ResourceKey, Entry> _entries = new();
    private ConcurrentDictionary<UInt128, Remembered> _earlier = new();
    private long _recalls;
    private long _earlierRecalls;
    private long _changes;

    /// <summary>Reconciles answered from memory so far.</summary>
    public long Recalls => Interlocked.Read(ref _recalls);

    /// <summary>Of <see cref="Recalls"/>, those answered from an earlier term's records: the first reconcile of a resource this process
    /// listed, so each stands for an object decoded into the caches.</summary>
    public long EarlierTermRecalls => Interlocked.Read(ref _earlierRecalls);

    /// <summary>Counts every change to what is remembered: a save is due when it moved.</summary>
    public long Changes => Interlocked.Read(ref _changes);

    /// <summary>How <paramref name="key"/> with inputs <paramref name="fingerprint"/> is known to have converged, if it is, with the wait
    /// until the re-check still due.</summary>
    public Recall Recalled(ResourceKey key, UInt128 fingerprint, DateTimeOffset now, out TimeSpan? recheck)
    {
        recheck = null;
        var recall = Recall.None;
        if (_entries.TryGetValue(key, out var entry) && entry.Fingerprint == fingerprint)
        {
            recall = Recall.ThisTerm;
        }
        else if (_earlier.TryGetValue(fingerprint, out var earlier))
        {
            // The fingerprint names the resource, so an earlier term's entry of these inputs is this key's.
            entry = new Entry(fingerprint, earlier.At, earlier.Until);
            recall = Recall.EarlierTerm;
        }

        if (recall == Recall.None || now < entry.At || now >= entry.Until)
        {
            return Recall.None;
        }

        if (recall == Recall.EarlierTerm)
        {
            _entries[key] = entry;
            _earlier.TryRemove(fingerprint, out _);
            Interlocked.Increment(ref _earlierRecalls);
        }

        recheck = entry.RecheckAt is { } at ? at - now : null;
        Interlocked.Increment(ref _recalls);
        return recall;
    }

    /// <summary>True, with the wait until the re-check still due, when <paramref name="fingerprint"/> is that of a converged reconcile
    /// of <paramref name="key"/> whose moment has not come.</summary>
    public bool TryRecall(ResourceKey key, UInt128 fingerprint, DateTimeOffset now, out TimeSpan? recheck) =>
        Recalled(key, fingerprint, now, out recheck) != Recall.None;

    /// <summary>Records a reconcile of <paramref name="key"/> at <paramref name="now"/> that left nothing to write and asked to be
    /// re-checked after <paramref name="recheck"/> (null: never for time).</summary>
    public void Remember(ResourceKey key, UInt128 fingerprint, DateTimeOffset now, TimeSpan? recheck)
    {
        var recheckAt = recheck is { } wait ? now + wait : (DateTimeOffset?)null;
        var until = recheckAt is { } r ? r - s_recheckSlack : DateTimeOffset.MaxValue;
        if (until <= now)
        {
            Forget(key);
            return;
        }

        _entries[key] = new Entry(fingerprint, now, until);
        Interlocked.Increment(ref _changes);
    }

    /// <summary>Drops what is remembered of <paramref name="key"/> (it wrote, failed, or is gone).</summary>
    public void Forget(ResourceKey key)
    {
        if (_entries.TryRemove(key, out _))
        {
            Interlocked.Increment(ref _changes);
        }
    }

    /// <summary>Every converged reconcile of this term, and those of an earlier term not yet recalled (a save made before this term
    /// reconciled everything keeps them). Entries whose moment has come are left out.</summary>
    public IReadOnlyList<Remembered> Snapshot(DateTimeOffset now) =>
        [.. _entries.Values.Select(e => new Remembered(e.Fingerprint, e.At, e.Until))
            .Concat(_earlier.Values)
            .Where(e => e.Until > now)
            .DistinctBy(e => e.Fingerprint)];

    /// <summary>This term's converged reconciles by resource, for tests that hold them to an evaluation.</summary>
    internal IReadOnlyDictionary<ResourceKey, UInt128> ThisTerm => _entries.ToDictionary(e => e.Key, e => e.Value.Fingerprint);

    /// <summary>Takes the converged reconciles an earlier term saved: a reconcile of one of their inputs is answered from them.</summary>
    public void Restore(IEnumerable<Remembered> earlier) =>
        _earlier = new ConcurrentDictionary<UInt128, Remembered>(earlier.Select(e => KeyValuePair.Create(e.Fingerprint, e)));

    /// <summary>Drops what an earlier term remembered and this one has not recalled: once this term has reconciled everything, those
    /// are of resources that are gone or changed.</summary>
    public void ForgetEarlier()
    {
        if (!_earlier.IsEmpty)
        {
            _earlier.Clear();
            Interlocked.Increment(ref _changes);
        }
    }

    private readonly record struct Entry(UInt128 Fingerprint, DateTimeOffset At, DateTimeOffset Until)
    {
        public DateTimeOffset? RecheckAt => Until == DateTimeOffset.MaxValue ? null : Until + s_recheckSlack;
    }
}

/// <summary>How a reconcile was known to have converged.</summary>
internal enum Recall
{
    /// <summary>Not known: evaluate.</summary>
    None,

    /// <summary>From a reconcile of this term.</summary>
    ThisTerm,

    /// <summary>From a reconcile of an earlier term (another process): nothing this term has of the resource came from an evaluation.</summary>
    EarlierTerm,
}

/// <summary>One converged reconcile: the fingerprint of its inputs, and the time it holds for (from its reconcile to one second before its
/// next moment; <see cref="DateTimeOffset.MaxValue"/> when it has none).</summary>
internal readonly record struct Remembered(UInt128 Fingerprint, DateTimeOffset At, DateTimeOffset Until);
