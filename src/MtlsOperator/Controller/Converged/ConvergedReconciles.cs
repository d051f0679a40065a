using System.Collections.Concurrent;
using MtlsOperator.Engine.Evaluation;

namespace MtlsOperator.Controller.Converged;

/// <summary>
/// Remembers, per resource, the <see cref="ReconcileInputs"/> fingerprint of its last reconcile that found nothing to write, and when
/// that result stops holding (its next time-driven moment). A reconcile of the same inputs before then is known to find nothing
/// again, so it is answered without evaluating: a periodic resync of a converged cluster, or a re-queue by a change to something
/// the resource does not read, costs a fingerprint instead of PEM parsing, chain building and rendering.
/// </summary>
/// <remarks>
/// Why this is the same answer: the engine is a pure function of the cached objects and the clock (outside reads are excluded by the
/// fingerprint), a reconcile with nothing to write changed no object, and the clock matters only at the moments the reconciler already
/// schedules a re-check for; the entry ends one second before that re-check. A resync re-reads the same cache, so it could not have
/// found anything else. About 60 bytes per resource.
/// </remarks>
internal sealed class ConvergedReconciles
{
    /// <summary>The reconciler re-checks a second after each moment: an entry ends before the re-check of its moment.</summary>
    private static readonly TimeSpan s_recheckSlack = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<ResourceKey, Entry> _entries = new();
    private long _recalls;

    /// <summary>Reconciles answered from memory so far.</summary>
    public long Recalls => Interlocked.Read(ref _recalls);

    /// <summary>True, with the wait until the re-check still due, when <paramref name="fingerprint"/> is that of the last reconcile of
    /// <paramref name="key"/> that wrote nothing and its moment has not come.</summary>
    public bool TryRecall(ResourceKey key, UInt128 fingerprint, DateTimeOffset now, out TimeSpan? recheck)
    {
        recheck = null;
        if (!_entries.TryGetValue(key, out var entry) || entry.Fingerprint != fingerprint || now < entry.At || now >= entry.Until)
        {
            return false;
        }

        recheck = entry.RecheckAt is { } at ? at - now : null;
        Interlocked.Increment(ref _recalls);
        return true;
    }

    /// <summary>Records a reconcile of <paramref name="key"/> at <paramref name="now"/> that wrote nothing and asked to be re-checked
    /// after <paramref name="recheck"/> (null: never for time).</summary>
    public void Remember(ResourceKey key, UInt128 fingerprint, DateTimeOffset now, TimeSpan? recheck)
    {
        var recheckAt = recheck is { } wait ? now + wait : (DateTimeOffset?)null;
        var until = recheckAt is { } r ? r - s_recheckSlack : DateTimeOffset.MaxValue;
        if (until <= now)
        {
            Forget(key);
            return;
        }

        _entries[key] = new Entry(fingerprint, now, until, recheckAt);
    }

    /// <summary>Drops what is remembered of <paramref name="key"/> (it wrote, failed, or is gone).</summary>
    public void Forget(ResourceKey key) => _entries.TryRemove(key, out _);

    private readonly record struct Entry(UInt128 Fingerprint, DateTimeOffset At, DateTimeOffset Until, DateTimeOffset? RecheckAt);
}
